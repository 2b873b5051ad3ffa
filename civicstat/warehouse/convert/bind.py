"""Binding a mapping to one file's columns: which alternative source names the file uses, which
contract columns it cannot fill, and which of its columns nobody reads."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from civicstat.warehouse.contracts import Contract
from civicstat.warehouse.errors import MissingColumnsError
from civicstat.warehouse.mappings import ColumnRule, Mapping


@dataclass(frozen=True)
class Binding:
    """A mapping resolved against one file's header."""

    mapping: Mapping
    contract: Contract
    resolved: dict[tuple[str, ...], str | None]
    absent: tuple[str, ...]  # contract columns left NULL because their sources are not in the file
    unmapped: tuple[str, ...]  # file columns no rule reads and the mapping does not list in ignore

    def column(self, names: tuple[str, ...]) -> str | None:
        return self.resolved.get(names)

    def available(self, rule: ColumnRule) -> bool:
        """Whether the rule (or its fallback) can produce values from this file."""
        needed = [names for names, primary in rule.source_groups() if primary]
        if all(self.resolved.get(n) is not None for n in needed):
            return True
        return rule.fallback is not None and self.available(rule.fallback)


def bind(
    mapping: Mapping, contract: Contract, columns: tuple[str, ...], path: Path, strict: bool = True
) -> Binding:
    """Resolve the mapping's source names; a required column whose sources are missing raises
    MissingColumnsError naming the file, the missing columns and the columns the file has
    (unless ``strict`` is false: then those rows are quarantined as missing a required value)."""
    present = set(columns)
    resolved: dict[tuple[str, ...], str | None] = {}
    for rule in _all_rules(mapping.rules):
        for names, _ in rule.source_groups():
            resolved[names] = next((n for n in names if n in present), None)
    binding = Binding(mapping, contract, resolved, (), ())
    missing: list[str] = []
    absent: list[str] = []
    for rule in mapping.rules:
        if binding.available(rule):
            continue
        if contract.column(rule.target).required:
            for names, primary in rule.source_groups():
                if primary and resolved[names] is None:
                    alternatives = " or ".join(repr(n) for n in names)
                    missing.append(f"{alternatives} (for {rule.target})")
        else:
            absent.append(rule.target)
    if missing and strict:
        shown = ", ".join(repr(c) for c in columns[:40]) + (" …" if len(columns) > 40 else "")
        layout = f"mapping {mapping.name!r}" if mapping.name else f"the {contract.name} contract"
        raise MissingColumnsError(
            path,
            f"missing required column {'; '.join(missing)}; expected the layout of {layout}; "
            f"the file has columns {shown}",
        )
    used = {name for name in resolved.values() if name is not None}
    unmapped = tuple(c for c in columns if c not in used and c not in mapping.ignore)
    unmapped_rules = tuple(c.name for c in contract.columns if mapping.rule(c.name) is None)
    return Binding(mapping, contract, resolved, tuple(absent) + unmapped_rules, unmapped)


def _all_rules(rules: tuple[ColumnRule, ...]) -> list[ColumnRule]:
    out: list[ColumnRule] = []
    for rule in rules:
        while rule is not None:
            out.append(rule)
            rule = rule.fallback
    return out
