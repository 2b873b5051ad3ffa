"""Staff enter the Tutoring Program's attendance (initiative 2.22) per site and month.

The values become ManualValue rows of the tutoring measure, stamped with who entered them and
when, in a new revision of the measure: published at once when the user may publish measures,
otherwise sent to the performance office's review workflow like any other change to a measure.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from civicstat.engage.forms import TutoringFormSet, TutoringMonthForm
from civicstat.events.permissions import internal_required
from civicstat.measures.models import ManualValue, Measure

DEFAULT_MEASURE = "tutoring-program"


def tutoring_measure() -> Measure:
    slug = getattr(settings, "CIVICSTAT_TUTORING_MEASURE", DEFAULT_MEASURE)
    measure = Measure.objects.filter(slug=slug).first()
    if measure is None:
        raise Http404(_("There is no tutoring measure (slug %(slug)s).") % {"slug": slug})
    return measure


def _policy():
    from wagtail.permissions import policy_registry

    return policy_registry.get_by_type(Measure)


def may_edit(user, measure) -> bool:
    return _policy().user_has_permission_for_instance(user, "change", measure)


def may_publish(user, measure) -> bool:
    return _policy().user_has_permission_for_instance(user, "publish", measure)


def working_copy(measure: Measure) -> Measure:
    """The latest revision (a pending draft included) as an object to add values to."""
    if measure.latest_revision_id:
        return measure.get_latest_revision_as_object()
    return measure


def known_sites(measure: Measure) -> list[str]:
    sites = {v.breakdown for v in working_copy(measure).manual_values.all() if v.breakdown}
    return sorted(sites)


@transaction.atomic
def record_attendance(measure: Measure, month, rows: list[dict], user) -> tuple[object, bool]:
    """Add or replace the month's value per site in a new revision; publish it or start the
    review workflow. Returns (revision, published)."""
    draft = working_copy(measure)
    now = timezone.now()
    name = user.get_full_name() or user.get_username()
    values = list(draft.manual_values.all())  # one list: .all() makes new instances each time
    existing = {(v.period_start, v.breakdown.casefold()): v for v in values}
    for row in rows:
        site = row["site"].strip()
        value = existing.get((month, site.casefold()))
        if value is None:
            value = ManualValue(period_start=month, breakdown=site)
            values.append(value)
        value.value, value.note = row["attendance"], row.get("note", "")
        value.entered_by, value.entered_by_name, value.entered_at = user, name, now
    draft.manual_values.set(values)
    revision = draft.save_revision(user=user, log_action=True)
    if may_publish(user, measure):
        revision.publish(user=user)
        return revision, True
    workflow = draft.get_workflow()
    if workflow is not None and not draft.workflow_in_progress:
        workflow.start(draft, user)
    return revision, False


@internal_required
def tutoring(request):
    measure = tutoring_measure()
    if not may_edit(request.user, measure):
        raise PermissionDenied
    sites = known_sites(measure)
    initial_rows = [{"site": s} for s in sites] + [{} for _ in range(2)]
    month_form = TutoringMonthForm(request.POST or None)
    formset = TutoringFormSet(request.POST or None, initial=initial_rows, prefix="sites")
    if request.method == "POST" and month_form.is_valid() and formset.is_valid():
        rows = [f.cleaned_data for f in formset.forms if f.cleaned_data.get("site")]
        _revision, published = record_attendance(
            measure, month_form.cleaned_data["month"], rows, request.user
        )
        if published:
            messages.success(request, _("Attendance saved and published."))
        else:
            messages.success(
                request, _("Attendance saved and sent to the performance office for approval.")
            )
        return redirect("engage:staff-tutoring")
    recent = measure.manual_values.order_by("-period_start", "breakdown")[:24]
    return render(
        request,
        "engage/staff/tutoring.html",
        {
            "measure": measure,
            "month_form": month_form,
            "formset": formset,
            "recent": recent,
        },
        status=400 if request.method == "POST" else 200,
    )
