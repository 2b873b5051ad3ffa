"""Weighted Displacement Difference test for evaluating RTM zones (methods.md §1.6).

Wheeler & Ratcliffe (2018), "A simple weighted displacement difference test to evaluate place
based crime interventions", *Crime Science* 7:11 `[PTOOLS] wdd()`:
``WDD = (T1 − T0) − (C1 − C0) + (D1 − D0) − (DC1 − DC0)`` with T treated, C control, D the
displacement buffer around the treated area and DC its control; under a Poisson approximation
``Var = T0 + T1 + C0 + C1 + D0 + D1 + DC0 + DC1``, ``z = WDD / √Var``. Negative WDD means fewer
crimes than expected. (ptools' displacement-variance line is mis-parenthesised; this follows the
paper, methods.md §1.6 note.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy.stats import norm


@dataclass(frozen=True)
class WDDResult:
    """Local, displacement and total estimates with the total's standard error, z, p and CI."""

    local: float
    displacement: float
    total: float
    se: float
    z: float
    p_value: float
    ci_low: float
    ci_high: float
    confidence: float


def weighted_displacement_difference(
    treated: tuple[float, float],
    control: tuple[float, float],
    displacement: tuple[float, float] = (0, 0),
    displacement_control: tuple[float, float] = (0, 0),
    confidence: float = 0.95,
) -> WDDResult:
    """WDD test from (before, after) counts of the four areas."""
    t0, t1 = treated
    c0, c1 = control
    d0, d1 = displacement
    dc0, dc1 = displacement_control
    local = (t1 - t0) - (c1 - c0)
    disp = (d1 - d0) - (dc1 - dc0)
    total = local + disp
    var = t0 + t1 + c0 + c1 + d0 + d1 + dc0 + dc1
    se = math.sqrt(var)
    z = total / se if se > 0 else float("nan")
    crit = norm.ppf(0.5 + confidence / 2)
    return WDDResult(
        local=float(local),
        displacement=float(disp),
        total=float(total),
        se=se,
        z=z,
        p_value=float(2 * norm.sf(abs(z))) if se > 0 else float("nan"),
        ci_low=total - crit * se,
        ci_high=total + crit * se,
        confidence=confidence,
    )
