"""Vectorised parsing of text (or already-typed) source values into contract types.

Every parser returns the typed values and a problems frame naming each row that failed and
what was expected. Times follow methods.md §0: naive source times are placed in the source's
IANA zone and stored in UTC. In the autumn hour that occurs twice, the mapping's
``ambiguous_times`` decides (default: the earlier, daylight-time instant); a spring time that
does not exist is quarantined unless the mapping says ``nonexistent_times: shift_forward``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.api import types as ptypes

from civicstat.warehouse.convert import problems
from civicstat.warehouse.convert.text import as_text

TRUE = ("true", "t", "yes", "y", "1")
FALSE = ("false", "f", "no", "n", "0")
_OFFSET = r"[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$"


@dataclass(frozen=True)
class TimeRules:
    """How naive local times become instants."""

    timezone: str
    ambiguous: str = "earlier"  # earlier | later | reject
    nonexistent: str = "reject"  # reject | shift_forward


def parse_string(values: pd.Series, column: str) -> tuple[pd.Series, pd.DataFrame]:
    return as_text(values), problems.empty()


def parse_integer(values: pd.Series, column: str) -> tuple[pd.Series, pd.DataFrame]:
    if ptypes.is_integer_dtype(values.dtype) and not ptypes.is_bool_dtype(values.dtype):
        return values.astype("Int64"), problems.empty()
    numbers, found = _numbers(values, column, "an integer")
    whole = numbers.isna() | (np.floor(numbers) == numbers)
    fraction = ~whole.to_numpy(dtype=bool, na_value=True)
    out = numbers.where(~fraction).round().astype("Int64")
    return out, problems.concat(
        [found, problems.quoted(fraction, column, as_text(values), "is not a whole number")]
    )


def parse_float(values: pd.Series, column: str) -> tuple[pd.Series, pd.DataFrame]:
    numbers, found = _numbers(values, column, "a number")
    return numbers, found


def _numbers(values: pd.Series, column: str, what: str) -> tuple[pd.Series, pd.DataFrame]:
    if ptypes.is_numeric_dtype(values.dtype) and not ptypes.is_bool_dtype(values.dtype):
        numbers = values.astype("float64")
        text = as_text(values)
    else:
        text = as_text(values)
        numbers = pd.to_numeric(text, errors="coerce").astype("float64")
    bad = (text.notna() & ~np.isfinite(numbers.fillna(0))) | (text.notna() & numbers.isna())
    bad_mask = bad.to_numpy(dtype=bool)
    numbers = numbers.where(~bad_mask)
    return numbers, problems.quoted(bad_mask, column, text, f"is not {what}")


def parse_boolean(values: pd.Series, column: str) -> tuple[pd.Series, pd.DataFrame]:
    if ptypes.is_bool_dtype(values.dtype):
        return values.astype("boolean"), problems.empty()
    text = as_text(values)
    lower = text.str.lower()
    is_true = lower.isin(TRUE).to_numpy(dtype=bool)
    is_false = lower.isin(FALSE).to_numpy(dtype=bool)
    present = text.notna().to_numpy(dtype=bool)
    bad = present & ~is_true & ~is_false
    out = pd.Series(pd.array(np.where(is_true, True, False), dtype="boolean"), index=values.index)
    out[~(is_true | is_false)] = pd.NA
    expected = "is not true or false (expected one of true/false, yes/no, y/n, t/f, 1/0)"
    return out, problems.quoted(bad, column, text, expected)


def parse_timestamp(
    values: pd.Series, column: str, formats: tuple[str, ...], rules: TimeRules
) -> tuple[pd.Series, pd.DataFrame]:
    """Text in one of ``formats`` (strftime or ISO8601), or typed times, to UTC instants."""
    if ptypes.is_datetime64_any_dtype(values.dtype):
        if getattr(values.dtype, "tz", None) is not None:
            return values.dt.tz_convert("UTC").astype("datetime64[us, UTC]"), problems.empty()
        return _localize(values.astype("datetime64[us]"), as_text(values), column, rules)
    text = as_text(values)
    naive, aware, unmatched = _match_formats(text, formats)
    local, found = _localize(naive, text, column, rules)
    out = local.where(aware.isna(), aware)
    expected = _format_text(formats)
    return out, problems.concat([problems.quoted(unmatched, column, text, expected), found])


def parse_date(
    values: pd.Series, column: str, formats: tuple[str, ...]
) -> tuple[pd.Series, pd.DataFrame]:
    """Text in one of ``formats`` to calendar dates (no time zone)."""
    if ptypes.is_datetime64_any_dtype(values.dtype):
        return values.dt.tz_localize(None).dt.normalize() if getattr(
            values.dtype, "tz", None
        ) else values.dt.normalize(), problems.empty()
    text = as_text(values)
    naive, aware, unmatched = _match_formats(text, formats)
    out = naive.where(aware.isna(), aware.dt.tz_localize(None)).dt.normalize()
    return out, problems.quoted(unmatched, column, text, _format_text(formats))


def _match_formats(
    text: pd.Series, formats: tuple[str, ...]
) -> tuple[pd.Series, pd.Series, np.ndarray]:
    """Try each format on the rows still unparsed; returns naive times, instants given with an
    offset (ISO 8601 only) and the rows no format matched."""
    naive = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    aware = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us, UTC]")
    todo = text.notna().to_numpy(dtype=bool)
    for fmt in formats:
        if not todo.any():
            break
        subset = text[todo]
        if fmt == "ISO8601":
            offset = subset.str.contains(_OFFSET, regex=True).to_numpy(dtype=bool)
            if offset.any():
                parsed = pd.to_datetime(subset[offset], format="ISO8601", utc=True, errors="coerce")
                aware.loc[parsed.index] = parsed.astype("datetime64[us, UTC]")
            plain = subset[~offset]
            parsed_naive = pd.to_datetime(plain, format="ISO8601", errors="coerce")
        else:
            parsed_naive = strptime(subset, fmt)
        if getattr(parsed_naive.dtype, "tz", None) is not None:  # a %z format
            aware.loc[parsed_naive.index] = parsed_naive.dt.tz_convert("UTC").astype(
                "datetime64[us, UTC]"
            )
        else:
            naive.loc[parsed_naive.index] = parsed_naive.astype("datetime64[us]")
        todo = todo & naive.isna().to_numpy(dtype=bool) & aware.isna().to_numpy(dtype=bool)
    return naive, aware, todo


def _localize(
    naive: pd.Series, text: pd.Series, column: str, rules: TimeRules
) -> tuple[pd.Series, pd.DataFrame]:
    """Place naive local times in the zone; report times that do not exist or are ambiguous
    (when the rules reject them)."""
    n = len(naive)
    present = naive.notna().to_numpy(dtype=bool)
    as_dst = naive.dt.tz_localize(rules.timezone, ambiguous=np.ones(n, bool), nonexistent="NaT")
    as_std = naive.dt.tz_localize(rules.timezone, ambiguous=np.zeros(n, bool), nonexistent="NaT")
    missing = as_dst.isna().to_numpy(dtype=bool)
    gap = present & missing
    doubled = present & ~missing & (as_dst != as_std).to_numpy(dtype=bool)
    found = []
    local = as_std if rules.ambiguous == "later" else as_dst
    if rules.ambiguous == "reject" and doubled.any():
        local = local.where(~doubled)
        found.append(
            problems.quoted(
                doubled,
                column,
                text,
                f"is ambiguous in {rules.timezone} (the hour repeated when clocks go back)",
            )
        )
    if gap.any():
        if rules.nonexistent == "shift_forward":
            shifted = naive.dt.tz_localize(
                rules.timezone, ambiguous=np.ones(n, bool), nonexistent="shift_forward"
            )
            local = local.where(~gap, shifted)
        else:
            found.append(
                problems.quoted(
                    gap,
                    column,
                    text,
                    f"does not exist in {rules.timezone} (skipped when clocks go forward)",
                )
            )
    return local.dt.tz_convert("UTC").astype("datetime64[us, UTC]"), problems.concat(found)


def _format_text(formats: tuple[str, ...]) -> str:
    names = [
        "ISO 8601 (like 2023-05-01T14:30:00 or 2023-05-01 14:30:00-04:00)" if f == "ISO8601" else f
        for f in formats
    ]
    if len(names) == 1:
        return f"does not match format {names[0]}"
    return f"does not match any of the formats {' | '.join(names)}"


_local = threading.local()


def strptime(text: pd.Series, fmt: str) -> pd.Series:
    """Parse text with a strftime format, strictly (no trailing text, no 30 February).

    DuckDB's ``try_strptime`` does this about 25 times faster than pandas for formats such as
    ``%m/%d/%Y %I:%M:%S %p``; formats DuckDB does not know (and ``%z``) go to pandas."""
    if "%z" in fmt or "%Z" in fmt:
        return pd.to_datetime(text, format=fmt, errors="coerce")
    con = getattr(_local, "con", None)
    if con is None:
        con = _local.con = duckdb.connect(":memory:")
    table = pa.table({"v": pa.array(text, type=pa.string(), from_pandas=True)})
    literal = "'" + fmt.replace("'", "''") + "'"
    con.register("_strptime_input", table)
    try:
        result = con.sql(
            f"SELECT try_strptime(v, {literal}) AS t FROM _strptime_input"
        ).to_arrow_table()
    except duckdb.Error:
        return pd.to_datetime(text, format=fmt, errors="coerce")
    finally:
        con.unregister("_strptime_input")
    column = result.column("t").cast(pa.timestamp("us"))
    values = column.to_numpy(zero_copy_only=False).astype("datetime64[us]")
    return pd.Series(values, index=text.index)
