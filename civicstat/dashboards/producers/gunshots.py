"""The gunshot-detection pilot page (initiative 2.13): analysis ``gunshots/pilot``.

Computed at every refresh from ``gunshot_alerts`` (required) and, when loaded,
``gunshot_outcomes``, ``calls_for_service`` (residents' shots-fired calls) and
``confirmed_shootings``, with the city's pilot settings (civicstat/dashboards/pilots/pilots.yaml,
or the file ``CIVICSTAT_PILOTS_FILE`` names). The pure analytics are civicstat.safety.gunshots;
this module only picks the tables and lays out the sections. Importing it also registers the
pilot measures' derived views (civicstat.dashboards.pilots.derived).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from django.utils.translation import gettext as _

from civicstat.dashboards.analysis import Analysis, AnalysisContext, register_analysis
from civicstat.dashboards.pilots import derived  # noqa: F401  (registers the derived views)
from civicstat.dashboards.pilots.formatting import span
from civicstat.dashboards.pilots.gunshot_places import (
    detection_section,
    map_section,
    matching_section,
)
from civicstat.dashboards.pilots.gunshot_sections import (
    monthly_section,
    outcomes_section,
    period_section,
    publication_section,
    response_section,
    weekly_section,
)
from civicstat.dashboards.pilots.settings import GunshotSettings, load_pilot_settings
from civicstat.safety.gunshots import GunshotPilot, alert_counts_by_beat, gunshot_pilot
from civicstat.warehouse import UnknownDatasetError

KEY = "gunshots/pilot"
OPTIONAL = ("gunshot_outcomes", "calls_for_service", "confirmed_shootings")


def _optional(ctx: AnalysisContext, name: str):
    try:
        return ctx.resolve(name)
    except UnknownDatasetError:
        return None


def data_through(alerts, tz: str) -> dt.date | None:
    """Local date of the latest alert loaded."""
    latest = alerts.detected_at.max().to_pandas()
    if latest is None or pd.isna(latest):
        return None
    stamp = pd.Timestamp(latest)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp
    return stamp.tz_convert(tz).date()


def pilot_analysis(
    pilot: GunshotPilot,
    settings: GunshotSettings,
    *,
    through: dt.date | None,
    as_of: dt.date,
    beats=None,
    datasets: tuple[str, ...] = (),
) -> Analysis:
    e = settings.evaluation
    return Analysis(
        key=KEY,
        title=_("Gunshot-detection pilot evaluation"),
        sections=(
            period_section(pilot, through, as_of),
            weekly_section(pilot),
            monthly_section(pilot),
            publication_section(pilot),
            response_section(pilot),
            outcomes_section(pilot),
            matching_section(pilot),
            detection_section(pilot),
            map_section(pilot.alert_map, beats),
        ),
        method=_(
            "Computed from the alert records (and, where loaded, the outcome records, residents' "
            "shots-fired calls and verified shootings) at every data refresh, with the city's "
            "pilot settings. Times are stored in UTC and intervals taken in UTC; weeks and "
            "months are local. Medians and 90th percentiles are observed values (inverted CDF). "
            "Headline figures cover the evaluation period; alerts in the vendor's New Year's "
            "and July 4 windows are left out of the volume and publication figures, as the "
            "vendor's service levels do. Definitions: docs/gunshot-detection.md."
        ),
        datasets=datasets,
        parameters=settings.parameters(),
        period_label=_("Evaluation period %(span)s") % {"span": span(e.first_day, e.last_day)},
    )


@register_analysis("gunshots", datasets=("gunshot_alerts",))
def gunshot_pilot_page(ctx: AnalysisContext) -> list[Analysis]:
    settings = load_pilot_settings().gunshots
    if settings is None:
        return []
    alerts = ctx.resolve("gunshot_alerts")
    tables = {name: _optional(ctx, name) for name in OPTIONAL}
    config = settings.pilot_config()
    pilot = gunshot_pilot(
        alerts,
        config,
        outcomes=tables["gunshot_outcomes"],
        calls=tables["calls_for_service"],
        confirmed=tables["confirmed_shootings"],
    )
    beats = alert_counts_by_beat(alerts, period=config.period, alert_types=config.alert_types)
    used = ("gunshot_alerts", *(name for name, t in tables.items() if t is not None))
    return [
        pilot_analysis(
            pilot,
            settings,
            through=data_through(alerts, config.tz),
            as_of=ctx.as_of,
            beats=beats,
            datasets=used,
        )
    ]
