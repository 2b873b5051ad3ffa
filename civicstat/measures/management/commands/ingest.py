"""civicstat ingest DATASET FILE... : load raw files into the warehouse (see docs/warehouse.md)."""

import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from civicstat.warehouse.cli import EXIT_OK, run_ingest


class Command(BaseCommand):
    help = (
        "Load CSV, Parquet or JSON lines files into a warehouse dataset, checking every row "
        "against the dataset's contract; bad rows go to quarantine."
    )

    def add_arguments(self, parser):
        parser.add_argument("dataset", help="dataset (contract) name, e.g. calls_for_service")
        parser.add_argument("files", nargs="+", help="files to load")
        parser.add_argument("--mapping", help="column mapping name, e.g. sf-fire-calls")
        parser.add_argument(
            "--force", action="store_true", help="load files whose content was loaded before"
        )
        parser.add_argument("--no-progress", action="store_true", help="never draw a progress bar")

    def handle(self, *args, **options):
        code = run_ingest(
            settings.CIVICSTAT_WAREHOUSE_URL,
            options["dataset"],
            options["files"],
            mapping_name=options["mapping"],
            extra_paths=getattr(settings, "CIVICSTAT_WAREHOUSE_PATHS", ()),
            stdout=self.stdout,
            stderr=self.stderr,
            force=options["force"],
            progress=False if options["no_progress"] else None,
            progress_file=sys.stderr,  # the real stream: Django's wrapper ends every write
        )
        if code != EXIT_OK:
            raise CommandError("ingest did not complete: see the messages above", returncode=code)
