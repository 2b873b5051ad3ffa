"""Column mappings: how a city's source file becomes a contract's columns, declared in YAML.

A mapping (``mappings/<name>.yaml``) names its dataset, how to read the file and one rule per
contract column. The full format, with the SF Fire mapping as the worked example, is in
docs/warehouse.md. In short, a column rule is one of:

* ``call_id: Call Number`` or ``call_id: [Event Number, Event Numb]`` - a source column (the
  first name present in the file is used; a list gives alternative names);
* ``{from: ..., formats: [...], timezone: ..., values: {...}, otherwise: ..., null_values: [...],
  ignore_case: true, fallback: <rule>}`` - the same with options;
* ``{constant: fire}``;
* ``{date: Call Date, time: Call Time}`` - a date column and a time column combined;
* ``{template: "jtl-{Date} {Time}"}`` - text built from source columns;
* ``{point: Location, part: latitude}`` - a "(lat, lon)" or "POINT (lon lat)" text;
* ``{x: X, y: Y, crs: "EPSG:2264", part: latitude}`` - projected coordinates to WGS 84.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from civicstat.warehouse.contracts import Contract, parse_timezone
from civicstat.warehouse.errors import MappingError
from civicstat.warehouse.yamlio import Node, load_yaml

FORMATS = ("csv", "parquet", "jsonl")
KINDS = ("column", "constant", "datetime", "template", "point", "project")
PARTS = ("latitude", "longitude")
DEFAULT_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%Y/%m/%d")
DEFAULT_TIME_FORMATS = ("%H:%M:%S", "%H:%M", "%I:%M:%S %p", "%I:%M %p")
_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
_UNSET: Any = object()


@dataclass(frozen=True)
class SourceOptions:
    """How to read the files: format, encoding, time zone and default formats."""

    format: str | None = None  # None: from the file extension
    encoding: str = "utf-8"
    delimiter: str = ","
    timezone: str | None = None  # None: the contract's time zone
    timestamp_formats: tuple[str, ...] = ("ISO8601",)
    date_formats: tuple[str, ...] = DEFAULT_DATE_FORMATS
    time_formats: tuple[str, ...] = DEFAULT_TIME_FORMATS
    null_values: tuple[str, ...] = ("",)
    strip: bool = True
    ambiguous_times: str = "earlier"  # earlier | later | reject  (the repeated hour in autumn)
    nonexistent_times: str = "reject"  # reject | shift_forward  (the skipped hour in spring)


@dataclass(frozen=True)
class ColumnRule:
    """How one contract column is produced from a source row."""

    target: str
    kind: str
    sources: tuple[str, ...] = ()  # column: alternative names
    constant: Any = None
    date: tuple[str, ...] = ()
    time: tuple[str, ...] = ()
    template: str = ""
    point: tuple[str, ...] = ()
    part: str = ""
    order: str = "lat_lon"
    x: tuple[str, ...] = ()
    y: tuple[str, ...] = ()
    crs: str = ""
    formats: tuple[str, ...] | None = None
    date_formats: tuple[str, ...] | None = None
    time_formats: tuple[str, ...] | None = None
    timezone: str | None = None
    values: tuple[tuple[str, str | None], ...] | None = None
    otherwise: str | None = None
    has_otherwise: bool = False
    ignore_case: bool = False
    null_values: tuple[str, ...] | None = None
    fallback: ColumnRule | None = None

    @property
    def template_fields(self) -> tuple[tuple[str, ...], ...]:
        """Placeholders of a template, each a tuple of alternative source names."""
        return tuple(
            tuple(n.strip() for n in m.split("|")) for m in _PLACEHOLDER.findall(self.template)
        )

    def source_groups(self) -> tuple[tuple[tuple[str, ...], bool], ...]:
        """Every source column this rule reads, as (alternatives, needed-for-a-value) pairs."""
        groups: list[tuple[str, ...]] = []
        if self.kind == "column":
            groups.append(self.sources)
        elif self.kind == "datetime":
            groups += [self.date, self.time]
        elif self.kind == "template":
            groups += list(self.template_fields)
        elif self.kind == "point":
            groups.append(self.point)
        elif self.kind == "project":
            groups += [self.x, self.y]
        out = [(g, True) for g in groups]
        if self.fallback is not None:
            out += [(g, False) for g, _ in self.fallback.source_groups()]
        return tuple(out)


@dataclass(frozen=True)
class Mapping:
    """A column mapping from one city's file layout to a dataset contract."""

    name: str
    dataset: str
    rules: tuple[ColumnRule, ...]
    source: SourceOptions = SourceOptions()
    ignore: tuple[str, ...] = ()
    description: str = ""
    path: str = field(default="", compare=False)

    def rule(self, target: str) -> ColumnRule | None:
        return next((r for r in self.rules if r.target == target), None)


