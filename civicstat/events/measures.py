"""The computed measures of the combined event record and of page views (``measures.yaml``).

The file is a measure catalogue in the generic format (docs/measures.md, "Catalogues"): read and
checked by :func:`civicstat.measures.catalogue.load`, attached to a plan's initiatives by number
with :func:`civicstat.measures.catalogue.attach` (the demo attaches :data:`MEASURES_FILE` with
the shipped catalogues), and computed by ``civicstat refresh``. The slugs below are the ones the
combined event dashboard shows.
"""

from __future__ import annotations

from pathlib import Path

MEASURES_FILE = Path(__file__).with_name("measures.yaml")

JOINT = "joint-community-safety-events"  # initiative 2.21's key measure
EVENTS = "community-events-per-month"
SHARE = "community-events-joint-share"
ATTENDANCE = "community-event-attendance"
BY_DEPARTMENT = "community-events-by-department"
ATTENDANCE_BY_DEPARTMENT = "community-event-attendance-by-department"
PAGE_VIEWS = "webpage-views"  # initiative 2.23's key measure

SUMMARY_SLUGS = (JOINT, EVENTS, SHARE, ATTENDANCE)
"""The monthly measures of the dashboard's figures and month-by-month table, in that order."""
DASHBOARD_SLUGS = (*SUMMARY_SLUGS, BY_DEPARTMENT, ATTENDANCE_BY_DEPARTMENT)


def specs(path: Path = MEASURES_FILE) -> dict[str, dict]:
    """Each measure's spec by slug, as the catalogue loader reads and checks them (raises
    civicstat.measures.catalogue.CatalogueError naming the file, measure and field)."""
    from civicstat.measures.catalogue import load

    return {entry.data["slug"]: entry.data["spec"] for entry in load(path)}
