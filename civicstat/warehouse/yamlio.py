"""YAML reading for contracts and mappings, with errors that carry the YAML path.

The loader follows YAML 1.2 for booleans: only ``true``/``false`` are booleans, so source values
such as ``Y``, ``N``, ``yes``, ``no``, ``on`` and ``off`` stay strings in value maps.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import yaml

from civicstat.warehouse.errors import SpecError

T = TypeVar("T")


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans (true/false only)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def load_yaml(path: Path, error: type[SpecError]) -> Any:
    """Parse one YAML file; syntax errors become ``error`` with the line and column."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(path, "", f"cannot be read as UTF-8 text ({exc})") from exc
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise error(path, where, f"is not valid YAML: {problem}") from exc


class Node:
    """A value inside a parsed YAML document, with its path for error messages.

    ``Node(doc, source, ContractError)["columns"][3]["type"]`` reports problems as
    ``contracts/x.yaml: columns[3].type: ...``.
    """

    def __init__(self, value: Any, source: str | Path, error: type[SpecError], path: str = ""):
        self.value = value
        self.source = source
        self.error = error
        self.path = path

    def fail(self, problem: str) -> SpecError:
        """The error to raise for a problem at this node."""
        return self.error(self.source, self.path, problem)

    def _child_path(self, key: str | int) -> str:
        if isinstance(key, int):
            return f"{self.path}[{key}]"
        return f"{self.path}.{key}" if self.path else str(key)

    # --- mappings -----------------------------------------------------------------------------
    def mapping(self) -> Node:
        if not isinstance(self.value, Mapping):
            raise self.fail(f"expected a mapping (key: value), found {_describe(self.value)}")
        return self

    def keys(self) -> list[str]:
        return [str(k) for k in self.mapping().value]

    def has(self, key: str) -> bool:
        return key in self.mapping().value

    def __getitem__(self, key: str | int) -> Node:
        if isinstance(key, int):
            return Node(self.sequence().value[key], self.source, self.error, self._child_path(key))
        value = self.mapping().value
        if key not in value:
            raise self.fail(f"missing required key '{key}'")
        return Node(value[key], self.source, self.error, self._child_path(key))

    def get(self, key: str, default: Any = None) -> Node:
        value = self.mapping().value
        return Node(value.get(key, default), self.source, self.error, self._child_path(key))

    def items(self) -> list[tuple[str, Node]]:
        return [
            (str(k), Node(v, self.source, self.error, self._child_path(str(k))))
            for k, v in self.mapping().value.items()
        ]

    def only_keys(self, allowed: set[str]) -> None:
        unknown = [k for k in self.keys() if k not in allowed]
        if unknown:
            raise self.fail(
                f"unknown key(s) {', '.join(map(repr, unknown))}; "
                f"allowed: {', '.join(sorted(allowed))}"
            )

    # --- sequences and scalars ----------------------------------------------------------------
    def sequence(self) -> Node:
        if not isinstance(self.value, list):
            raise self.fail(f"expected a list, found {_describe(self.value)}")
        return self

    def elements(self) -> list[Node]:
        return [self[i] for i in range(len(self.sequence().value))]

    def string(self, allow_empty: bool = False) -> str:
        if not isinstance(self.value, str) or (not allow_empty and not self.value.strip()):
            raise self.fail(f"expected a non-empty text value, found {_describe(self.value)}")
        return self.value

    def strings(self) -> tuple[str, ...]:
        """A text value or a list of them (as a tuple)."""
        if isinstance(self.value, list):
            return tuple(n.string() for n in self.elements())
        return (self.string(),)

    def boolean(self) -> bool:
        if not isinstance(self.value, bool):
            raise self.fail(f"expected true or false, found {_describe(self.value)}")
        return self.value

    def number(self) -> float:
        if isinstance(self.value, bool) or not isinstance(self.value, int | float):
            raise self.fail(f"expected a number, found {_describe(self.value)}")
        return self.value

    def choice(self, options: tuple[str, ...]) -> str:
        value = self.string()
        if value not in options:
            raise self.fail(f"{value!r} is not one of {', '.join(options)}")
        return value

    def convert(self, fn: Callable[[Any], T], what: str) -> T:
        """Apply ``fn`` to the raw value; any exception becomes an error naming ``what``."""
        try:
            return fn(self.value)
        except Exception as exc:  # noqa: BLE001 - reported with its YAML path
            raise self.fail(f"expected {what}, found {self.value!r} ({exc})") from exc


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"
