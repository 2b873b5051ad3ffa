"""Small formatters shared by the pilot sections (PURE apart from gettext)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from civicstat.dashboards.analysis.build import number

REASONS = {
    "holiday_window": N_("in the New Year's or July 4 windows"),
    "published_at_missing": N_("no publish time"),
    "published_before_detected": N_("published before detected"),
    "alert_location_missing": N_("no location"),
    "call_location_missing": N_("no location"),
    "self_initiated": N_("officer-initiated"),
    "outside_period": N_("outside the evaluation period"),
    "outside_coverage_area": N_("outside the coverage area"),
    "interval_missing": N_("time missing"),
    "negative_interval": N_("negative interval"),
    "above_cap": N_("over 60 minutes"),
    "not_detectable": N_("not detectable gunfire"),
    "detectability_not_assessed": N_("detectability not assessed"),
    "shooter_location_missing": N_("no shooter location"),
    "linked_alert_not_found": N_("linked alert not found"),
    "beat_missing": N_("no beat"),
}


def reason(code: str) -> str:
    text = REASONS.get(code)
    if text is not None:
        return _(text)
    return code.replace("_at_missing", " time missing").replace("_", " ")


def excluded_note(excluded: Iterable) -> str:
    """ "12 excluded: 8 no publish time, 4 negative interval" (empty when none)."""
    items = [(e.reason, e.count) for e in excluded if e.count]
    if not items:
        return _("none excluded")
    total = sum(n for _r, n in items)
    parts = ", ".join(f"{number(n)} {reason(r)}" for r, n in items)
    return _("%(n)s excluded: %(parts)s") % {"n": number(total), "parts": parts}


def duration(seconds: float | None) -> str:
    """295 → "4 min 55 s"; 40 → "40 s"; None → "—"."""
    if seconds is None or (isinstance(seconds, float) and math.isnan(seconds)):
        return "—"
    s = int(round(seconds))
    minutes, rest = divmod(s, 60)
    if minutes == 0:
        return _("%(s)s s") % {"s": rest}
    return _("%(m)s min %(s)s s") % {"m": minutes, "s": rest}


def percent(share: float | None, decimals: int = 1) -> str:
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "—"
    return number(100 * share, decimals, "%")


def day(d: dt.date) -> str:
    """2023-12-14 → "14 Dec 2023"."""
    return f"{d.day} {d:%b %Y}"


def month(d: dt.date) -> str:
    return f"{d:%b %Y}"


def span(first: dt.date, last: dt.date) -> str:
    return f"{day(first)} – {day(last)}"
