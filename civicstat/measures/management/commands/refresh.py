"""civicstat refresh [--measure SLUG ...] : compute every computed measure and publish them."""

from django.core.management.base import BaseCommand, CommandError

from civicstat.measures.services.refresh import RefreshError, refresh


class Command(BaseCommand):
    help = (
        "Compute every computed measure from the warehouse and publish all of them in one "
        "transaction. If any measure fails, nothing published changes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--measure", action="append", dest="slugs", help="only this measure")
        parser.add_argument(
            "--no-sources",
            action="store_true",
            help="do not push events and page views into the warehouse first",
        )
        parser.add_argument(
            "--no-analyses", action="store_true", help="compute measures only, not the analyses"
        )

    def handle(self, *args, slugs=None, no_sources=False, no_analyses=False, **options):
        try:
            run = refresh(
                slugs=slugs,
                triggered_by="civicstat refresh",
                run_sources=not no_sources,
                analyses=False if no_analyses else None,
            )
        except RefreshError as exc:
            raise CommandError(f"Refresh failed; published values are unchanged.\n{exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Refresh {run.pk}: {run.measures_count} measures, {run.values_count} values "
                f"and {run.analyses_count} analyses published in {run.duration_seconds:.1f} s."
            )
        )
        for computation in run.computations.select_related("measure").order_by("measure__slug"):
            excluded = f", {computation.n_excluded} excluded" if computation.n_excluded else ""
            self.stdout.write(
                f"  {computation.measure.slug:<45} {computation.rows:>4} values "
                f"({computation.n_used} records used{excluded}) {computation.duration_s:.2f} s"
            )
        for analysis in run.analyses.order_by("key"):
            self.stdout.write(f"  analysis {analysis.key:<36} {analysis.title}")
        for skip in run.skipped:
            self.stdout.write(f"  skipped {skip['producer']}: {skip['reason']}")
