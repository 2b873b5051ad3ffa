"""Response-time standards (NENA, NFPA 1225/1221/1710, Durham) as ready-made measure targets.

The figures live in ``civicstat/safety/standards.yaml``, each with its methods.md §3.1 source key.
A :class:`Standard` says which segment it applies to, how it is evaluated (``pct_within`` a
threshold or ``mean``), the target value and its direction; :meth:`Standard.status_rule` gives the
measures engine's :class:`~civicstat.measures.engine.status.StatusRule` for it, and
:func:`thresholds` the thresholds :func:`summary` takes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from civicstat.measures.engine.status import Direction, StatusRule, TolMode
from civicstat.safety._config import PACKAGE_DIR, Reader, load_mapping
from civicstat.safety.errors import SafetyConfigError
from civicstat.safety.response_times.rules import SEGMENTS

STANDARDS_PATH = PACKAGE_DIR / "standards.yaml"
STATISTICS = ("pct_within", "mean")


@dataclass(frozen=True)
class Standard:
    """One standard: ``statistic`` of ``segment`` should reach ``target``.

    For ``pct_within`` the target is a percentage (higher is better) of usable intervals at or
    under ``threshold_seconds``; for ``mean`` it is an average in seconds (lower is better),
    evaluated as an average to stay faithful to the target's definition (methods.md §3.4).
    """

    key: str
    label: str
    segment: str
    statistic: str
    target: float
    threshold_seconds: float | None = None
    applies_to: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    sources: tuple[str, ...] = ()
    verified: bool = True
    note: str = ""

    @property
    def direction(self) -> str:
        """``higher_is_better`` for compliance shares, ``lower_is_better`` for averages."""
        return "higher_is_better" if self.statistic == "pct_within" else "lower_is_better"

    @property
    def unit(self) -> str:
        return "percent" if self.statistic == "pct_within" else "seconds"

    def status_rule(self, close_tol: float | None = None) -> StatusRule:
        """This standard as a measure's status rule (methods.md §6.2).

        Compliance shares get an absolute "close to target" band in percentage points (default
        2), averages a relative one (default 10 %); ``close_tol`` overrides the default.
        """
        if self.statistic == "pct_within":
            return StatusRule(
                direction=Direction.HIGHER_IS_BETTER,
                target=self.target,
                close_tol=2.0 if close_tol is None else close_tol,
                tol_mode=TolMode.ABSOLUTE,
                unit="%",
            )
        return StatusRule(
            direction=Direction.LOWER_IS_BETTER,
            target=self.target,
            close_tol=0.10 if close_tol is None else close_tol,
            tol_mode=TolMode.RELATIVE,
            unit="seconds",
        )

    def is_met(self, value: float) -> bool:
        """Whether an observed ``value`` of this standard's statistic meets the target."""
        if self.direction == "higher_is_better":
            return value >= self.target
        return value <= self.target


def load_standards(path: str | Path | None = None) -> tuple[Standard, ...]:
    """All standards in ``path`` (default: the packaged ``standards.yaml``), in file order."""
    path = Path(path) if path is not None else STANDARDS_PATH
    source = str(path)
    top = Reader(load_mapping(path), source)
    top.check_keys(("version", "standards"))
    entries = top.data.get("standards")
    if not isinstance(entries, list) or not entries:
        raise SafetyConfigError(source, "standards", "expected a non-empty list of standards")
    out: list[Standard] = []
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        r = Reader(entry, source, f"standards[{i}]")
        r.check_keys(
            (
                "key",
                "label",
                "segment",
                "statistic",
                "threshold_seconds",
                "target",
                "applies_to",
                "sources",
                "verified",
                "note",
            )
        )
        key = r.text("key")
        if key in seen:
            raise r.fail("key", f"duplicate standard key {key!r}")
        seen.add(key)
        statistic = r.text("statistic", choices=STATISTICS)
        threshold = r.number("threshold_seconds", None)
        if statistic == "pct_within" and threshold is None:
            raise r.fail("threshold_seconds", "a pct_within standard needs threshold_seconds")
        target = r.number("target", None)
        if target is None:
            raise r.fail("target", "expected a number")
        applies = r.child("applies_to")
        out.append(
            Standard(
                key=key,
                label=r.text("label"),
                segment=r.text("segment", choices=tuple(SEGMENTS)),
                statistic=statistic,
                target=target,
                threshold_seconds=threshold,
                applies_to={str(k): applies.texts(str(k)) for k in applies.data},
                sources=r.texts("sources"),
                verified=r.boolean("verified", True),
                note=str(r.data.get("note", "") or "").strip(),
            )
        )
    return tuple(out)


def get_standard(key: str, standards: Iterable[Standard] | None = None) -> Standard:
    """The standard named ``key``."""
    pool = tuple(standards) if standards is not None else load_standards()
    for standard in pool:
        if standard.key == key:
            return standard
    raise SafetyConfigError(
        STANDARDS_PATH, "standards", f"no standard {key!r}; known: {[s.key for s in pool]}"
    )


def thresholds(
    keys: Iterable[str], standards: Iterable[Standard] | None = None
) -> dict[str, float]:
    """``{segment: threshold_seconds}`` of the named ``pct_within`` standards, for :func:`summary`.

    At most one standard per segment (compliance against two thresholds is two summaries).
    """
    pool = tuple(standards) if standards is not None else load_standards()
    out: dict[str, float] = {}
    for key in keys:
        standard = get_standard(key, pool)
        if standard.threshold_seconds is None:
            raise SafetyConfigError(
                STANDARDS_PATH, key, "a mean standard has no threshold for pct_within"
            )
        if standard.segment in out and out[standard.segment] != standard.threshold_seconds:
            raise SafetyConfigError(
                STANDARDS_PATH,
                key,
                f"segment {standard.segment!r} already has a threshold "
                f"({out[standard.segment]:g} s); summarise each threshold separately",
            )
        out[standard.segment] = standard.threshold_seconds
    return out
