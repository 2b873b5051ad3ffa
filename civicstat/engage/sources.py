"""The page_views dataset: the counted views, loaded into the warehouse by `civicstat refresh`
(page views change with every visit, so they are exported with each refresh rather than after
each change)."""

from __future__ import annotations

from collections.abc import Iterator

from civicstat.events.datasets import DatasetLoad, replace_dataset
from civicstat.measures.sources import register_source

PAGE_VIEWS = "page_views"


def page_view_rows() -> Iterator[dict]:
    from civicstat.engage.models import PageView

    for row in PageView.objects.select_related("department").order_by("date", "path"):
        yield {
            "date": row.date,
            "path": row.path,
            "department": row.department.slug,
            "page_kind": row.page_kind,
            "views": row.views,
        }


@register_source(PAGE_VIEWS)
def export_page_views(con) -> DatasetLoad:
    """Replace ``page_views`` with every day's counts."""
    return replace_dataset(con, PAGE_VIEWS, page_view_rows())
