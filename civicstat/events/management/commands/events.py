"""civicstat events import-ics FILE|URL [--department SLUG] [--audience public|internal]
civicstat events export      (the combined event record into the warehouse, now)
civicstat events demo        (a synthetic year of events across the departments)"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError

from civicstat.core.models import Department
from civicstat.events.errors import EventsError
from civicstat.events.models import Audience, EventCategory


class Command(BaseCommand):
    help = "Import a department's calendar (.ics), export the event record, or load demo events."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import-ics", help="create or update events from an .ics file or URL")
        imp.add_argument("source", help="a file path, or an http(s) address of a calendar feed")
        imp.add_argument("--department", help="slug of the hosting department")
        imp.add_argument(
            "--audience", choices=[a.value for a in Audience], default=Audience.PUBLIC.value
        )
        imp.add_argument(
            "--category", help="slug of the category for events the file does not categorise"
        )
        imp.add_argument(
            "--timezone", default=None, help="zone of floating times (default: the site's)"
        )
        imp.add_argument(
            "--base-url", default="", help="web address that relative event URLs are relative to"
        )
        sub.add_parser("export", help="export the combined event record to the warehouse now")
        demo = sub.add_parser("demo", help="load a synthetic year of events (replaces demo events)")
        demo.add_argument("--seed", type=int, default=None)

    def handle(self, *args, action, **options):
        handler = {"import-ics": self.do_import, "export": self.do_export, "demo": self.do_demo}[
            action
        ]
        try:
            return handler(**options)
        except EventsError as exc:
            raise CommandError(str(exc)) from exc

    def _department(self, slug: str | None) -> Department:
        if slug:
            department = Department.objects.filter(slug=slug).first()
            if department is None:
                known = ", ".join(Department.objects.values_list("slug", flat=True)) or "none"
                raise CommandError(f"no department {slug!r}; departments: {known}")
            return department
        if Department.objects.count() == 1:
            return Department.objects.get()
        known = ", ".join(Department.objects.values_list("slug", flat=True)) or "none"
        raise CommandError(f"name the hosting department with --department (one of: {known})")

    def do_import(
        self,
        source,
        department=None,
        audience="public",
        category=None,
        timezone=None,
        base_url="",
        **_,
    ):
        from django.conf import settings

        from civicstat.events.ics.importer import fetch, import_ics

        host = self._department(department)
        cat = None
        if category:
            cat = EventCategory.objects.filter(slug=category).first()
            if cat is None:
                raise CommandError(f"no event category {category!r}")
        if urlsplit(source).scheme in ("http", "https", "webcal"):
            url = "https" + source[6:] if source.startswith("webcal") else source
            data = fetch(url)
        else:
            path = Path(source)
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise CommandError(f"{source}: cannot be read ({exc.strerror or exc})") from exc
        report = import_ics(
            data,
            source,
            host,
            audience,
            cat,
            default_tz=timezone or settings.TIME_ZONE,
            base_url=base_url,
        )
        for line in report.lines():
            self.stdout.write(line)
        if report.skipped:
            self.stdout.write(
                self.style.WARNING(
                    f"{len(report.skipped)} events could not be imported; see the lines above."
                )
            )
        else:
            self.stdout.write(self.style.SUCCESS("Every event in the calendar was imported."))

    def do_export(self, **_):
        from civicstat.events.tasks import export_record

        result = export_record()
        for dataset, info in result.items():
            self.stdout.write(
                f"{dataset}: {info['rows']} rows (load {info['load_id']}, "
                f"{info['removed']} removed, {info['quarantined']} quarantined)"
            )

    def do_demo(self, seed=None, **_):
        from civicstat.events.demo import load_demo_events

        summary = load_demo_events(seed=seed)
        self.stdout.write(self.style.SUCCESS(summary))
