"""The demo's synthetic Durham year of police calls and HEART responses, written as CSV files in
the canonical layouts (PURE, seeded).

The files load through the identity mappings ``civicstat-standard-cfs`` and
``civicstat-standard-crisis`` (civicstat/warehouse/mappings): header = contract column names,
times ISO 8601 with their local offset, booleans ``true``/``false``, missing values empty.
Every figure the dashboard shows from them is computed after ingest; nothing is written in.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from civicstat.demo.synthetic.cad_params import load_calls_params, load_heart_params
from civicstat.demo.synthetic.calls import CALL_COLUMNS, DEFAULT_SEED, DEFAULT_YEAR, generate_calls
from civicstat.demo.synthetic.heart import CRISIS_COLUMNS, generate_heart

CALLS_FILE = "durham_calls_for_service.csv"
CRISIS_FILE = "durham_crisis_responses.csv"
CALLS_MAPPING = "civicstat-standard-cfs"
CRISIS_MAPPING = "civicstat-standard-crisis"


def _iso_local(values: pd.Series, tz: str) -> pd.Series:
    """ISO 8601 local time with its UTC offset, ``2023-03-12T03:05:00-04:00``; "" when missing.

    (pandas' ``strftime`` formats value by value, and through zoneinfo for ``%z``: far slower.)
    """
    local = values.dt.tz_convert(tz)
    naive = local.dt.tz_localize(None)
    minutes = (naive - local.dt.tz_convert("UTC").dt.tz_localize(None)) // pd.Timedelta(minutes=1)
    labels = {
        m: f"{'-' if m < 0 else '+'}{abs(int(m)) // 60:02d}:{abs(int(m)) % 60:02d}"
        for m in minutes.dropna().unique()
    }
    text = np.datetime_as_string(naive.to_numpy(dtype="datetime64[s]"), unit="s")
    return (pd.Series(text, index=values.index) + minutes.map(labels)).fillna("")


def _csv_layout(frame: pd.DataFrame, columns: Sequence[str], tz: str) -> pd.DataFrame:
    """``frame`` as CSV text: timestamps ISO 8601 with the local offset (``-04:00``), booleans
    ``true``/``false``, missing values empty (vectorised: the year has ~1.4 million stamps)."""
    out = pd.DataFrame(index=frame.index)
    for column in columns:
        values = frame[column]
        if isinstance(values.dtype, pd.DatetimeTZDtype):
            out[column] = _iso_local(values, tz)
        elif str(values.dtype) in ("boolean", "bool"):
            out[column] = values.map({True: "true", False: "false"}).astype(object).fillna("")
        else:
            out[column] = values.astype(object).where(values.notna(), "")
    return out


def write_demo_files(
    out_dir: str | Path, seed: int = DEFAULT_SEED, year: int = DEFAULT_YEAR
) -> list[Path]:
    """Write the calls and crisis-response CSVs into ``out_dir``; return their paths.

    Ingest them with ``civicstat ingest calls_for_service <calls> --mapping civicstat-standard-cfs``
    and ``civicstat ingest crisis_responses <crisis> --mapping civicstat-standard-crisis``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    calls_params = load_calls_params()
    calls = generate_calls(calls_params, seed=seed, year=year)
    crisis = generate_heart(load_heart_params(), calls, seed=seed)
    tz = calls_params.timezone
    paths = [out / CALLS_FILE, out / CRISIS_FILE]
    _csv_layout(calls, CALL_COLUMNS, tz).to_csv(paths[0], index=False)
    _csv_layout(crisis, CRISIS_COLUMNS, tz).to_csv(paths[1], index=False)
    return paths
