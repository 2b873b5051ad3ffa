"""Reading and writing plan files. Output is stable: the same plan always gives the same text."""

from __future__ import annotations

from pathlib import Path

import yaml

from .errors import PlanFileError, Problem


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump(data: dict) -> str:
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )


def load(source: str | Path) -> dict:
    """Parse a plan file given as a path or as YAML text."""
    name = ""
    if isinstance(source, Path) or (
        isinstance(source, str) and "\n" not in source and source.endswith((".yaml", ".yml"))
    ):
        path = Path(source)
        name = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise PlanFileError([Problem("", "file not found")], name) from exc
        except UnicodeDecodeError as exc:
            raise PlanFileError(
                [Problem("", f"not UTF-8 text (byte {exc.start}); save the file as UTF-8")], name
            ) from exc
    else:
        text = source
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise PlanFileError(
            [Problem("", f"{where}not valid YAML ({exc.problem or exc})")], name
        ) from exc
    if not isinstance(data, dict):
        raise PlanFileError([Problem("", "expected a mapping with format, title, goals …")], name)
    return data
