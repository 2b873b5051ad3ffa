"""Reading the documented parameter files of the synthetic pilots (``params/*.yaml``).

Each number in those files names its source key in reference/methods.md, "derived" or "assumed";
this module only reads them and reports a missing or mistyped key with the file and the key.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

PARAMS_DIR = Path(__file__).resolve().parent / "params"


class ParamsError(ValueError):
    """A synthetic-data parameter file lacks a key or holds a value of the wrong kind."""

    def __init__(self, source: str, key: str, problem: str) -> None:
        self.source, self.key, self.problem = source, key, problem
        super().__init__(f"{source}: {key}: {problem}")


class Params:
    """Dotted-key access to a parameter document: ``p.number("alerts.rounds_per_alert")``."""

    def __init__(self, document: Mapping[str, Any], source: str) -> None:
        self.document = document
        self.source = source

    def get(self, key: str) -> Any:
        node: Any = self.document
        for part in key.split("."):
            if not isinstance(node, Mapping) or part not in node:
                raise ParamsError(self.source, key, "missing")
            node = node[part]
        return node

    def number(self, key: str) -> float:
        value = self.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ParamsError(self.source, key, f"expected a number, got {value!r}")
        return float(value)

    def count(self, key: str) -> int:
        value = self.number(key)
        if value < 0 or value != int(value):
            raise ParamsError(self.source, key, f"expected a whole number >= 0, got {value!r}")
        return int(value)

    def share(self, key: str) -> float:
        value = self.number(key)
        if not 0 <= value <= 1:
            raise ParamsError(self.source, key, f"expected a share between 0 and 1, got {value!r}")
        return value

    def text(self, key: str) -> str:
        value = self.get(key)
        if not isinstance(value, str):
            raise ParamsError(self.source, key, f"expected text, got {value!r}")
        return value

    def numbers(self, key: str, length: int | None = None) -> list[float]:
        value = self.get(key)
        ok = isinstance(value, list) and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in value
        )
        if not ok or (length is not None and len(value) != length):
            size = f"{length} " if length is not None else ""
            raise ParamsError(self.source, key, f"expected a list of {size}numbers, got {value!r}")
        return [float(v) for v in value]


def load_params(name_or_path: str | Path) -> Params:
    """Read ``params/<name>.yaml`` (or a path to a YAML file)."""
    path = Path(name_or_path)
    if path.suffix not in (".yaml", ".yml"):
        path = PARAMS_DIR / f"{name_or_path}.yaml"
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ParamsError(str(path), "", f"cannot be read as YAML ({exc})") from exc
    if not isinstance(document, Mapping):
        raise ParamsError(str(path), "", "expected a mapping at the top level")
    return Params(document, str(path))
