"""Small-cell suppression for counts of people (methods.md §5.5; CMS cell-size policy).

No published count may be 1 to ``threshold`` (default 10; 0 may be shown), and no such count may
be recoverable from the published cells and totals. Three shapes are handled:

* :func:`suppress_table`: rows × columns of counts with optional row, column and grand totals
  (each total is the sum of its cells). After primary suppression (1..threshold), complementary
  cells are added until, in every relation "total = sum of cells":

  - no entry is the relation's only suppressed entry (else subtraction recovers it),
  - when the total is published, the suppressed cells do not sum to 1..threshold (their sum is
    recoverable, and a sum of small cells is itself a small cell), and at least one of them is
    not a primary cell (two primaries alone can be pinned by their known range 1..threshold:
    10 + 10 = 20),

  choosing each time the smallest non-zero published cell that fixes the relation (preferring
  cells whose other relations already have a suppressed entry), then checking with linear
  algebra that no primary cell is determined by the whole system of relations; repeated until
  stable.
* :func:`suppress_counts`: a one-dimensional list of counts with its total (a one-row table).
* :func:`suppress_cumulative`: cumulative bands ("people with 5+, 10+, 20+, 40+ responses") or
  running totals, where the counts shown are nested and the differences between them are
  counts too. Published values must differ from each other (and from 0) by 0 or more than the
  threshold; the largest such set is kept (dynamic programming).

Each returns a frame with the values masked (``<NA>``) and a ``suppression`` column:
``""``, ``"suppressed: fewer than 11"`` (primary) or ``"suppressed: complementary"``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from civicstat.measures.engine.errors import SuppressionError

DEFAULT_THRESHOLD = 10
COMPLEMENTARY = "suppressed: complementary"
TOTAL = "(total)"


def primary_label(threshold: int = DEFAULT_THRESHOLD) -> str:
    return f"suppressed: fewer than {threshold + 1}"


@dataclass
class _Problem:
    """Entries (cells and totals) with values, and relations ``total = sum(members)``."""

    values: np.ndarray
    relations: list[tuple[int, list[int]]]
    threshold: int

    def __post_init__(self) -> None:
        n = len(self.values)
        self.primary = (self.values >= 1) & (self.values <= self.threshold)
        self.hidden = self.primary.copy()
        self.by_entry: list[list[int]] = [[] for _ in range(n)]
        for r, (total, members) in enumerate(self.relations):
            for i in (total, *members):
                self.by_entry[i].append(r)

    def _unknown(self, r: int) -> list[int]:
        total, members = self.relations[r]
        return [i for i in (total, *members) if self.hidden[i]]

    def _violated(self, r: int) -> bool:
        total, members = self.relations[r]
        unknown = self._unknown(r)
        if not unknown:
            return False
        if len(unknown) == 1:
            return True
        if self.hidden[total]:
            return False
        hidden_members = [i for i in members if self.hidden[i]]
        s = int(self.values[hidden_members].sum())
        return 1 <= s <= self.threshold or all(self.primary[i] for i in hidden_members)

    def _fixes(self, r: int, c: int) -> bool:
        self.hidden[c] = True
        ok = not self._violated(r)
        self.hidden[c] = False
        return ok

    def _new_singletons(self, r: int, c: int) -> int:
        """Other relations of ``c`` that would then have exactly one suppressed entry."""
        return sum(1 for o in self.by_entry[c] if o != r and not self._unknown(o))

    def _choose(self, r: int) -> int | None:
        total, members = self.relations[r]
        candidates = [i for i in members if not self.hidden[i]]
        if not candidates and not self.hidden[total]:
            candidates = [total]
        if not candidates:
            return None

        def score(c: int) -> tuple[int, int, int, int, int]:
            v = int(self.values[c])
            fixes = self._fixes(r, c)
            return (v == 0, not fixes, c == total, self._new_singletons(r, c), v if fixes else -v)

        return min(candidates, key=score)

    def _determined_primary(self) -> int | None:
        """A primary entry whose value the relations determine exactly (null-space test)."""
        unknown = np.flatnonzero(self.hidden)
        if unknown.size == 0:
            return None
        col = {e: j for j, e in enumerate(unknown)}
        rows = []
        for total, members in self.relations:
            row = np.zeros(unknown.size)
            if total in col:
                row[col[total]] = -1.0
            for m in members:
                if m in col:
                    row[col[m]] += 1.0
            if row.any():
                rows.append(row)
        if not rows:
            return None
        a = np.array(rows)
        _, sv, vt = np.linalg.svd(a)
        rank = int((sv > 1e-9).sum())
        null = vt[rank:].T  # columns span the null space
        for j, e in enumerate(unknown):
            if self.primary[e] and (null.size == 0 or np.abs(null[j]).max() < 1e-9):
                return int(e)
        return None

    def solve(self) -> None:
        for _ in range(10 * len(self.values) + 10):
            changed = False
            for r in range(len(self.relations)):
                while self._violated(r):
                    c = self._choose(r)
                    if c is None:
                        break
                    self.hidden[c] = True
                    changed = True
            if changed:
                continue
            e = self._determined_primary()
            if e is None:
                return
            best = None
            for r in self.by_entry[e]:
                c = self._choose(r)
                if c is not None and (best is None or self.values[c] < self.values[best]):
                    best = c
            if best is None:
                return  # every entry around it is already suppressed
            self.hidden[best] = True
        raise SuppressionError("complementary suppression did not settle")  # pragma: no cover

    def labels(self) -> list[str]:
        primary = primary_label(self.threshold)
        return [
            primary if p else (COMPLEMENTARY if h else "")
            for p, h in zip(self.primary, self.hidden, strict=True)
        ]


def _check_counts(values: np.ndarray, what: str) -> np.ndarray:
    if values.size and (np.any(np.isnan(values)) or np.any(values < 0)):
        raise SuppressionError(f"{what}: counts must be 0 or more, with none missing")
    if values.size and np.any(values != np.round(values)):
        raise SuppressionError(f"{what}: counts must be whole numbers")
    return values.astype(np.int64)


def suppress_table(
    counts: pd.DataFrame,
    *,
    row_totals: bool = False,
    column_totals: bool = False,
    grand_total: bool = False,
    threshold: int = DEFAULT_THRESHOLD,
) -> pd.DataFrame:
    """Suppress a table of counts (index = rows, e.g. periods; columns = categories).

    Totals are the sums of their cells and are treated as published when asked for. Returns a
    long frame: ``row``, ``column`` (``"(total)"`` for totals), ``count`` (nullable Int64,
    ``<NA>`` when suppressed) and ``suppression``.
    """
    cells = _check_counts(counts.to_numpy(dtype=float), "suppress_table")
    n_rows, n_cols = cells.shape
    values = list(cells.ravel())
    labels = [(r, c) for r in counts.index for c in counts.columns]
    relations: list[tuple[int, list[int]]] = []

    def cell(i: int, j: int) -> int:
        return i * n_cols + j

    row_total_idx: list[int] = []
    if row_totals:
        for i, r in enumerate(counts.index):
            row_total_idx.append(len(values))
            values.append(int(cells[i].sum()))
            labels.append((r, TOTAL))
            relations.append((row_total_idx[-1], [cell(i, j) for j in range(n_cols)]))
    col_total_idx: list[int] = []
    if column_totals:
        for j, c in enumerate(counts.columns):
            col_total_idx.append(len(values))
            values.append(int(cells[:, j].sum()))
            labels.append((TOTAL, c))
            relations.append((col_total_idx[-1], [cell(i, j) for i in range(n_rows)]))
    if grand_total:
        g = len(values)
        values.append(int(cells.sum()))
        labels.append((TOTAL, TOTAL))
        if row_totals:
            relations.append((g, row_total_idx))
        if column_totals:
            relations.append((g, col_total_idx))
        if not row_totals and not column_totals:
            relations.append((g, list(range(n_rows * n_cols))))

    problem = _Problem(np.array(values, dtype=np.int64), relations, threshold)
    problem.solve()
    shown = pd.array(
        [None if h else int(v) for v, h in zip(problem.values, problem.hidden, strict=True)],
        dtype="Int64",
    )
    return pd.DataFrame(
        {
            "row": [r for r, _ in labels],
            "column": [c for _, c in labels],
            "count": shown,
            "suppression": problem.labels(),
        }
    )


def suppress_counts(
    counts: Mapping[str, int] | pd.Series,
    *,
    total: bool = True,
    threshold: int = DEFAULT_THRESHOLD,
) -> pd.DataFrame:
    """Suppress a one-dimensional list of counts, with its total when ``total`` is true.

    Returns ``category`` (``"(total)"`` for the total), ``count``, ``suppression``.
    """
    s = pd.Series(counts, dtype=float)
    table = pd.DataFrame([s.to_numpy()], columns=list(s.index), index=["all"])
    out = suppress_table(table, row_totals=total, threshold=threshold)
    return out.drop(columns="row").rename(columns={"column": "category"})


def suppress_cumulative(
    values: Sequence[int] | pd.Series,
    *,
    threshold: int = DEFAULT_THRESHOLD,
) -> pd.DataFrame:
    """Suppress nested counts: bands like 5+, 10+, 20+, 40+ (non-increasing) or running totals
    (non-decreasing). Any two published values, and any published value and 0, differ by 0 or
    by more than ``threshold``, so no band difference of 1..threshold can be derived; the most
    values (then the largest total) are kept.

    Returns ``label`` (the series index or position), ``count``, ``suppression``.
    """
    s = pd.Series(values)
    v = _check_counts(s.to_numpy(dtype=float), "suppress_cumulative")
    n = len(v)
    increasing = bool(np.all(np.diff(v) >= 0))
    if not increasing and not np.all(np.diff(v) <= 0):
        raise SuppressionError(
            "suppress_cumulative: values must be nested (all non-increasing, like 5+, 10+, 20+, "
            "or all non-decreasing, like running totals)"
        )
    order = list(range(n)) if increasing else list(range(n - 1, -1, -1))  # from the small end
    seq = [0] + [int(v[i]) for i in order]  # position 0 is the anchor 0, always "published"

    def ok(a: int, b: int) -> bool:
        d = abs(seq[b] - seq[a])
        return d == 0 or d > threshold

    best: list[tuple[int, int]] = [(0, 0)] + [(-1, 0)] * n  # (count published, sum published)
    prev = [-1] * (n + 1)
    for i in range(1, n + 1):
        for j in range(i):
            if best[j][0] < 0 or not ok(j, i):
                continue
            cand = (best[j][0] + 1, best[j][1] + seq[i])
            if cand > best[i]:
                best[i], prev[i] = cand, j
    end = max(range(n + 1), key=lambda i: best[i])
    published = set()
    while end > 0:
        published.add(order[end - 1])
        end = prev[end]
    primary = primary_label(threshold)
    labels = [
        "" if i in published else (primary if 1 <= v[i] <= threshold else COMPLEMENTARY)
        for i in range(n)
    ]
    shown = pd.array([int(v[i]) if i in published else None for i in range(n)], dtype="Int64")
    return pd.DataFrame({"label": list(s.index), "count": shown, "suppression": labels})
