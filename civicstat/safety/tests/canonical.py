"""Test helpers: canonical-column frames (briefs/datasets.md) loaded into a DuckDB connection.

The schemas are written out here from the dataset contracts, independently of the warehouse
package, so these tests exercise the safety analytics on exactly the contract types.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import ibis
import pandas as pd

TS = "timestamp('UTC')"

CALLS_SCHEMA: dict[str, str] = {
    "call_id": "string",
    "unit_id": "string",
    "received_at": TS,
    "answered_at": TS,
    "created_at": TS,
    "dispatched_at": TS,
    "enroute_at": TS,
    "onscene_at": TS,
    "cleared_at": TS,
    "closed_at": TS,
    "priority": "string",
    "call_type": "string",
    "final_call_type": "string",
    "source": "string",
    "self_initiated": "boolean",
    "disposition": "string",
    "cancelled": "boolean",
    "agency": "string",
    "unit_type": "string",
    "district": "string",
    "beat": "string",
    "latitude": "float64",
    "longitude": "float64",
    "weapon_involved": "boolean",
    "medical_need": "boolean",
    "risk_to_others": "boolean",
}

CRISIS_SCHEMA: dict[str, str] = {
    "response_id": "string",
    "program": "string",
    "call_id": "string",
    "person_id": "string",
    "received_at": TS,
    "dispatched_at": TS,
    "enroute_at": TS,
    "onscene_at": TS,
    "cleared_at": TS,
    "in_person": "boolean",
    "transport_needed": "boolean",
    "police_backup_requested": "boolean",
    "ems_support_requested": "boolean",
    "disposition": "string",
    "followed_up_within_48h": "boolean",
    "call_type": "string",
    "district": "string",
    "beat": "string",
}


def frame(rows: Iterable[Mapping[str, Any]], schema: Mapping[str, str]) -> pd.DataFrame:
    """Rows (dicts, missing keys = NULL) as a frame with every contract column, typed."""
    df = pd.DataFrame(list(rows))
    for name in schema:
        if name not in df:
            df[name] = None
    df = df[list(schema)]
    for name, kind in schema.items():
        if kind == TS:
            df[name] = pd.to_datetime(df[name], utc=True)
        elif kind == "boolean":
            df[name] = df[name].astype("boolean")
        elif kind == "float64":
            df[name] = df[name].astype("float64")
        else:
            df[name] = df[name].astype("string")
    return df


def load(con: Any, name: str, df: pd.DataFrame, schema: Mapping[str, str]) -> ibis.Table:
    """``df`` as table ``name`` on DuckDB connection ``con`` (typed by ``schema``)."""
    con.create_table(name, schema=ibis.schema(dict(schema)))
    if len(df):
        con.insert(name, df[list(schema)])
    return con.table(name)


def load_calls(con: Any, rows: Iterable[Mapping[str, Any]], name: str = "calls") -> ibis.Table:
    return load(con, name, frame(rows, CALLS_SCHEMA), CALLS_SCHEMA)


def load_crisis(con: Any, rows: Iterable[Mapping[str, Any]], name: str = "crisis") -> ibis.Table:
    return load(con, name, frame(rows, CRISIS_SCHEMA), CRISIS_SCHEMA)
