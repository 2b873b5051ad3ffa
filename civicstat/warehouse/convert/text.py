"""Text helpers: every source value is read as text unless the file already typed it."""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

MAX_SHOWN = 200


def is_text(series: pd.Series) -> bool:
    """Whether the values are text (or mixed objects) rather than typed numbers/times/booleans."""
    return series.dtype == object or ptypes.is_string_dtype(series.dtype)


def as_text(series: pd.Series) -> pd.Series:
    """Values as text, missing kept missing. Whole floats print without ".0" (an id read from
    JSON as 12.0 stays "12"), typed booleans as true/false."""
    if ptypes.is_string_dtype(series.dtype) and series.dtype != object:
        return series
    if ptypes.is_bool_dtype(series.dtype):
        out = series.map({True: "true", False: "false"})
        return out.astype("str")
    if ptypes.is_float_dtype(series.dtype):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        whole = np.isfinite(values) & (np.floor(values) == values) & (np.abs(values) < 2**63)
        text = series.astype("str")
        as_int = pd.Series(np.where(whole, values, 0).astype(np.int64), index=series.index).astype(
            "str"
        )
        return text.where(~whole, as_int)
    return series.astype("str")


def clean(text: pd.Series, null_values: tuple[str, ...], strip: bool) -> pd.Series:
    """Strip surrounding whitespace (when asked) and turn the source's null markers into missing."""
    if strip:
        text = text.str.strip()
    if null_values:
        text = text.mask(text.isin(null_values))
    return text


def shown(text: pd.Series) -> pd.Series:
    """Values as they appear in quarantine messages (long values cut)."""
    out = text.astype("str")
    long = out.str.len() > MAX_SHOWN
    if long.any():
        out = out.where(~long, out.str.slice(0, MAX_SHOWN) + "…")
    return out
