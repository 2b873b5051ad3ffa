"""A value inside a parsed YAML document, with its dotted path, for validating configurations.

``YamlNode(doc, "run.yaml", "")["factors"][2]["operationalisation"].choice(...)`` reports a bad
value as ``run.yaml: factors[2].operationalisation: ...`` (a :class:`SafetyConfigError`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from civicstat.safety.errors import SafetyConfigError


class YamlNode:
    """A value inside the YAML document, with its dotted path for error messages."""

    def __init__(self, value: Any, source: str, key: str) -> None:
        self.value, self.source, self.key = value, source, key

    def fail(self, problem: str) -> SafetyConfigError:
        return SafetyConfigError(self.source, self.key, problem)

    def _mapping(self) -> Mapping[str, Any]:
        if not isinstance(self.value, Mapping):
            raise self.fail(f"expected a mapping (key: value), found {self.value!r}")
        return self.value

    def _child(self, key: str | int, value: Any) -> YamlNode:
        path = f"{self.key}[{key}]" if isinstance(key, int) else f"{self.key}.{key}".lstrip(".")
        return YamlNode(value, self.source, path)

    def has(self, key: str) -> bool:
        return key in self._mapping() and self._mapping()[key] is not None

    def only(self, allowed: set[str]) -> None:
        unknown = sorted(set(map(str, self._mapping())) - allowed)
        if unknown:
            raise self.fail(f"unknown key(s) {unknown}; allowed: {sorted(allowed)}")

    def __getitem__(self, key: str | int) -> YamlNode:
        if isinstance(key, int):
            return self._child(key, self.value[key])
        if not self.has(key):
            raise self.fail(f"missing required key {key!r}")
        return self._child(key, self._mapping()[key])

    def get(self, key: str, default: Any) -> YamlNode:
        value = self._mapping().get(key)
        return self._child(key, default if value is None else value)

    def items(self) -> list[YamlNode]:
        if not isinstance(self.value, list):
            raise self.fail(f"expected a list, found {self.value!r}")
        return [self._child(i, v) for i, v in enumerate(self.value)]

    def text(self, optional: bool = False, allow_empty: bool = False) -> Any:
        if optional and self.value is None:
            return None
        if not isinstance(self.value, str) or (not allow_empty and not self.value.strip()):
            raise self.fail(f"expected a text value, found {self.value!r}")
        return self.value

    def choice(self, options: tuple[str, ...], optional: bool = False) -> Any:
        value = self.text(optional=optional)
        if value is not None and value not in options:
            raise self.fail(f"{value!r} is not one of {', '.join(options)}")
        return value

    def number(self) -> float:
        if isinstance(self.value, bool) or not isinstance(self.value, int | float):
            raise self.fail(f"expected a number, found {self.value!r}")
        return float(self.value)

    def positive(self, optional: bool = False) -> Any:
        if optional and self.value is None:
            return None
        value = self.number()
        if not value > 0:
            raise self.fail(f"expected a positive number, found {value}")
        return value

    def boolean(self) -> bool:
        if not isinstance(self.value, bool):
            raise self.fail(f"expected true or false, found {self.value!r}")
        return self.value

    def date(self) -> dt.date:
        value = self.value
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError as exc:
            raise self.fail(f"expected a date YYYY-MM-DD, found {value!r}") from exc
