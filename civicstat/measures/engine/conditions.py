"""A small declarative condition language for measure filters, usable from YAML.

Each condition is a mapping with exactly one operator key::

    {eq: [priority, "1"]}            # also ne, lt, le, gt, ge
    {in: [district, [D1, D2]]}       # also not_in
    {between: [response_seconds, 0, 3600]}   # inclusive at both ends
    {is_null: onscene_at}            # also not_null
    {and: [<condition>, ...]}        # also or
    {not: <condition>}

Nothing is ever evaluated as a string of code. Values are strings, numbers or booleans and must
match the column's type (a string column compares with strings: write ``"1"``, not ``1``).

Missing values: a comparison (eq, ne, lt, le, gt, ge, in, not_in, between) with a missing value
is *false*, so ``{ne: [district, D1]}`` and ``{not_in: [district, [D1]]}`` leave out rows whose
district is missing, while ``{not: {eq: [district, D1]}}`` keeps them. Test for missing values
explicitly with ``is_null`` / ``not_null``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Union

import ibis
import ibis.expr.types as ir

from civicstat.measures.engine.errors import CompileError, SpecIssue

Scalar = str | int | float | bool
ColumnLookup = Callable[[str, str], ir.Column]
"""``lookup(column_name, field_path)`` returns the Ibis column or raises CompileError."""

COMPARISONS = ("eq", "ne", "lt", "le", "gt", "ge")
SETS = ("in", "not_in")
NULL_CHECKS = ("is_null", "not_null")
LOGICAL = ("and", "or", "not")
OPERATORS = (*COMPARISONS, *SETS, "between", *NULL_CHECKS, *LOGICAL)


@dataclass(frozen=True)
class Compare:
    op: str
    column: str
    value: Scalar

    def to_dict(self) -> dict[str, Any]:
        return {self.op: [self.column, self.value]}

    def columns(self) -> frozenset[str]:
        return frozenset({self.column})

    def to_ibis(self, lookup: ColumnLookup, path: str) -> ir.BooleanValue:
        col = lookup(self.column, path)
        _check_value_type(col, self.value, path, self.column)
        fn = {
            "eq": col.__eq__,
            "ne": col.__ne__,
            "lt": col.__lt__,
            "le": col.__le__,
            "gt": col.__gt__,
            "ge": col.__ge__,
        }[self.op]
        return fn(self.value)


@dataclass(frozen=True)
class InSet:
    op: str
    column: str
    values: tuple[Scalar, ...]

    def to_dict(self) -> dict[str, Any]:
        return {self.op: [self.column, list(self.values)]}

    def columns(self) -> frozenset[str]:
        return frozenset({self.column})

    def to_ibis(self, lookup: ColumnLookup, path: str) -> ir.BooleanValue:
        col = lookup(self.column, path)
        for v in self.values:
            _check_value_type(col, v, path, self.column)
        return col.isin(list(self.values)) if self.op == "in" else col.notin(list(self.values))


@dataclass(frozen=True)
class Between:
    column: str
    low: Scalar
    high: Scalar

    def to_dict(self) -> dict[str, Any]:
        return {"between": [self.column, self.low, self.high]}

    def columns(self) -> frozenset[str]:
        return frozenset({self.column})

    def to_ibis(self, lookup: ColumnLookup, path: str) -> ir.BooleanValue:
        col = lookup(self.column, path)
        _check_value_type(col, self.low, path, self.column)
        _check_value_type(col, self.high, path, self.column)
        return col.between(self.low, self.high)


@dataclass(frozen=True)
class NullCheck:
    op: str
    column: str

    def to_dict(self) -> dict[str, Any]:
        return {self.op: self.column}

    def columns(self) -> frozenset[str]:
        return frozenset({self.column})

    def to_ibis(self, lookup: ColumnLookup, path: str) -> ir.BooleanValue:
        col = lookup(self.column, path)
        return col.isnull() if self.op == "is_null" else col.notnull()


@dataclass(frozen=True)
class Logical:
    op: str  # "and" | "or"
    conditions: tuple[Condition, ...]

    def to_dict(self) -> dict[str, Any]:
        return {self.op: [c.to_dict() for c in self.conditions]}

    def columns(self) -> frozenset[str]:
        return frozenset().union(*(c.columns() for c in self.conditions))

    def to_ibis(self, lookup: ColumnLookup, path: str) -> ir.BooleanValue:
        parts = [
            c.to_ibis(lookup, f"{path}[{i}].{_op_of(c)}") for i, c in enumerate(self.conditions)
        ]
        out = parts[0]
        for p in parts[1:]:
            out = (out & p) if self.op == "and" else (out | p)
        return out


@dataclass(frozen=True)
class Not:
    condition: Condition

    def to_dict(self) -> dict[str, Any]:
        return {"not": self.condition.to_dict()}

    def columns(self) -> frozenset[str]:
        return self.condition.columns()

    def to_ibis(self, lookup: ColumnLookup, path: str) -> ir.BooleanValue:
        inner = self.condition.to_ibis(lookup, f"{path}.{_op_of(self.condition)}")
        return ~ibis.coalesce(inner, False)


Condition = Union[Compare, InSet, Between, NullCheck, Logical, Not]  # noqa: UP007


def _op_of(c: Condition) -> str:
    if isinstance(c, Compare | InSet | NullCheck | Logical):
        return c.op
    return "between" if isinstance(c, Between) else "not"


def condition_to_ibis(cond: Condition, lookup: ColumnLookup, path: str) -> ir.BooleanValue:
    """Compile a condition; ``path`` is its field path (``filter``), used in error messages.

    The result may be null where a compared value is missing. Wherever a condition decides
    something (WHERE, CASE WHEN, a filtered aggregate) null acts as false, and AND and OR keep
    that equivalence, so only ``not`` needs the null turned into false explicitly (it does).
    Atoms stay plain comparisons, which the database can push into its table scan.
    """
    return cond.to_ibis(lookup, f"{path}.{_op_of(cond)}")


def _is_scalar(v: object) -> bool:
    return isinstance(v, str | int | float | bool) and v is not None


def _kind(v: Scalar) -> str:
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int | float):
        return "number"
    return "string"


def _check_value_type(col: ir.Column, value: Scalar, path: str, column: str) -> None:
    dtype = col.type()
    kind = _kind(value)
    if dtype.is_string():
        ok, want = kind == "string", "a string (in YAML, quote numbers: '1')"
    elif dtype.is_boolean():
        ok, want = kind == "boolean", "true or false"
    elif dtype.is_numeric():
        ok, want = kind == "number", "a number"
    else:
        raise CompileError(
            path,
            f"column {column!r} has type {dtype}; conditions compare only string, number and "
            "boolean columns (use periods for time ranges, or derive a seconds column)",
        )
    if not ok:
        raise CompileError(
            path, f"column {column!r} has type {dtype}, so the value {value!r} must be {want}"
        )


def parse_condition(data: object, path: str, issues: list[SpecIssue]) -> Condition | None:
    """Parse the dict form of a condition, appending problems to ``issues`` (None if invalid)."""
    if not isinstance(data, Mapping) or len(data) != 1:
        issues.append(
            SpecIssue(
                path, f"a condition is a mapping with exactly one operator, one of {OPERATORS}"
            )
        )
        return None
    ((op, args),) = data.items()
    here = f"{path}.{op}"
    if op in COMPARISONS:
        if not _is_pair(args) or not isinstance(args[0], str) or not _is_scalar(args[1]):
            issues.append(SpecIssue(here, "expected [column, value] with a string/number/boolean"))
            return None
        return Compare(op, args[0], args[1])
    if op in SETS:
        ok = _is_pair(args) and isinstance(args[0], str) and isinstance(args[1], list | tuple)
        if not ok:
            issues.append(SpecIssue(here, "expected [column, [value, ...]]"))
            return None
        values = tuple(args[1])
        if not values:
            issues.append(SpecIssue(here, "the list of values is empty"))
            return None
        if not all(_is_scalar(v) for v in values) or len({_kind(v) for v in values}) != 1:
            issues.append(
                SpecIssue(here, "values must all be strings, all numbers or all booleans")
            )
            return None
        return InSet(op, args[0], values)
    if op == "between":
        ok = (
            isinstance(args, list | tuple)
            and len(args) == 3
            and isinstance(args[0], str)
            and all(_is_scalar(v) and not isinstance(v, bool) for v in args[1:])
        )
        if not ok:
            issues.append(SpecIssue(here, "expected [column, low, high]"))
            return None
        if _kind(args[1]) != _kind(args[2]):
            issues.append(SpecIssue(here, "low and high must be of the same kind"))
            return None
        if args[1] > args[2]:
            issues.append(SpecIssue(here, f"low ({args[1]!r}) is greater than high ({args[2]!r})"))
            return None
        return Between(args[0], args[1], args[2])
    if op in NULL_CHECKS:
        if not isinstance(args, str) or not args:
            issues.append(SpecIssue(here, "expected a column name"))
            return None
        return NullCheck(op, args)
    if op in ("and", "or"):
        if not isinstance(args, list | tuple) or not args:
            issues.append(SpecIssue(here, "expected a non-empty list of conditions"))
            return None
        parsed = [parse_condition(a, f"{here}[{i}]", issues) for i, a in enumerate(args)]
        if any(p is None for p in parsed):
            return None
        return Logical(op, tuple(p for p in parsed if p is not None))
    if op == "not":
        inner = parse_condition(args, here, issues)
        return None if inner is None else Not(inner)
    issues.append(SpecIssue(path, f"unknown operator {op!r}; use one of {OPERATORS}"))
    return None


def _is_pair(args: object) -> bool:
    return isinstance(args, list | tuple) and len(args) == 2
