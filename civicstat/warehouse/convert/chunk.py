"""Converting a chunk of source rows into contract rows, checking every row (vectorised)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from civicstat.warehouse.contracts import ColumnSpec, Contract
from civicstat.warehouse.convert import parse, problems
from civicstat.warehouse.convert.bind import Binding
from civicstat.warehouse.convert.rules import Raw, evaluate
from civicstat.warehouse.convert.text import as_text
from civicstat.warehouse.mappings import ColumnRule

_EMPTY = {
    "string": "str",
    "integer": "Int64",
    "float": "float64",
    "boolean": "boolean",
    "timestamp": "datetime64[us, UTC]",
    "date": "datetime64[us]",
}


@dataclass
class Converted:
    """Contract-typed values for every row of a chunk and the problems found.

    ``values`` has one column per contract column, row for row with the source chunk; a row with
    any problem is quarantined and not loaded.
    """

    values: pd.DataFrame
    problems: pd.DataFrame

    @property
    def bad_rows(self) -> np.ndarray:
        mask = np.zeros(len(self.values), dtype=bool)
        mask[self.problems["row"].to_numpy(dtype=np.int64)] = True
        return mask


def convert_chunk(frame: pd.DataFrame, binding: Binding) -> Converted:
    """Apply the bound mapping to ``frame`` and check each contract column's rules."""
    contract: Contract = binding.contract
    mapping = binding.mapping
    columns: dict[str, pd.Series] = {}
    found: list[pd.DataFrame] = []
    for spec in contract.columns:
        rule = mapping.rule(spec.name)
        if rule is None or not binding.available(rule):
            columns[spec.name] = pd.Series([None] * len(frame), dtype=_EMPTY[spec.type])
            if spec.required:  # only reachable with an empty constant
                found.append(
                    problems.plain(
                        np.ones(len(frame), bool), spec.name, None, "required value is missing"
                    )
                )
            continue
        raw = evaluate(rule, frame, binding, mapping.source)
        values, parsed = _parse(spec, rule, raw, binding)
        flagged = np.zeros(len(frame), dtype=bool)
        for part in (raw.problems, parsed):
            flagged[part["row"].to_numpy(dtype=np.int64)] = True
            found.append(part)
        values = values.where(~flagged) if spec.type != "string" else values.mask(flagged)
        found.extend(_checks(spec, values, raw, flagged))
        columns[spec.name] = values.reset_index(drop=True)
    out = pd.DataFrame(columns)
    return Converted(out, problems.concat(found))


def _parse(
    spec: ColumnSpec, rule: ColumnRule, raw: Raw, binding: Binding
) -> tuple[pd.Series, pd.DataFrame]:
    options = binding.mapping.source
    if spec.type == "string":
        return parse.parse_string(raw.values, spec.name)
    if spec.type == "integer":
        return parse.parse_integer(raw.values, spec.name)
    if spec.type == "float":
        return parse.parse_float(raw.values, spec.name)
    if spec.type == "boolean":
        return parse.parse_boolean(raw.values, spec.name)
    if spec.type == "timestamp":
        rules = parse.TimeRules(
            timezone=rule.timezone or options.timezone or binding.contract.timezone,
            ambiguous=options.ambiguous_times,
            nonexistent=options.nonexistent_times,
        )
        return parse.parse_timestamp(
            raw.values, spec.name, _timestamp_formats(rule, options), rules
        )
    if spec.type == "date":
        return parse.parse_date(raw.values, spec.name, rule.formats or options.date_formats)
    raise AssertionError(spec.type)


def _timestamp_formats(rule: ColumnRule, options) -> tuple[str, ...]:  # noqa: ANN001
    if rule.formats:
        return rule.formats
    if rule.kind == "datetime":
        dates = rule.date_formats or options.date_formats
        times = rule.time_formats or options.time_formats
        return tuple(f"{d} {t}" for d in dates for t in times)
    return options.timestamp_formats


def _checks(
    spec: ColumnSpec, values: pd.Series, raw: Raw, flagged: np.ndarray
) -> list[pd.DataFrame]:
    """Required, allowed values and range, on rows that parsed."""
    found = []
    missing = values.isna().to_numpy(dtype=bool) & ~flagged
    if spec.required and missing.any():
        found.append(
            problems.plain(
                missing,
                spec.name,
                None,
                f"required value is missing (source {raw.source} is empty)",
            )
        )
    present = ~values.isna().to_numpy(dtype=bool)
    if spec.allowed is not None:
        bad = present & ~values.isin(list(spec.allowed)).to_numpy(dtype=bool)
        allowed = ", ".join(str(v) for v in spec.allowed)
        found.append(
            problems.quoted(bad, spec.name, _shown(values, bad), f"is not one of: {allowed}")
        )
    if spec.min is not None or spec.max is not None:
        numbers = values.astype("float64").to_numpy(dtype=float, na_value=np.nan)
        low = spec.min if spec.min is not None else -np.inf
        high = spec.max if spec.max is not None else np.inf
        with np.errstate(invalid="ignore"):
            bad = present & ((numbers < low) | (numbers > high))
        expected = f"is outside the allowed range {_range(spec)}"
        found.append(problems.quoted(bad, spec.name, _shown(values, bad), expected))
    return found


def _shown(values: pd.Series, bad: np.ndarray) -> pd.Series:
    """Values as text for messages, formatted only where a row failed."""
    out = pd.Series(pd.NA, index=values.index, dtype="str")
    if bad.any():
        out[bad] = as_text(values[bad]).to_numpy()
    return out


def _range(spec: ColumnSpec) -> str:
    def fmt(v: float) -> str:
        return str(int(v)) if float(v).is_integer() else str(v)

    if spec.min is not None and spec.max is not None:
        return f"[{fmt(spec.min)}, {fmt(spec.max)}]"
    if spec.min is not None:
        return f">= {fmt(spec.min)}"
    return f"<= {fmt(spec.max)}"  # type: ignore[arg-type]
