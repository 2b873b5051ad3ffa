"""civicstat plan export FILE.yaml [--plan SLUG] | civicstat plan import FILE.yaml [--replace]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from civicstat.plans import planfile
from civicstat.plans.models import PlanPage


class Command(BaseCommand):
    help = "Export a plan to a YAML file, or import one (validated first; all or nothing)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="write a plan to a YAML file")
        export.add_argument("file", help="where to write; - for standard output")
        export.add_argument("--plan", help="slug of the plan (default: the current plan)")
        imp = sub.add_parser("import", help="create a plan from a YAML file")
        imp.add_argument("file")
        imp.add_argument(
            "--replace", action="store_true", help="replace an existing plan with the same slug"
        )
        check = sub.add_parser("check", help="validate a YAML file without importing it")
        check.add_argument("file")

    def handle(self, *args, action, **options):
        return getattr(self, f"do_{action}")(**options)

    def do_export(self, file, plan=None, **_):
        plans = PlanPage.objects.all()
        page = plans.filter(slug=plan).first() if plan else plans.filter(archived=False).first()
        if page is None:
            raise CommandError(
                f"no plan with slug {plan!r}" if plan else "there is no plan to export"
            )
        text = planfile.dump(planfile.export_plan(page))
        if file == "-":
            self.stdout.write(text, ending="")
        else:
            Path(file).write_text(text, encoding="utf-8")
            self.stdout.write(self.style.SUCCESS(f"Exported plan {page.slug!r} to {file}"))

    def do_import(self, file, replace=False, **_):
        try:
            data = planfile.load(Path(file))
            page = planfile.import_plan(data, replace=replace, source=file)
        except planfile.PlanFileError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Imported plan {page.slug!r} ({page.title}) from {file}")
        )

    def do_check(self, file, **_):
        from civicstat.core.models import Department

        try:
            data = planfile.load(Path(file))
        except planfile.PlanFileError as exc:
            raise CommandError(str(exc)) from exc
        problems = planfile.validate(data, Department.objects.values_list("slug", flat=True))
        if problems:
            raise CommandError(str(planfile.PlanFileError(problems, file)))
        self.stdout.write(self.style.SUCCESS(f"{file}: no problems found"))