def load_mapping(path: str | Path, contract: Contract | None = None) -> Mapping:
    """Read and validate a mapping YAML file (and check it against ``contract`` when given)."""
    path = Path(path)
    mapping = parse_mapping(load_yaml(path, MappingError), source=path)
    if contract is not None:
        check_mapping(mapping, contract)
    return mapping


def identity_mapping(contract: Contract) -> Mapping:
    """The mapping used when none is named: source columns carry the contract's names, times are
    ISO 8601 (an offset, or naive in the contract's zone), booleans true/false, yes/no, 1/0."""
    rules = tuple(
        ColumnRule(target=c.name, kind="column", sources=(c.name,)) for c in contract.columns
    )
    return Mapping(
        name="",
        dataset=contract.name,
        rules=rules,
        description=f"source columns named as the {contract.name} contract",
    )


def check_mapping(mapping: Mapping, contract: Contract) -> None:
    """Check that a mapping fits its contract: right dataset, known targets, required columns
    mapped, rules that can produce the column's type."""
    where = mapping.path or mapping.name
    if mapping.dataset != contract.name:
        raise MappingError(
            where, "dataset", f"mapping is for {mapping.dataset!r}, not {contract.name!r}"
        )
    names = set(contract.column_names)
    for rule in mapping.rules:
        if rule.target not in names:
            raise MappingError(
                where,
                f"columns.{rule.target}",
                f"{contract.name} has no column {rule.target!r}; "
                f"its columns are {', '.join(contract.column_names)}",
            )
        col_type = contract.column(rule.target).type
        fits = {
            "datetime": ("timestamp",),
            "point": ("float",),
            "project": ("float",),
        }
        if rule.kind in fits and col_type not in fits[rule.kind]:
            raise MappingError(
                where,
                f"columns.{rule.target}",
                f"a {rule.kind} rule produces a {fits[rule.kind][0]}, but {rule.target} is {col_type}",
            )
    mapped = {r.target for r in mapping.rules}
    for name in contract.required_columns:
        if name not in mapped:
            raise MappingError(where, "columns", f"required column {name!r} is not mapped")


def parse_mapping(document: Any, source: str | Path = "<mapping>") -> Mapping:
    """Validate a parsed mapping document and build the Mapping."""
    root = Node(document, source, MappingError).mapping()
    root.only_keys({"mapping", "dataset", "description", "source", "columns", "ignore"})
    name = root["mapping"].string()
    if isinstance(source, Path) and source.stem != name:
        raise root["mapping"].fail(f"{name!r} must match the file name {source.stem!r}")
    options = _parse_source(root.get("source", {}))
    rules = tuple(_parse_rule(target, node) for target, node in root["columns"].items())
    if not rules:
        raise root["columns"].fail("a mapping needs at least one column rule")
    ignore_node = root.get("ignore", [])
    ignore = tuple(n.string() for n in ignore_node.elements())
    description = root.get("description", "")
    return Mapping(
        name=name,
        dataset=root["dataset"].string(),
        rules=rules,
        source=options,
        ignore=ignore,
        description=(description.string(allow_empty=True) if description.value else "").strip(),
        path=str(source),
    )


def _parse_source(node: Node) -> SourceOptions:
    node.mapping()
    node.only_keys(
        {
            "format",
            "encoding",
            "delimiter",
            "timezone",
            "timestamp_formats",
            "date_formats",
            "time_formats",
            "null_values",
            "strip",
            "ambiguous_times",
            "nonexistent_times",
        }
    )
    defaults = SourceOptions()
    kwargs: dict[str, Any] = {}
    if node.has("format"):
        kwargs["format"] = node["format"].choice(FORMATS)
    if node.has("encoding"):
        kwargs["encoding"] = node["encoding"].convert(_codec_name, "a Python codec name")
    if node.has("delimiter"):
        delimiter = node["delimiter"].string(allow_empty=True)
        if len(delimiter) != 1:
            raise node["delimiter"].fail("expected a single character")
        kwargs["delimiter"] = delimiter
    if node.has("timezone"):
        kwargs["timezone"] = parse_timezone(node["timezone"])
    for key in ("timestamp_formats", "date_formats", "time_formats"):
        if node.has(key):
            kwargs[key] = _formats(node[key])
    if node.has("null_values"):
        kwargs["null_values"] = _null_values(node["null_values"])
    if node.has("strip"):
        kwargs["strip"] = node["strip"].boolean()
    if node.has("ambiguous_times"):
        kwargs["ambiguous_times"] = node["ambiguous_times"].choice(("earlier", "later", "reject"))
    if node.has("nonexistent_times"):
        kwargs["nonexistent_times"] = node["nonexistent_times"].choice(("reject", "shift_forward"))
    return SourceOptions(**{**defaults.__dict__, **kwargs})


