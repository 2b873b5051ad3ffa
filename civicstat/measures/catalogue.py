"""Measure catalogues: computed measure definitions kept in YAML beside the data they read, and
attached to a city's plan by number or slug.

A catalogue lists measures in the plan-file format (docs/plan-format.md, "Measures"), each with
where it belongs: ``initiative: "2.21"``, ``goal: "2"`` or ``page: <data page slug>``. CivicStat
ships catalogues for the datasets it knows (HEART responses, calls for service, events, HR…);
`civicstat measures attach FILE… --plan SLUG` attaches one to a plan. Attaching creates each
measure, or updates the one with the same slug, as a computed measure, and publishes it through
a revision (so the change is on record like any edit). Values already published by hand for a
measure that becomes computed are withdrawn; the entered values stay on record with the measure.

    measures:
      - slug: joint-community-safety-events
        initiative: "2.21"
        name: Joint Community Safety Events
        unit: events
        spec: {dataset: community_events, time_column: starts_at, ...}
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.db import transaction

from civicstat.core.models import Department
from civicstat.measures.models import (
    Measure,
    MeasureAnnotation,
    MeasureKind,
    MeasureRole,
    MeasureTarget,
    MeasureValue,
    ValueSource,
)

PLACES = ("initiative", "goal", "page")


class CatalogueError(Exception):
    """A catalogue that cannot be attached; ``problems`` are (path, message) pairs."""

    def __init__(self, source: str, problems: list[tuple[str, str]]):
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  {path}: {message}" for path, message in problems)
        super().__init__(f"{source}: {len(problems)} problem(s)\n{lines}")


@dataclass(frozen=True)
class Entry:
    place: str  # initiative | goal | page
    ref: str  # its number (initiative, goal) or slug (page)
    data: dict  # the measure in the plan-file format, with kind: computed by default


def load(path: str | Path) -> list[Entry]:
    """Read and check a catalogue; raises CatalogueError naming the file, measure and field."""
    from civicstat.plans.planfile.schema import _check_measures, _Checker

    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogueError(str(path), [("", f"cannot be read as YAML ({exc})")]) from exc
    items = raw.get("measures") if isinstance(raw, dict) else None
    if not isinstance(items, list):
        raise CatalogueError(str(path), [("", "expected a top-level 'measures:' list")])
    problems: list[tuple[str, str]] = []
    entries = []
    measures = []  # one per item, same index, so the checker's paths name the right item
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            measures.append(item)
            continue
        data = {k: v for k, v in item.items() if k not in PLACES}
        data.setdefault("kind", MeasureKind.COMPUTED)
        measures.append(data)
        places = [p for p in PLACES if p in item]
        if len(places) != 1:
            problems.append(
                (
                    f"measures[{i}]",
                    f"say where the measure belongs with exactly one "
                    f"of {', '.join(PLACES)} (found {places or 'none'})",
                )
            )
            continue
        entries.append(Entry(places[0], str(item[places[0]]).strip(), data))
    checker = _Checker(Department.objects.values_list("slug", flat=True))
    _check_measures(checker, measures, "measures", checker.known_departments)
    problems += [(p.path, p.message) for p in checker.problems]
    if problems:
        raise CatalogueError(str(path), problems)
    return entries


def _json_ready(value):
    """YAML reads 2024-07-01 as a date; specs are stored as JSON, so dates become ISO text."""
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _pages(plan) -> dict[tuple[str, str], object]:
    from civicstat.plans.models import DataPage, GoalPage, InitiativePage

    found: dict[tuple[str, str], object] = {}
    for page in GoalPage.objects.descendant_of(plan).specific():
        found[("goal", page.number)] = page
    for page in InitiativePage.objects.descendant_of(plan).specific():
        found[("initiative", page.number)] = page
    for page in DataPage.objects.descendant_of(plan).specific():
        found[("page", page.slug)] = page
    return found


@transaction.atomic
def attach(plan, paths, user=None) -> list[Measure]:
    """Attach every measure of the catalogues at ``paths`` to ``plan``. All or nothing: a
    measure whose page is missing from the plan is an error, and nothing changes."""
    if isinstance(paths, str | Path):
        paths = [paths]
    places = _pages(plan)
    planned = []
    for path in paths:
        entries = load(path)
        missing = [
            (f"measures[{i}].{e.place}", f"the plan {plan.slug!r} has no {e.place} {e.ref!r}")
            for i, e in enumerate(entries)
            if (e.place, e.ref) not in places
        ]
        if missing:
            raise CatalogueError(str(path), missing)
        planned += [(places[(e.place, e.ref)], e) for e in entries]
    return [_attach_one(page, entry, order, user) for order, (page, entry) in enumerate(planned)]


def _attach_one(page, entry: Entry, order: int, user) -> Measure:
    from civicstat.plans.models import GoalPage
    from civicstat.plans.planfile.importer import _as_date

    d = entry.data
    measure = Measure.objects.filter(slug=d["slug"]).first() or Measure(slug=d["slug"])
    if measure.pk is None:
        measure.sort_order = order
    was_manual = measure.pk is not None and measure.kind == MeasureKind.MANUAL
    measure.page = page
    measure.role = MeasureRole.CONTEXT if isinstance(page, GoalPage) else MeasureRole.KEY
    measure.name = d["name"]
    measure.definition = d.get("definition") or ""
    measure.kind = d.get("kind") or MeasureKind.COMPUTED
    measure.spec = _json_ready(d.get("spec"))
    defaults = {
        "unit": "",
        "value_format": "number",
        "decimals": 0,
        "cadence": "month",
        "counts_people": False,
        "suppression_shape": "table",
        "grace_days": 30,
        "direction": "higher_is_better",
        "target": None,
        "target_low": None,
        "target_high": None,
        "tolerance": 0.10,
        "tolerance_mode": "relative",
        "min_n": 1,
        "headline": False,
    }
    for field, default in defaults.items():
        value = d.get(field)
        setattr(measure, field, default if value is None else value)
    measure.source_note = d.get("source") or ""
    if d.get("targets") is not None:
        measure.period_targets = [
            MeasureTarget(period_start=_as_date(t["period_start"]), target=t["target"])
            for t in d["targets"]
        ]
    if d.get("annotations") is not None:
        measure.annotations = [
            MeasureAnnotation(date=_as_date(a["date"]), label=a["label"]) for a in d["annotations"]
        ]
    measure.save()
    owners = d.get("departments")
    if owners:
        measure.departments.set(Department.objects.filter(slug__in=owners))
    elif not measure.departments.exists() and hasattr(page, "departments"):
        measure.departments.set(page.departments.all())
    measure.save_revision(user=user, log_action=False).publish(user=user, log_action=False)
    if was_manual and measure.kind == MeasureKind.COMPUTED:
        MeasureValue.objects.filter(measure=measure, source=ValueSource.MANUAL).delete()
    return measure
