"""Validation of a plan file. Collects every problem with its path; never stops at the first."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from typing import Any

from civicstat.measures.models import (
    Cadence,
    Direction,
    MeasureKind,
    SuppressionShape,
    ToleranceMode,
    ValueFormat,
)
from civicstat.plans.models.statuses import MEASURE_STATUS_KEYS, StatusIcon
from civicstat.plans.numbering import number_problem

from .errors import Problem

FORMAT = "civicstat-plan/1"
SLUG = re.compile(r"^[-a-z0-9_]+$")
HEX = re.compile(r"^#[0-9a-fA-F]{6}$")

PLAN_KEYS = {
    "format",
    "slug",
    "title",
    "short_title",
    "period",
    "start_date",
    "end_date",
    "adopted_on",
    "archived",
    "numbered",
    "fiscal_year_start_month",
    "intro",
    "departments",
    "statuses",
    "goals",
    "pages",
}
DEPARTMENT_KEYS = {"slug", "name", "short_name", "email", "website", "description"}
STATUS_KEYS = {"key", "label", "colour", "icon", "description"}
GOAL_KEYS = {
    "number",
    "title",
    "slug",
    "statement",
    "why_this_matters",
    "measures",
    "objectives",
    "pages",
}
OBJECTIVE_KEYS = {"number", "title", "slug", "summary", "initiatives"}
INITIATIVE_KEYS = {
    "number",
    "title",
    "slug",
    "status",
    "departments",
    "description",
    "key_measures_analysis",
    "why_important",
    "what_we_did",
    "next_steps",
    "status_history",
    "measures",
    "pages",
}
DATA_PAGE_KEYS = {
    "slug",
    "title",
    "summary",
    "body",
    "analyses",
    "departments",
    "measures",
    "pages",
}
ANALYSIS_KEY = re.compile(r"^[a-z0-9][a-z0-9_./-]*$")
MEASURE_KEYS = {
    "slug",
    "name",
    "definition",
    "kind",
    "unit",
    "value_format",
    "decimals",
    "cadence",
    "counts_people",
    "suppression_shape",
    "grace_days",
    "direction",
    "target",
    "target_low",
    "target_high",
    "tolerance",
    "tolerance_mode",
    "min_n",
    "headline",
    "departments",
    "source",
    "spec",
    "targets",
    "annotations",
    "values",
}
VALUE_KEYS = {
    "period_start",
    "period_end",
    "period_label",
    "breakdown",
    "value",
    "note",
    "entered_by",
    "entered_at",
}


def _choices(choices) -> list[str]:
    return [value for value, _label in choices.choices]


class _Checker:
    def __init__(self, known_departments: Iterable[str] = ()):
        self.problems: list[Problem] = []
        self.known_departments = set(known_departments)
        self.measure_slugs: dict[str, str] = {}

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    # -- primitive checks -------------------------------------------------------------------
    def mapping(
        self, value: Any, path: str, allowed: set[str], required: Iterable[str] = ()
    ) -> bool:
        if not isinstance(value, dict):
            self.add(path, f"expected a mapping, got {type(value).__name__}")
            return False
        for key in value:
            if key not in allowed:
                self.add(
                    f"{path}.{key}" if path else str(key),
                    f"unknown key (expected one of: {', '.join(sorted(allowed))})",
                )
        for key in required:
            if value.get(key) in (None, ""):
                self.add(f"{path}.{key}" if path else key, "is required")
        return True

    def items(self, value: Any, path: str) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            self.add(path, f"expected a list, got {type(value).__name__}")
            return []
        return value

    def text(self, data: dict, key: str, path: str) -> None:
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            self.add(f"{path}.{key}", f"expected text, got {type(value).__name__}")

    def boolean(self, data: dict, key: str, path: str) -> None:
        value = data.get(key)
        if value is not None and not isinstance(value, bool):
            self.add(f"{path}.{key}", f"expected true or false, got {value!r}")

    def number(
        self, data: dict, key: str, path: str, minimum: float | None = None, integer: bool = False
    ) -> None:
        value = data.get(key)
        if value is None:
            return
        kinds = (int,) if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds):
            expected = "a whole number" if integer else "a number"
            self.add(f"{path}.{key}", f"expected {expected}, got {value!r}")
        elif minimum is not None and value < minimum:
            self.add(f"{path}.{key}", f"must be at least {minimum}, got {value!r}")

    def date(self, data: dict, key: str, path: str, required: bool = False) -> None:
        value = data.get(key)
        if value is None:
            if required:
                self.add(f"{path}.{key}", "is required (a date such as 2023-07-01)")
            return
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date | str):
            self.add(f"{path}.{key}", f"expected a date such as 2023-07-01, got {value!r}")
            return
        if isinstance(value, str):
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                self.add(f"{path}.{key}", f"'{value}' is not a date (expected YYYY-MM-DD)")

    def timestamp(self, data: dict, key: str, path: str, required: bool = False) -> None:
        value = data.get(key)
        if value is None:
            if required:
                self.add(f"{path}.{key}", "is required (a time such as 2024-01-15T09:30:00-05:00)")
            return
        if isinstance(value, dt.datetime):
            parsed = value
        elif isinstance(value, str):
            try:
                parsed = dt.datetime.fromisoformat(value)
            except ValueError:
                self.add(
                    f"{path}.{key}", f"'{value}' is not a time (expected ISO 8601 with offset)"
                )
                return
        else:
            self.add(
                f"{path}.{key}", f"expected a time such as 2024-01-15T09:30:00-05:00, got {value!r}"
            )
            return
        if parsed.tzinfo is None:
            self.add(f"{path}.{key}", f"'{value}' has no time zone offset (add e.g. -05:00 or Z)")

    def choice(self, data: dict, key: str, path: str, allowed: list[str]) -> None:
        value = data.get(key)
        if value is not None and value not in allowed:
            self.add(
                f"{path}.{key}", f"{value!r} is not allowed (expected one of: {', '.join(allowed)})"
            )

    def slug(self, data: dict, key: str, path: str, required: bool = False) -> None:
        value = data.get(key)
        if value is None:
            if required:
                self.add(f"{path}.{key}", "is required")
            return
        if not isinstance(value, str) or not SLUG.match(value):
            self.add(
                f"{path}.{key}", f"{value!r} is not a slug (lower-case letters, digits, - and _)"
            )

    def unique(self, rows: list, key: str, path: str, what: str, normalise: Callable = str) -> None:
        seen: dict[str, int] = {}
        for index, row in enumerate(rows):
            if not isinstance(row, dict) or row.get(key) in (None, ""):
                continue
            value = normalise(row[key])
            if value in seen:
                self.add(
                    f"{path}[{index}].{key}",
                    f"{what} {row[key]!r} is used twice (also at {path}[{seen[value]}])",
                )
            else:
                seen[value] = index


def validate(data: Any, known_departments: Iterable[str] = ()) -> list[Problem]:
    """Every problem in a plan file. ``known_departments``: slugs already in the database."""
    c = _Checker(known_departments)
    if not c.mapping(data, "", PLAN_KEYS, required=("format", "title", "slug")):
        return c.problems
    if data.get("format") not in (None, FORMAT):
        c.add("format", f"{data.get('format')!r} is not a supported format (expected {FORMAT})")
    c.slug(data, "slug", "")
    for key in ("title", "short_title", "period", "intro"):
        c.text(data, key, "")
    for key in ("start_date", "end_date", "adopted_on"):
        c.date(data, key, "")
    c.boolean(data, "archived", "")
    c.boolean(data, "numbered", "")
    c.number(data, "fiscal_year_start_month", "", minimum=1, integer=True)
    if (
        isinstance(data.get("fiscal_year_start_month"), int)
        and data["fiscal_year_start_month"] > 12
    ):
        c.add("fiscal_year_start_month", "must be between 1 and 12")

    departments = c.items(data.get("departments"), "departments")
    for i, dep in enumerate(departments):
        path = f"departments[{i}]"
        if c.mapping(dep, path, DEPARTMENT_KEYS, required=("slug", "name")):
            c.slug(dep, "slug", path)
            for key in ("name", "short_name", "email", "website", "description"):
                c.text(dep, key, path)
    c.unique(departments, "slug", "departments", "department slug")
    c.unique(departments, "name", "departments", "department name")
    department_slugs = c.known_departments | {
        d["slug"] for d in departments if isinstance(d, dict) and isinstance(d.get("slug"), str)
    }

    status_keys = _check_statuses(c, data.get("statuses"))
    _check_data_pages(c, data.get("pages"), "pages", department_slugs)
    numbered = data.get("numbered", True) is not False
    goals = c.items(data.get("goals"), "goals")
    c.unique(goals, "slug", "goals", "slug")
    c.unique(goals, "number", "goals", "number")
    for gi, goal in enumerate(goals):
        gpath = f"goals[{gi}]"
        if not c.mapping(goal, gpath, GOAL_KEYS, required=("title",)):
            continue
        _check_page(c, goal, gpath, "goal", None, numbered)
        for key in ("statement", "why_this_matters"):
            c.text(goal, key, gpath)
        _check_measures(c, goal.get("measures"), f"{gpath}.measures", department_slugs)
        _check_data_pages(c, goal.get("pages"), f"{gpath}.pages", department_slugs)
        objectives = c.items(goal.get("objectives"), f"{gpath}.objectives")
        c.unique(objectives, "slug", f"{gpath}.objectives", "slug")
        c.unique(objectives, "number", f"{gpath}.objectives", "number")
        for oi, objective in enumerate(objectives):
            opath = f"{gpath}.objectives[{oi}]"
            if not c.mapping(objective, opath, OBJECTIVE_KEYS, required=("title",)):
                continue
            _check_page(c, objective, opath, "objective", goal.get("number"), numbered)
            c.text(objective, "summary", opath)
            initiatives = c.items(objective.get("initiatives"), f"{opath}.initiatives")
            c.unique(initiatives, "slug", f"{opath}.initiatives", "slug")
            c.unique(initiatives, "number", f"{opath}.initiatives", "number")
            for ii, initiative in enumerate(initiatives):
                ipath = f"{opath}.initiatives[{ii}]"
                if c.mapping(initiative, ipath, INITIATIVE_KEYS, required=("title",)):
                    _check_initiative(
                        c,
                        initiative,
                        ipath,
                        objective.get("number"),
                        numbered,
                        status_keys,
                        department_slugs,
                    )
    return c.problems


def _check_statuses(c: _Checker, statuses: Any) -> dict[str, set[str]]:
    keys: dict[str, set[str]] = {"initiative": set(), "measure": set()}
    if statuses is None:
        return keys
    if not c.mapping(statuses, "statuses", {"initiative", "measure"}):
        return keys
    for kind in ("initiative", "measure"):
        rows = c.items(statuses.get(kind), f"statuses.{kind}")
        for i, row in enumerate(rows):
            path = f"statuses.{kind}[{i}]"
            if not c.mapping(row, path, STATUS_KEYS, required=("key", "label", "colour", "icon")):
                continue
            c.slug(row, "key", path)
            c.text(row, "label", path)
            c.text(row, "description", path)
            if isinstance(row.get("colour"), str) and not HEX.match(row["colour"]):
                c.add(
                    f"{path}.colour",
                    f"{row['colour']!r} is not a colour (expected # and six hex digits)",
                )
            c.choice(row, "icon", path, _choices(StatusIcon))
            if kind == "measure":
                c.choice(row, "key", path, list(MEASURE_STATUS_KEYS))
            if isinstance(row.get("key"), str):
                keys[kind].add(row["key"])
        c.unique(rows, "key", f"statuses.{kind}", "status key")
        c.unique(rows, "label", f"statuses.{kind}", "status label")
    return keys


def _number_text(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return value.strip()
    return None


def _check_page(
    c: _Checker, data: dict, path: str, level: str, parent_number: Any, numbered: bool
) -> None:
    c.text(data, "title", path)
    c.slug(data, "slug", path)
    raw = data.get("number")
    if raw is None or raw == "":
        if numbered:
            c.add(f"{path}.number", f"is required: this plan numbers its {level}s")
        return
    if isinstance(raw, float):
        c.add(
            f"{path}.number",
            f"{raw!r} must be written as text in quotes (e.g. '2.10'), or a trailing zero is lost",
        )
        return
    number = _number_text(raw)
    if number is None:
        c.add(f"{path}.number", f"expected text such as '2.11', got {raw!r}")
        return
    problem = number_problem(
        level, number, _number_text(parent_number) if level != "goal" else None
    )
    if problem:
        c.add(f"{path}.number", problem)


def _check_initiative(
    c: _Checker,
    data: dict,
    path: str,
    parent_number: Any,
    numbered: bool,
    status_keys: dict[str, set[str]],
    departments: set[str],
) -> None:
    _check_page(c, data, path, "initiative", parent_number, numbered)
    for key in ("description", "key_measures_analysis", "why_important", "what_we_did"):
        c.text(data, key, path)
    status = data.get("status")
    if status is not None and status not in status_keys["initiative"]:
        allowed = ", ".join(sorted(status_keys["initiative"])) or "none defined"
        c.add(
            f"{path}.status",
            f"{status!r} is not a status of this plan (expected one of: {allowed})",
        )
    _check_department_refs(c, data.get("departments"), f"{path}.departments", departments)
    for si, step in enumerate(c.items(data.get("next_steps"), f"{path}.next_steps")):
        spath = f"{path}.next_steps[{si}]"
        if c.mapping(step, spath, {"text", "done"}, required=("text",)):
            c.text(step, "text", spath)
            c.boolean(step, "done", spath)
    for hi, change in enumerate(c.items(data.get("status_history"), f"{path}.status_history")):
        hpath = f"{path}.status_history[{hi}]"
        if not c.mapping(change, hpath, {"at", "from", "to", "by", "reason"}, required=("at",)):
            continue
        c.timestamp(change, "at", hpath, required=True)
        for key in ("from", "to"):
            value = change.get(key)
            if value is not None and value not in status_keys["initiative"]:
                c.add(f"{hpath}.{key}", f"{value!r} is not a status of this plan")
        c.text(change, "by", hpath)
        c.text(change, "reason", hpath)
    _check_measures(c, data.get("measures"), f"{path}.measures", departments)
    _check_data_pages(c, data.get("pages"), f"{path}.pages", departments)


def _check_data_pages(c: _Checker, pages: Any, path: str, departments: set[str]) -> None:
    rows = c.items(pages, path)
    c.unique(rows, "slug", path, "slug")
    for pi, page in enumerate(rows):
        ppath = f"{path}[{pi}]"
        if not c.mapping(page, ppath, DATA_PAGE_KEYS, required=("title", "slug")):
            continue
        c.slug(page, "slug", ppath)
        for key in ("title", "summary", "body"):
            c.text(page, key, ppath)
        for ai, key in enumerate(c.items(page.get("analyses"), f"{ppath}.analyses")):
            if not isinstance(key, str) or not ANALYSIS_KEY.match(key):
                c.add(
                    f"{ppath}.analyses[{ai}]",
                    f"{key!r} is not an analysis key (lower-case letters, digits, _ . / and -)",
                )
        _check_department_refs(c, page.get("departments"), f"{ppath}.departments", departments)
        _check_measures(c, page.get("measures"), f"{ppath}.measures", departments)
        _check_data_pages(c, page.get("pages"), f"{ppath}.pages", departments)


def _check_department_refs(c: _Checker, refs: Any, path: str, departments: set[str]) -> None:
    for di, slug in enumerate(c.items(refs, path)):
        if slug not in departments:
            c.add(f"{path}[{di}]", f"{slug!r} is not a department (add it under departments)")


def _check_measures(c: _Checker, measures: Any, path: str, departments: set[str]) -> None:
    rows = c.items(measures, path)
    for mi, measure in enumerate(rows):
        mpath = f"{path}[{mi}]"
        if not c.mapping(measure, mpath, MEASURE_KEYS, required=("slug", "name")):
            continue
        c.slug(measure, "slug", mpath)
        slug = measure.get("slug")
        if isinstance(slug, str):
            if slug in c.measure_slugs:
                c.add(
                    f"{mpath}.slug",
                    f"measure slug {slug!r} is used twice (also at {c.measure_slugs[slug]})",
                )
            else:
                c.measure_slugs[slug] = mpath
        for key in ("name", "definition", "unit", "source"):
            c.text(measure, key, mpath)
        c.choice(measure, "kind", mpath, _choices(MeasureKind))
        c.choice(measure, "value_format", mpath, _choices(ValueFormat))
        c.choice(measure, "cadence", mpath, _choices(Cadence))
        c.choice(measure, "direction", mpath, _choices(Direction))
        c.choice(measure, "tolerance_mode", mpath, _choices(ToleranceMode))
        c.choice(measure, "suppression_shape", mpath, _choices(SuppressionShape))
        c.number(measure, "grace_days", mpath, minimum=0, integer=True)
        c.number(measure, "decimals", mpath, minimum=0, integer=True)
        c.number(measure, "min_n", mpath, minimum=0, integer=True)
        c.number(measure, "tolerance", mpath, minimum=0)
        for key in ("target", "target_low", "target_high"):
            c.number(measure, key, mpath)
        c.boolean(measure, "counts_people", mpath)
        c.boolean(measure, "headline", mpath)
        if measure.get("direction") == Direction.TARGET_RANGE and (
            measure.get("target_low") is None or measure.get("target_high") is None
        ):
            c.add(f"{mpath}.target_low", "a target range needs target_low and target_high")
        _check_spec(c, measure, mpath)
        _check_department_refs(c, measure.get("departments"), f"{mpath}.departments", departments)
        for ti, target in enumerate(c.items(measure.get("targets"), f"{mpath}.targets")):
            tpath = f"{mpath}.targets[{ti}]"
            if c.mapping(
                target, tpath, {"period_start", "target"}, required=("period_start", "target")
            ):
                c.date(target, "period_start", tpath, required=True)
                c.number(target, "target", tpath)
        for ai, note in enumerate(c.items(measure.get("annotations"), f"{mpath}.annotations")):
            apath = f"{mpath}.annotations[{ai}]"
            if c.mapping(note, apath, {"date", "label"}, required=("date", "label")):
                c.date(note, "date", apath, required=True)
                c.text(note, "label", apath)
        values = c.items(measure.get("values"), f"{mpath}.values")
        seen: dict[tuple, int] = {}
        for vi, value in enumerate(values):
            vpath = f"{mpath}.values[{vi}]"
            if not c.mapping(value, vpath, VALUE_KEYS, required=("period_start",)):
                continue
            c.date(value, "period_start", vpath, required=True)
            c.date(value, "period_end", vpath)
            if "value" not in value or value["value"] is None:
                c.add(f"{vpath}.value", "is required (a number)")
            else:
                c.number(value, "value", vpath)
            for key in ("period_label", "breakdown", "note", "entered_by"):
                c.text(value, key, vpath)
            c.timestamp(value, "entered_at", vpath)
            key = (str(value.get("period_start")), value.get("breakdown") or "")
            if key in seen:
                c.add(
                    vpath,
                    f"a value for period {key[0]} and breakdown {key[1]!r} is already at "
                    f"{mpath}.values[{seen[key]}]",
                )
            else:
                seen[key] = vi
        if measure.get("kind") == MeasureKind.MANUAL and measure.get("spec"):
            c.add(f"{mpath}.spec", "a manual measure has no computation spec (set kind: computed)")


def _check_spec(c: _Checker, measure: dict, path: str) -> None:
    spec = measure.get("spec")
    if measure.get("kind") == MeasureKind.COMPUTED and not spec:
        c.add(f"{path}.spec", "a computed measure needs a computation spec")
        return
    if spec is None:
        return
    if not isinstance(spec, dict):
        c.add(f"{path}.spec", f"expected a mapping, got {type(spec).__name__}")
        return
    from civicstat.measures.specs import spec_problems

    for field_path, message in spec_problems(spec):
        c.add(f"{path}.spec.{field_path}" if field_path else f"{path}.spec", message)
