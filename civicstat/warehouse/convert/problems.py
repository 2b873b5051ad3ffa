"""Row problems as a frame: one row per (source row, column) that failed a check."""

from __future__ import annotations

import numpy as np
import pandas as pd

from civicstat.warehouse.convert.text import shown

COLUMNS = ["row", "column", "value", "reason"]


def empty() -> pd.DataFrame:
    """No problems (a shared frame: callers never modify problem frames in place)."""
    return _EMPTY


def _empty() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "row": pd.Series([], dtype=np.int64),
            "column": pd.Series([], dtype="str"),
            "value": pd.Series([], dtype="str"),
            "reason": pd.Series([], dtype="str"),
        }
    )


def quoted(
    mask: np.ndarray, column: str, values: pd.Series, expected: str | pd.Series
) -> pd.DataFrame:
    """Problems for the rows in ``mask``: ``column: 'value' <expected>``."""
    rows = np.flatnonzero(mask)
    if rows.size == 0:
        return empty()
    text = shown(values.iloc[rows]).reset_index(drop=True)
    if isinstance(expected, pd.Series):
        expected = expected.iloc[rows].reset_index(drop=True).astype("str")
    reason = column + ": '" + text + "' " + expected
    return pd.DataFrame({"row": rows, "column": column, "value": text, "reason": reason})


def plain(mask: np.ndarray, column: str, values: pd.Series | None, message: str) -> pd.DataFrame:
    """Problems for the rows in ``mask`` whose message does not quote a value."""
    rows = np.flatnonzero(mask)
    if rows.size == 0:
        return empty()
    value = shown(values.iloc[rows]).to_numpy() if values is not None else None
    return pd.DataFrame(
        {
            "row": rows,
            "column": column,
            "value": pd.Series(value, dtype="str")
            if value is not None
            else pd.Series([None] * rows.size, dtype="str"),
            "reason": f"{column}: {message}",
        }
    )


def concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty()
    return pd.concat(frames, ignore_index=True)


_EMPTY = _empty()
