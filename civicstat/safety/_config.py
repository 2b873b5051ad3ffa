"""Reading the small YAML rule files of the response-time, crisis and diversion analytics.

Every problem raises :class:`SafetyConfigError` naming the file and the dotted key at fault and
what was expected, so an analyst editing a rule file can fix it without reading code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from civicstat.safety.errors import SafetyConfigError

PACKAGE_DIR = Path(__file__).resolve().parent


def load_mapping(path: str | Path) -> dict[str, Any]:
    """The YAML document at ``path``, which must be a mapping."""
    path = Path(path)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise SafetyConfigError(path, "", f"cannot read the YAML file: {exc}") from exc
    if not isinstance(doc, dict):
        raise SafetyConfigError(path, "", "expected a YAML mapping at the top level")
    return doc


class Reader:
    """Typed access to one mapping of a rule file, with errors that name ``source`` and the key."""

    def __init__(self, data: Mapping[str, Any], source: str, prefix: str = "") -> None:
        if not isinstance(data, Mapping):
            raise SafetyConfigError(source, prefix, "expected a mapping")
        self.data = data
        self.source = source
        self.prefix = prefix

    def key(self, name: str) -> str:
        return f"{self.prefix}.{name}" if self.prefix else name

    def fail(self, name: str, problem: str) -> SafetyConfigError:
        return SafetyConfigError(self.source, self.key(name), problem)

    def check_keys(self, allowed: Sequence[str]) -> None:
        unknown = sorted(set(self.data) - set(allowed))
        if unknown:
            raise SafetyConfigError(
                self.source,
                self.key(unknown[0]),
                f"unknown key(s) {unknown}; allowed: {sorted(allowed)}",
            )

    def child(self, name: str, default: Mapping[str, Any] | None = None) -> Reader:
        value = self.data.get(name, default if default is not None else {})
        if not isinstance(value, Mapping):
            raise self.fail(name, f"expected a mapping, found {value!r}")
        return Reader(value, self.source, self.key(name))

    def boolean(self, name: str, default: bool) -> bool:
        value = self.data.get(name, default)
        if not isinstance(value, bool):
            raise self.fail(name, f"expected true or false, found {value!r}")
        return value

    def number(self, name: str, default: float | None, minimum: float | None = 0.0) -> float | None:
        value = self.data.get(name, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(name, f"expected a number or null, found {value!r}")
        if minimum is not None and value < minimum:
            raise self.fail(name, f"expected a number >= {minimum}, found {value!r}")
        return float(value)

    def text(self, name: str, default: str | None = None, choices: Sequence[str] = ()) -> str:
        value = self.data.get(name, default)
        if not isinstance(value, str) or not value:
            raise self.fail(name, f"expected a non-empty text, found {value!r}")
        if choices and value not in choices:
            raise self.fail(name, f"expected one of {list(choices)}, found {value!r}")
        return value

    def texts(self, name: str, default: Sequence[str] = ()) -> tuple[str, ...]:
        value = self.data.get(name, list(default))
        if value is None:
            return ()
        if isinstance(value, str) or not isinstance(value, Sequence):
            raise self.fail(name, f"expected a list of texts, found {value!r}")
        out = []
        for i, item in enumerate(value):
            if isinstance(item, bool) or not isinstance(item, str | int):
                raise SafetyConfigError(
                    self.source, f"{self.key(name)}[{i}]", f"expected a text, found {item!r}"
                )
            out.append(str(item))
        return tuple(out)
