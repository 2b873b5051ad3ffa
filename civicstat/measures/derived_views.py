"""The built-in derived views (registered on first use of civicstat.measures.derived).

Each is an Ibis expression built by the pure safety analytics from a warehouse table, so a
measure spec can aggregate per-call or per-response values that carry their exclusion reason
(spec field ``exclude_by``) without anything being stored:

* ``crisis_response_times``: one row per crisis response with minutes to scene, on scene and in
  total and the reason each one is excluded (civicstat.safety.crisis_response.responses). It
  carries no person id.
* ``cfs_segments``: one row per in-scope call and response-time segment, with ``seconds``,
  ``minutes`` and ``excluded_reason`` (civicstat.safety.response_times.segments, the rules of
  ``CIVICSTAT_SEGMENT_RULES`` or the packaged defaults).
* ``call_eligibility``: one row per call with the civilian-response decision and the rule that
  decided it (civicstat.safety.diversion.decide, the rule set of
  ``CIVICSTAT_ELIGIBILITY_RULES`` or Durham's packaged one).
* ``familiar_neighbor_bands``: one row per person, local calendar year and familiar-neighbor
  band reached (5, 10, 20, 40 or more responses), without the person id
  (civicstat.safety.familiar_neighbors.bands).
* ``eligible_call_responders``: the eligible calls with who answered them (``heart``,
  ``co_response`` or ``police``), joined to the crisis responses by call id
  (civicstat.safety.diversion.answered_by).
"""

from __future__ import annotations

from civicstat.measures.derived import register_derived


@register_derived(
    "crisis_response_times",
    bases=("crisis_responses",),
    description="Crisis responses with minutes to scene, on scene and total, each with the "
    "reason it is excluded (no person id).",
)
def crisis_response_times(resolve):
    from civicstat.safety.crisis_response import responses

    return responses(resolve("crisis_responses"))


@register_derived(
    "cfs_segments",
    bases=("calls_for_service",),
    description="Response-time segments of in-scope calls (first-arriving unit), in seconds and "
    "minutes, each with the reason it is excluded.",
)
def cfs_segments(resolve):
    from civicstat.dashboards.producers._safety_common import segment_rules
    from civicstat.safety.response_times import segments

    view = segments(resolve("calls_for_service"), segment_rules())
    return view.mutate(minutes=view.seconds / 60.0)


@register_derived(
    "call_eligibility",
    bases=("calls_for_service",),
    description="One row per call: whether a civilian crisis team could take it, and the rule "
    "that decided it (Durham's rule set).",
)
def call_eligibility(resolve):
    from civicstat.dashboards.producers._safety_common import eligibility_rules
    from civicstat.safety.diversion import decide

    return decide(resolve("calls_for_service"), eligibility_rules())


@register_derived(
    "eligible_call_responders",
    bases=("calls_for_service", "crisis_responses"),
    description="Calls a civilian team could take, with who answered them (heart, co_response or "
    "police).",
)
def eligible_call_responders(resolve):
    from civicstat.dashboards.producers._safety_common import eligibility_rules
    from civicstat.safety.diversion import answered_by, decide

    crisis = resolve("crisis_responses")
    # Only the link and the program are read (the compiled query, published as the measure's
    # provenance, then never names a person column).
    decisions = decide(resolve("calls_for_service"), eligibility_rules())
    return answered_by(decisions, crisis.select("call_id", "program"))


@register_derived(
    "familiar_neighbor_bands",
    bases=("crisis_responses",),
    description="One row per person, local calendar year and familiar-neighbor band reached "
    "(5, 10, 20, 40 or more responses), with no person id: counting rows counts people.",
)
def familiar_neighbor_bands(resolve):
    from civicstat.dashboards.producers._safety_common import local_zone
    from civicstat.safety.familiar_neighbors.bands import yearly_band_rows

    return yearly_band_rows(resolve("crisis_responses"), tz=local_zone())
