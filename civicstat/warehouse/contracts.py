"""Dataset contracts: the typed columns every source file is checked against.

A contract is a YAML file (``contracts/<dataset>.yaml``)::

    contract: gunshot_alerts          # dataset name = table name in the warehouse
    description: ...
    primary_key: [alert_id]           # required columns; a re-loaded key replaces the row
    time_column: detected_at          # the dataset's time axis (a timestamp or date column)
    timezone: America/New_York        # zone of naive source times when the mapping names none
    columns:
      - name: rounds
        type: integer                 # string | integer | float | boolean | timestamp | date
        required: false               # a row without a value is quarantined
        allowed: [...]                # optional list of allowed values
        min: 0                        # optional inclusive range (numbers)
        max: 150
        person_level: false           # true: pseudonymous person data, never leaves the warehouse
        description: ...

Timestamps are stored tz-aware in UTC (methods.md §0).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from civicstat.warehouse.errors import ContractError
from civicstat.warehouse.yamlio import Node, load_yaml

TYPES = ("string", "integer", "float", "boolean", "timestamp", "date")
_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_")


@dataclass(frozen=True)
class ColumnSpec:
    """One contract column."""

    name: str
    type: str
    required: bool = False
    allowed: tuple[Any, ...] | None = None
    min: float | None = None
    max: float | None = None
    person_level: bool = False
    description: str = ""


@dataclass(frozen=True)
class Contract:
    """A dataset contract: the table's columns, key, time axis and source time zone."""

    name: str
    columns: tuple[ColumnSpec, ...]
    primary_key: tuple[str, ...]
    time_column: str
    timezone: str
    description: str = ""
    source: str = field(default="", compare=False)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def person_level_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.person_level)

    def column(self, name: str) -> ColumnSpec:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"contract {self.name!r} has no column {name!r}")


def load_contract(path: str | Path) -> Contract:
    """Read and validate a contract YAML file; problems raise ContractError with the YAML path."""
    path = Path(path)
    return parse_contract(load_yaml(path, ContractError), source=path)


def parse_contract(document: Any, source: str | Path = "<contract>") -> Contract:
    """Validate a parsed contract document and build the Contract."""
    root = Node(document, source, ContractError).mapping()
    root.only_keys({"contract", "description", "primary_key", "time_column", "timezone", "columns"})
    name = _identifier(root["contract"])
    if isinstance(source, Path) and source.stem != name:
        raise root["contract"].fail(f"{name!r} must match the file name {source.stem!r}")

    columns: list[ColumnSpec] = []
    seen: set[str] = set()
    col_nodes = root["columns"].elements()
    if not col_nodes:
        raise root["columns"].fail("a contract needs at least one column")
    for node in col_nodes:
        col = _parse_column(node.mapping())
        if col.name in seen:
            raise node["name"].fail(f"column {col.name!r} is declared twice")
        seen.add(col.name)
        columns.append(col)
    by_name = {c.name: c for c in columns}

    pk_node = root["primary_key"]
    primary_key = pk_node.strings()
    for i, key in enumerate(primary_key):
        where = pk_node[i] if isinstance(pk_node.value, list) else pk_node
        if key not in by_name:
            raise where.fail(f"primary key column {key!r} is not a declared column")
        if not by_name[key].required:
            raise where.fail(f"primary key column {key!r} must be declared required: true")
    if len(set(primary_key)) != len(primary_key):
        raise pk_node.fail("a primary key column is listed twice")

    time_node = root["time_column"]
    time_column = time_node.string()
    if time_column not in by_name:
        raise time_node.fail(f"time column {time_column!r} is not a declared column")
    if by_name[time_column].type not in ("timestamp", "date"):
        raise time_node.fail(f"time column {time_column!r} must be of type timestamp or date")

    return Contract(
        name=name,
        columns=tuple(columns),
        primary_key=primary_key,
        time_column=time_column,
        timezone=parse_timezone(root["timezone"]),
        description=str(root.get("description", "").value or "").strip(),
        source=str(source),
    )


def parse_timezone(node: Node) -> str:
    """An IANA time zone name, checked against the zone database."""
    name = node.string()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise node.fail(f"{name!r} is not an IANA time zone name (e.g. America/New_York)") from exc
    return name


def _identifier(node: Node) -> str:
    name = node.string()
    if not set(name) <= _NAME_CHARS or name[0].isdigit():
        raise node.fail(f"{name!r} must be lower-case letters, digits and _ (a table name)")
    return name


def _parse_column(node: Node) -> ColumnSpec:
    node.only_keys(
        {"name", "type", "required", "allowed", "min", "max", "person_level", "description"}
    )
    name = _identifier(node["name"])
    if name.startswith("_"):
        raise node["name"].fail("names starting with _ are reserved for system columns")
    type_ = node["type"].choice(TYPES)
    allowed = None
    if node.get("allowed").value is not None:
        elements = node["allowed"].elements()
        if not elements:
            raise node["allowed"].fail("an allowed list needs at least one value")
        allowed = tuple(_allowed_value(e, type_) for e in elements)
    bounds: dict[str, float | None] = {}
    for key in ("min", "max"):
        bound = node.get(key)
        if bound.value is not None:
            if type_ not in ("integer", "float"):
                raise bound.fail(f"{key} applies to integer and float columns, not {type_}")
            bounds[key] = bound.number()
        else:
            bounds[key] = None
    if bounds["min"] is not None and bounds["max"] is not None and bounds["min"] > bounds["max"]:
        raise node.fail(f"min {bounds['min']} is greater than max {bounds['max']}")
    required = node.get("required", False).boolean()
    person_level = node.get("person_level", False).boolean()
    description = node.get("description", "")
    return ColumnSpec(
        name=name,
        type=type_,
        required=required,
        allowed=allowed,
        min=bounds["min"],
        max=bounds["max"],
        person_level=person_level,
        description=(description.string(allow_empty=True) if description.value else "").strip(),
    )


def _allowed_value(node: Node, type_: str) -> Any:
    value = node.value
    checks = {
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "float": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
    }
    if type_ not in checks:
        raise node.fail(f"allowed values are supported for string and number columns, not {type_}")
    if not checks[type_](value):
        raise node.fail(f"allowed value {value!r} is not a {type_}")
    return value
