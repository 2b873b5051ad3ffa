"""A computed series whose spec ends in the past (a finished pilot, a historical year) expects
no further values: never Overdue, no next due date, and the page says the series ended."""

import datetime as dt

import pytest

from civicstat.dashboards.measure_page import due_state
from civicstat.measures.services.refresh import refresh

pytestmark = pytest.mark.django_db


def test_a_series_with_a_fixed_end_is_not_overdue(client, measured):
    refresh(as_of=measured["as_of"], run_sources=False, analyses=False)
    count = measured["count"]  # spec periods end on 2024-08-31
    due = due_state(count, dt.date(2026, 12, 2))
    assert (due.overdue, due.next_due, due.closed_on) == (False, None, dt.date(2024, 8, 31))
    html = client.get(f"/measures/{count.slug}/").content.decode()
    assert "the series ended on" in html and "has not been published" not in html
    listing = {m["slug"]: m for m in client.get("/measures.json").json()["measures"]}
    assert listing[count.slug]["series_ended"] == "2024-08-31"
    assert listing[count.slug]["overdue"] is False

    # Without the fixed end the same values are overdue two years on.
    count.spec = {**count.spec, "periods": {"start": "2024-06-01"}}
    count.save()
    assert due_state(count, dt.date(2026, 12, 2)).overdue
