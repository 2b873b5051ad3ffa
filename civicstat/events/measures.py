"""The computed measures of the event record and page views (``measures.yaml``).

:func:`load_definitions` reads and validates the file (every spec through the measure engine);
:func:`attach_to_plan` creates or updates the plan's Measure snippets from it, on the
initiatives whose numbers the file names, as computed measures that ``civicstat refresh``
computes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from civicstat.events.errors import MeasureFileError

MEASURES_FILE = Path(__file__).with_name("measures.yaml")
FIELDS = (
    "slug",
    "initiative",
    "name",
    "definition",
    "unit",
    "cadence",
    "value_format",
    "decimals",
    "direction",
    "headline",
    "spec",
)


@dataclass(frozen=True)
class MeasureDefinition:
    slug: str
    initiative: str
    name: str
    definition: str
    spec: dict[str, Any] = field(hash=False)
    unit: str = ""
    cadence: str = "month"
    value_format: str = "number"
    decimals: int = 0
    direction: str = "higher_is_better"
    headline: bool = False

    @property
    def breakdown(self) -> str | None:
        return self.spec.get("breakdown")


def load_definitions(path: Path = MEASURES_FILE) -> tuple[MeasureDefinition, ...]:
    """Every measure in the file, each spec checked by the engine; raises MeasureFileError
    naming the file, the measure and the field."""
    from civicstat.measures.engine import MeasureSpec, SpecError

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise MeasureFileError(f"{path}: cannot be read as YAML ({exc})") from exc
    items = data.get("measures") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise MeasureFileError(f"{path}: expected a top-level 'measures:' list")
    found = []
    for i, item in enumerate(items):
        where = f"{path}: measures[{i}]"
        if not isinstance(item, dict):
            raise MeasureFileError(f"{where}: expected a mapping")
        unknown = sorted(set(item) - set(FIELDS))
        missing = [k for k in ("slug", "initiative", "name", "definition", "spec") if k not in item]
        if unknown or missing:
            raise MeasureFileError(
                f"{where} ({item.get('slug', '?')}): unknown fields {unknown}, "
                f"missing fields {missing}; fields are {', '.join(FIELDS)}"
            )
        try:
            MeasureSpec.from_dict(item["spec"])
        except SpecError as exc:
            raise MeasureFileError(f"{where} ({item['slug']}).spec: {exc}") from exc
        found.append(MeasureDefinition(**{k: item[k] for k in FIELDS if k in item}))
    slugs = [d.slug for d in found]
    if len(set(slugs)) != len(slugs):
        raise MeasureFileError(f"{path}: a slug is used twice ({slugs})")
    return tuple(found)


def definition(slug: str) -> MeasureDefinition:
    for d in load_definitions():
        if d.slug == slug:
            return d
    raise MeasureFileError(f"{MEASURES_FILE}: no measure {slug!r}")


def attach_to_plan(plan, departments=None) -> list:
    """Create or update each measure on the plan's initiative with the file's number, as a
    computed measure, and publish it. ``departments``: slugs of the owning departments per
    measure slug (default: the initiative's). Returns the Measure rows."""
    from civicstat.measures.models import Measure, MeasureKind
    from civicstat.plans.models import InitiativePage

    initiatives = {p.number: p for p in InitiativePage.objects.descendant_of(plan).specific()}
    measures = []
    for order, d in enumerate(load_definitions()):
        page = initiatives.get(d.initiative)
        measure = Measure.objects.filter(slug=d.slug).first() or Measure(slug=d.slug)
        measure.name, measure.definition = d.name, d.definition
        measure.page = page or measure.page
        measure.kind, measure.spec = MeasureKind.COMPUTED, d.spec
        measure.unit, measure.cadence = d.unit, d.cadence
        measure.value_format, measure.decimals = d.value_format, d.decimals
        measure.direction, measure.headline = d.direction, d.headline
        if measure.pk is None:
            measure.sort_order = order
        measure.save()
        owners = (departments or {}).get(d.slug)
        if owners is not None:
            from civicstat.core.models import Department

            measure.departments.set(Department.objects.filter(slug__in=owners))
        elif page is not None and not measure.departments.exists():
            measure.departments.set(page.departments.all())
        measure.save_revision().publish()
        measures.append(measure)
    return measures
