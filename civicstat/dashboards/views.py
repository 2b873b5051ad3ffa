"""Public measure pages and open data: HTML, CSV and JSON, all from published values."""

from __future__ import annotations

import csv

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from civicstat.dashboards import measure_page
from civicstat.measures.models import Measure, MeasureValue

VALUE_FIELDS = (
    "period_start",
    "period_end",
    "period_label",
    "breakdown",
    "value",
    "suppressed",
    "suppression_reason",
    "n_used",
    "n_excluded",
    "target",
    "status",
    "source",
    "entered_by_name",
    "entered_at",
)


def _measure(slug: str) -> Measure:
    measure = Measure.objects.live().filter(slug=slug).select_related("page").first()
    if measure is None or (measure.page is not None and not measure.page.live):
        raise Http404(_("No published measure has this address."))
    return measure


@require_GET
def measure_detail(request, slug):
    measure = _measure(slug)
    page = measure_page.build(measure)
    from civicstat.measures.services.summary import status_display

    context = {
        "m": page,
        "measure": measure,
        "initiative": measure.page.specific if measure.page else None,
        "overdue_status": status_display(page.plan, "overdue"),
    }
    return render(request, "dashboards/measure_detail.html", context)


def _value_record(value: MeasureValue) -> dict:
    record = {}
    for name in VALUE_FIELDS:
        item = getattr(value, name)
        record[name] = item.isoformat() if hasattr(item, "isoformat") else item
    record["exclusions"] = value.exclusions or {}
    return record


def _measure_record(measure: Measure, request) -> dict:
    return {
        "slug": measure.slug,
        "name": measure.name,
        "definition": measure.definition,
        "kind": measure.kind,
        "unit": measure.unit,
        "value_format": measure.value_format,
        "cadence": measure.cadence,
        "direction": measure.direction,
        "target": measure.target,
        "counts_people": measure.counts_people,
        "departments": [d.slug for d in measure.departments.all()],
        "page": request.build_absolute_uri(measure.page.url)
        if measure.page and measure.page.url
        else None,
        "url": request.build_absolute_uri(measure.public_url),
        "csv": request.build_absolute_uri(measure.public_url.rstrip("/") + ".csv"),
        "json": request.build_absolute_uri(measure.public_url.rstrip("/") + ".json"),
    }


@require_GET
def measure_json(request, slug):
    measure = _measure(slug)
    page = measure_page.build(measure)
    computation = page.computation
    data = {
        "measure": _measure_record(measure, request),
        "status": {
            "key": page.latest.status,
            "explanation": page.latest.status_explanation,
            "period": page.latest.period_label,
        }
        if page.latest
        else None,
        "rule": page.rule_text,
        "reporting": {
            "cadence": measure.cadence,
            "latest_expected_period": page.expected_period,
            "overdue": page.overdue,
            "next_due": page.next_due.isoformat() if page.next_due else None,
        },
        "values": [_value_record(v) for v in page.values],
        "provenance": {
            "last_updated": page.last_updated.isoformat() if page.last_updated else None,
            "refresh_run": computation.run_id if computation else None,
            "spec_hash": computation.spec_hash if computation else None,
            "sql": computation.sql if computation else None,
            "loads": computation.loads if computation else [],
            "records_used": computation.n_used if computation else None,
            "records_excluded": computation.exclusions if computation else {},
            "percentile_method": computation.percentile_method if computation else None,
        },
    }
    return JsonResponse(data, json_dumps_params={"indent": 1})


@require_GET
def measure_csv(request, slug):
    measure = _measure(slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{measure.slug}.csv"'
    writer = csv.writer(response)
    writer.writerow(["measure", *VALUE_FIELDS])
    for value in MeasureValue.objects.filter(measure=measure).order_by("period_start", "breakdown"):
        record = _value_record(value)
        writer.writerow(
            [measure.slug, *["" if record[f] is None else record[f] for f in VALUE_FIELDS]]
        )
    return response


@require_GET
def measure_list_json(request):
    measures = (
        Measure.objects.live()
        .filter(page__live=True)
        .prefetch_related("departments")
        .order_by("slug")
    )
    from civicstat.measures.services.summary import summarise
    from civicstat.plans.models import PlanPage

    plan = PlanPage.objects.live().filter(archived=False).first()
    records = []
    for summary in summarise(measures, plan):
        record = _measure_record(summary.measure, request)
        latest = summary.latest
        due = measure_page.due_state(summary.measure)
        if latest is not None:
            record["latest"] = {
                "period": latest.period_label,
                "value": None if latest.suppressed else latest.value,
                "suppressed": latest.suppressed,
                "status": latest.status,
            }
        elif summary.breakdown_values:  # published by category only
            record["latest"] = {
                "period": summary.breakdown_values[0].period_label,
                "by_category": {
                    v.breakdown: None if v.suppressed else v.value for v in summary.breakdown_values
                },
            }
        else:
            record["latest"] = None
        record["overdue"] = due.overdue
        record["next_due"] = due.next_due.isoformat() if due.next_due else None
        record["series_ended"] = due.closed_on.isoformat() if due.closed_on else None
        records.append(record)
    return JsonResponse({"measures": records}, json_dumps_params={"indent": 1})


@require_GET
def measure_index(request):
    from civicstat.measures.services.summary import summarise
    from civicstat.plans.models import PlanPage

    measures = (
        Measure.objects.live().filter(page__live=True).select_related("page").order_by("name")
    )
    from civicstat.measures.services.summary import status_display

    plan = PlanPage.objects.live().filter(archived=False).first()
    rows = [(s, measure_page.due_state(s.measure)) for s in summarise(measures, plan)]
    return render(
        request,
        "dashboards/measure_index.html",
        {"rows": rows, "overdue_status": status_display(plan, "overdue")},
    )
