"""Small-cell suppression cannot be undone: an attacker who knows every published cell and total,
the table's structure, that counts are whole and non-negative, and which suppressed cells are
"fewer than 11" (so lie in 1..10), still cannot pin any suppressed count to one value.

The attacker is written here from the published frame alone, as linear programs (scipy's
HiGHS): for every suppressed entry, the smallest and largest value consistent with everything
published. It shares no code with the suppressor.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from civicstat.measures.engine import (
    SuppressionError,
    suppress_counts,
    suppress_cumulative,
    suppress_table,
)

T = 10
PRIMARY = "suppressed: fewer than 11"
COMPLEMENTARY = "suppressed: complementary"
TOTAL = "(total)"
BIG = 10**7


def relations_of(out: pd.DataFrame) -> list[tuple[int, list[int]]]:
    """(total entry, member entries) for every row, column and grand total in the frame."""
    idx = {(r, c): i for i, (r, c) in enumerate(zip(out["row"], out["column"], strict=True))}
    rows = [r for r in dict.fromkeys(out["row"]) if r != TOTAL]
    cols = [c for c in dict.fromkeys(out["column"]) if c != TOTAL]
    rels = []
    for r in rows:
        if (r, TOTAL) in idx:
            rels.append((idx[(r, TOTAL)], [idx[(r, c)] for c in cols]))
    for c in cols:
        if (TOTAL, c) in idx:
            rels.append((idx[(TOTAL, c)], [idx[(r, c)] for r in rows]))
    if (TOTAL, TOTAL) in idx:
        g = idx[(TOTAL, TOTAL)]
        if all((r, TOTAL) in idx for r in rows):
            rels.append((g, [idx[(r, TOTAL)] for r in rows]))
        if all((TOTAL, c) in idx for c in cols):
            rels.append((g, [idx[(TOTAL, c)] for c in cols]))
        if not any((r, TOTAL) in idx for r in rows) and not any((TOTAL, c) in idx for c in cols):
            rels.append((g, [idx[(r, c)] for r in rows for c in cols]))
    return rels


def attack(out: pd.DataFrame) -> dict[int, tuple[float, float]]:
    """Feasible [min, max] of every suppressed entry, given what the frame publishes."""
    hidden = [i for i, v in enumerate(out["count"]) if pd.isna(v)]
    if not hidden:
        return {}
    var = {e: j for j, e in enumerate(hidden)}
    a_eq, b_eq = [], []
    for total, members in relations_of(out):
        row = np.zeros(len(hidden))
        rhs = 0.0
        for e, sign in [(total, -1.0)] + [(m, 1.0) for m in members]:
            if e in var:
                row[var[e]] += sign
            else:
                rhs -= sign * float(out["count"].iloc[e])
        if row.any():
            a_eq.append(row)
            b_eq.append(rhs)
        else:
            assert abs(rhs) < 1e-9, "published cells do not add up"
    bounds = [(1, T) if out["suppression"].iloc[e] == PRIMARY else (0, BIG) for e in hidden]
    ranges = {}
    for e, j in var.items():
        c = np.zeros(len(hidden))
        c[j] = 1.0
        kw = {"A_eq": np.array(a_eq), "b_eq": b_eq} if a_eq else {}
        lo = linprog(c, bounds=bounds, method="highs", **kw)
        hi = linprog(-c, bounds=bounds, method="highs", **kw)
        assert lo.status == 0 and hi.status == 0
        ranges[e] = (lo.fun, -hi.fun)
    return ranges


def assert_safe(out: pd.DataFrame, original: list[int]) -> None:
    shown = out["count"]
    for i, v in enumerate(shown):
        if not pd.isna(v):
            assert int(v) == original[i]
            assert not 1 <= int(v) <= T, f"published small count {v}"
        elif 1 <= original[i] <= T:
            assert out["suppression"].iloc[i] == PRIMARY
        else:
            assert out["suppression"].iloc[i] == COMPLEMENTARY
    for e, (lo, hi) in attack(out).items():
        whole = range(math.ceil(lo - 1e-7), math.floor(hi + 1e-7) + 1)
        assert len(whole) >= 2, f"entry {e} pinned to {list(whole)} (true {original[e]})"
        assert original[e] in whole
    for total, members in relations_of(out):
        if not pd.isna(shown.iloc[total]):
            hidden_sum = sum(original[m] for m in members if pd.isna(shown.iloc[m]))
            assert not 1 <= hidden_sum <= T, "suppressed cells of a relation sum to a small count"


def table_values(out: pd.DataFrame, counts: pd.DataFrame) -> list[int]:
    full = counts.copy()
    full[TOTAL] = counts.sum(axis=1)
    totals = counts.sum(axis=0)
    values = []
    for r, c in zip(out["row"], out["column"], strict=True):
        if r == TOTAL:
            values.append(int(totals.sum() if c == TOTAL else totals[c]))
        else:
            values.append(int(full.loc[r, c]))
    return values


def random_table(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n_rows, n_cols = rng.integers(2, 7, 2)
    small = rng.integers(0, 11, (n_rows, n_cols))
    large = rng.integers(11, 80, (n_rows, n_cols))
    pick = rng.random((n_rows, n_cols))
    values = np.where(pick < 0.35, small, large)
    values[pick > 0.93] = 0
    return pd.DataFrame(
        values,
        index=[f"2023-{m:02d}" for m in range(1, n_rows + 1)],
        columns=[f"D{d}" for d in range(1, n_cols + 1)],
    )


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize(
    "totals",
    [
        {"row_totals": True},
        {"row_totals": True, "column_totals": True, "grand_total": True},
        {"column_totals": True},
    ],
    ids=["row", "row+col+grand", "col"],
)
def test_random_tables_cannot_be_undone(seed, totals):
    counts = random_table(seed)
    out = suppress_table(counts, **totals)
    assert_safe(out, table_values(out, counts))


def test_months_by_district_example():
    counts = pd.DataFrame(
        {"D1": [25, 4, 30], "D2": [40, 35, 0], "D3": [12, 60, 7]},
        index=["2023-07", "2023-08", "2023-09"],
    )
    out = suppress_table(counts, row_totals=True)
    assert_safe(out, table_values(out, counts))
    got = out.set_index(["row", "column"])["suppression"]
    assert got["2023-08", "D1"] == PRIMARY and got["2023-09", "D3"] == PRIMARY
    # the smallest cell that fixes each row: August 35 (not 60), September 30 (0 cannot help)
    assert got["2023-08", "D2"] == COMPLEMENTARY and got["2023-08", "D3"] == ""
    assert got["2023-09", "D1"] == COMPLEMENTARY
    assert got["2023-07"].eq("").all()


def test_zero_is_shown_and_nothing_small_means_nothing_suppressed():
    counts = pd.DataFrame({"A": [0, 20], "B": [15, 0]}, index=["x", "y"])
    out = suppress_table(counts, row_totals=True, column_totals=True, grand_total=True)
    assert out["suppression"].eq("").all()
    # cells, then row totals, column totals and the grand total
    assert out["count"].tolist() == [0, 15, 20, 0, 15, 20, 20, 15, 35]


def test_one_dimensional_list_with_total():
    out = suppress_counts({"HEART": 5, "co-response": 40, "diversion": 60, "navigation": 0})
    values = [5, 40, 60, 0, 105]
    assert out["category"].tolist() == ["HEART", "co-response", "diversion", "navigation", TOTAL]
    assert out["suppression"].tolist() == [PRIMARY, COMPLEMENTARY, "", "", ""]
    frame = out.rename(columns={"category": "column"}).assign(row="all")
    assert_safe(frame, values)


def bands_attack(published: list, labels: list[str], increasing: bool) -> list[set[int]]:
    """Possible whole values of each band given the published ones, nesting and labels."""
    seq = published if increasing else published[::-1]
    labs = labels if increasing else labels[::-1]
    out = []
    for i, v in enumerate(seq):
        if v is not None and not pd.isna(v):
            out.append({int(v)})
            continue
        lower = max([0] + [int(x) for x in seq[:i] if x is not None and not pd.isna(x)])
        uppers = [int(x) for x in seq[i + 1 :] if x is not None and not pd.isna(x)]
        upper = min(uppers) if uppers else BIG
        if labs[i] == PRIMARY:
            lower, upper = max(lower, 1), min(upper, T)
        out.append(set(range(lower, upper + 1)) if upper < BIG else {-1, -2})
    return out if increasing else out[::-1]


def assert_bands_safe(values: list[int], out: pd.DataFrame) -> None:
    shown = [None if pd.isna(v) else int(v) for v in out["count"]]
    increasing = values == sorted(values)
    published = [0] + [v for v in shown if v is not None]
    for a in published:
        for b in published:
            assert not 1 <= abs(a - b) <= T, f"published {a} and {b} differ by 1..{T}"
    for i, possible in enumerate(bands_attack(shown, list(out["suppression"]), increasing)):
        if shown[i] is None:
            assert len(possible) >= 2 and (values[i] in possible or -1 in possible)


def test_durham_familiar_neighbor_bands():
    # HEART, Dec 2022 – Dec 2023: 74 neighbors with 5+ responses, 19 with 10+, 8 with 20+, 4 with 40+
    bands = pd.Series([74, 19, 8, 4], index=["5+", "10+", "20+", "40+"])
    out = suppress_cumulative(bands)
    assert out["count"].tolist()[:2] == [74, 19]
    assert out["count"].iloc[2:].isna().all()
    assert out["suppression"].tolist() == ["", "", PRIMARY, PRIMARY]
    assert_bands_safe(list(bands), out)


@pytest.mark.parametrize("seed", range(30))
def test_random_bands_and_running_totals(seed):
    rng = np.random.default_rng(seed)
    steps = np.where(rng.random(7) < 0.5, rng.integers(0, 11, 7), rng.integers(11, 40, 7))
    values = list(np.cumsum(steps).astype(int))
    if seed % 2:
        values = values[::-1]  # bands: non-increasing
    out = suppress_cumulative(values)
    assert_bands_safe(values, out)


def test_band_differences_are_protected():
    # 30 with 5+, 25 with 10+, 22 with 20+: no band is small, but every difference is
    # (5, 3 and 8), so only one band can be shown; the largest is kept.
    out = suppress_cumulative([30, 25, 22])
    assert out["count"].tolist()[0] == 30 and out["count"].iloc[1:].isna().all()
    assert out["suppression"].tolist() == ["", COMPLEMENTARY, COMPLEMENTARY]
    assert_bands_safe([30, 25, 22], out)


def test_bad_input_is_refused():
    with pytest.raises(SuppressionError, match="nested"):
        suppress_cumulative([5, 20, 10])
    with pytest.raises(SuppressionError, match="whole numbers"):
        suppress_table(pd.DataFrame({"a": [1.5]}))
    with pytest.raises(SuppressionError, match="0 or more"):
        suppress_counts({"a": -1})