_RULE_KEYS = {
    "column": {"from"},
    "constant": {"constant"},
    "datetime": {"date", "time", "date_formats", "time_formats"},
    "template": {"template"},
    "point": {"point", "part", "order"},
    "project": {"x", "y", "crs", "part"},
}
_COMMON_KEYS = {
    "formats",
    "timezone",
    "values",
    "otherwise",
    "ignore_case",
    "null_values",
    "fallback",
}


def _parse_rule(target: str, node: Node) -> ColumnRule:
    if isinstance(node.value, str | list):
        return ColumnRule(target=target, kind="column", sources=node.strings())
    node.mapping()
    markers = {"from": "column", "constant": "constant", "date": "datetime",
               "template": "template", "point": "point", "x": "project"}  # fmt: skip
    kinds = [kind for key, kind in markers.items() if node.has(key)]
    if len(kinds) != 1:
        raise node.fail(
            "a column rule needs exactly one of from, constant, date (+ time), template, "
            "point, x (+ y, crs)"
        )
    kind = kinds[0]
    node.only_keys(_RULE_KEYS[kind] | _COMMON_KEYS)
    kwargs: dict[str, Any] = {"target": target, "kind": kind}
    if kind == "column":
        kwargs["sources"] = node["from"].strings()
    elif kind == "constant":
        kwargs["constant"] = _scalar_text(node["constant"])
    elif kind == "datetime":
        kwargs["date"] = node["date"].strings()
        kwargs["time"] = node["time"].strings()
        for key in ("date_formats", "time_formats"):
            if node.has(key):
                kwargs[key] = _formats(node[key])
    elif kind == "template":
        template = node["template"].string()
        if not _PLACEHOLDER.search(template):
            raise node["template"].fail("a template needs at least one {Source Column}")
        kwargs["template"] = template
    elif kind == "point":
        kwargs["point"] = node["point"].strings()
        kwargs["part"] = node["part"].choice(PARTS)
        kwargs["order"] = node.get("order", "lat_lon").choice(("lat_lon", "lon_lat"))
    elif kind == "project":
        kwargs["x"] = node["x"].strings()
        kwargs["y"] = node["y"].strings()
        kwargs["crs"] = node["crs"].convert(_crs_name, "a coordinate reference system (EPSG:2264)")
        kwargs["part"] = node["part"].choice(PARTS)
    if node.has("formats"):
        kwargs["formats"] = _formats(node["formats"])
    if node.has("timezone"):
        kwargs["timezone"] = parse_timezone(node["timezone"])
    if node.has("values"):
        values = node["values"]
        if not values.items():
            raise values.fail("a value map needs at least one entry")
        kwargs["values"] = tuple((k, _scalar_text(v)) for k, v in values.items())
    if node.has("otherwise"):
        kwargs["otherwise"] = _scalar_text(node["otherwise"])
        kwargs["has_otherwise"] = True
    if node.has("ignore_case"):
        kwargs["ignore_case"] = node["ignore_case"].boolean()
    if node.has("null_values"):
        kwargs["null_values"] = _null_values(node["null_values"])
    if node.has("fallback"):
        kwargs["fallback"] = _parse_rule(target, node["fallback"])
    return ColumnRule(**kwargs)


def _scalar_text(node: Node) -> str | None:
    """A YAML scalar as the text the type parsers read (true -> "true"); null stays None."""
    value = node.value
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value)
    raise node.fail(f"expected a single value (text, number, true/false or null), found {value!r}")


def _formats(node: Node) -> tuple[str, ...]:
    formats = node.strings()
    for i, fmt in enumerate(formats):
        if fmt != "ISO8601" and "%" not in fmt:
            where = node[i] if isinstance(node.value, list) else node
            raise where.fail(
                f"{fmt!r} is not a strftime format (like %m/%d/%Y %I:%M:%S %p) or ISO8601"
            )
    return formats


def _null_values(node: Node) -> tuple[str, ...]:
    return tuple(_scalar_text(n) or "" for n in node.sequence().elements())


def _codec_name(value: Any) -> str:
    import codecs

    return codecs.lookup(str(value)).name


def _crs_name(value: Any) -> str:
    from pyproj import CRS

    CRS.from_user_input(value)
    return str(value)
