"""civicstat measures attach FILE... [--plan SLUG] : attach measure catalogues to a plan."""

from django.core.management.base import BaseCommand, CommandError

from civicstat.measures.catalogue import CatalogueError, attach
from civicstat.plans.models import PlanPage


class Command(BaseCommand):
    help = "Work with measure catalogues (computed measure definitions kept in YAML)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        attach_parser = sub.add_parser(
            "attach", help="create or update the catalogues' measures on a plan's pages"
        )
        attach_parser.add_argument("files", nargs="+", help="catalogue files (YAML)")
        attach_parser.add_argument(
            "--plan", help="plan slug (default: the only plan that is not archived)"
        )

    def handle(self, *args, action, files, plan=None, **options):
        plans = PlanPage.objects.all()
        if plan:
            target = plans.filter(slug=plan).first()
            if target is None:
                raise CommandError(f"no plan with slug {plan!r}")
        else:
            current = list(plans.filter(archived=False))
            if len(current) != 1:
                raise CommandError(
                    f"say which plan with --plan SLUG ({len(current)} plans are not archived)"
                )
            target = current[0]
        try:
            measures = attach(target, files)
        except CatalogueError as exc:
            raise CommandError(f"Nothing was attached.\n{exc}") from exc
        for measure in measures:
            self.stdout.write(f"  {measure.slug:<45} on {measure.page.title}")
        self.stdout.write(
            self.style.SUCCESS(f"{len(measures)} measures attached to {target.slug}.")
        )
