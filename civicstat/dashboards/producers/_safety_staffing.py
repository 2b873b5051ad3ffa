"""The staffing question of the diversion page: eligible calls left to police, by local hour of
day and day of week, as a heat map with its full table (hours as rows, weekdays as columns), so
colour is never the only way to read a cell."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicstat.dashboards.analysis import Section, chart_block
from civicstat.dashboards.analysis.build import heatmap_spec, number, table
from civicstat.dashboards.producers._safety_common import percent, share_of
from civicstat.safety.diversion import left_to_police_by_hour_weekday

WEEKDAYS = (
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
    gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
)
WEEKDAYS_SHORT = (
    gettext_lazy("Mon"),
    gettext_lazy("Tue"),
    gettext_lazy("Wed"),
    gettext_lazy("Thu"),
    gettext_lazy("Fri"),
    gettext_lazy("Sat"),
    gettext_lazy("Sun"),
)
NIGHT = (23, 7)  # [23:00, 07:00): the hours the summary reports separately


def hour_label(hour: int) -> str:
    return f"{hour:02d}:00"


def staffing_section(decisions, crisis, tz: str) -> Section:
    grid = left_to_police_by_hour_weekday(decisions, crisis, tz=tz).to_pandas()
    cells = {(int(r.weekday), int(r.hour)): int(r.calls) for r in grid.itertuples()}
    total = sum(cells.values())
    days = [str(d) for d in WEEKDAYS_SHORT]
    hours = [hour_label(h) for h in range(24)]
    ticks = [str(h) for h in range(24)]  # the chart's short hour labels (the table has 00:00)
    rows_data = [
        {"weekday": days[d], "hour": ticks[h], "calls": cells.get((d, h), 0)}
        for d in range(7)
        for h in range(24)
    ]
    caption = _("Eligible calls left to police, by hour of day and day of week")
    data = table(
        caption,
        [_("Hour"), *(str(d) for d in WEEKDAYS)],
        [[hours[h], *(number(cells.get((d, h), 0)) for d in range(7))] for h in range(24)],
    )
    if total:
        (day, hour) = max(cells, key=lambda k: (cells[k], -k[0], -k[1]))
        start, end = NIGHT
        night = sum(n for (d, h), n in cells.items() if h >= start or h < end)
        summary = _(
            "%(total)s eligible calls were left to police. The busiest hour was %(day)s at "
            "%(hour)s with %(n)s calls; %(night)s of them (%(share)s) came between %(start)s "
            "and %(end)s."
        ) % {
            "total": number(total),
            "day": WEEKDAYS[day],
            "hour": hours[hour],
            "n": number(cells[(day, hour)]),
            "night": number(night),
            "share": percent(share_of(night, total), 1),
            "start": hour_label(start),
            "end": hour_label(end),
        }
    else:
        summary = _("No eligible call was left to police.")
    spec = heatmap_spec(
        rows_data,
        x="hour",
        y="weekday",
        value="calls",
        x_order=ticks,
        y_order=days,
        description=summary,
        x_title=_("Hour of day (0 = midnight to 1 am)"),
        y_title=_("Day of week"),
        value_title=_("Calls"),
    )
    spec["encoding"]["x"]["axis"] = {"labelAngle": 0, "values": ticks[::3]}
    spec["height"] = 7 * 40
    chart = chart_block(
        spec, chart_id="diversion-left-to-police", title=caption, summary=summary, data_table=data
    )
    return Section(
        _("When eligible calls were left to police"),
        (chart,),
        _(
            "Where these calls cluster is where more civilian responders on shift would take the "
            "most calls off police."
        ),
    )
