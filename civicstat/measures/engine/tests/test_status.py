"""The status rule (methods.md §6.2), case by case, and overdue checks."""

from __future__ import annotations

from datetime import date

import pytest

from civicstat.measures.engine import (
    Direction,
    Grain,
    StatusKey,
    StatusRule,
    StatusRuleError,
    TolMode,
    evaluate,
    is_overdue,
    next_due,
)

ON, CLOSE, NEEDS = StatusKey.ON_TARGET, StatusKey.CLOSE_TO_TARGET, StatusKey.NEEDS_IMPROVEMENT
HIGHER, LOWER, RANGE = (
    Direction.HIGHER_IS_BETTER,
    Direction.LOWER_IS_BETTER,
    Direction.TARGET_RANGE,
)


@pytest.mark.parametrize(
    ("direction", "value", "expected"),
    [
        # target 12, relative tolerance 10 % -> 1.2
        (LOWER, 12.0, ON),  # exactly on target
        (LOWER, 11.3, ON),
        (LOWER, 13.2, CLOSE),  # exactly on the tolerance edge
        (LOWER, 12.6, CLOSE),
        (LOWER, 13.21, NEEDS),
        (HIGHER, 12.0, ON),
        (HIGHER, 15.0, ON),
        (HIGHER, 10.8, CLOSE),  # exactly on the edge
        (HIGHER, 10.79, NEEDS),
    ],
)
def test_relative_tolerance(direction, value, expected):
    rule = StatusRule(direction, target=12, unit="minutes")
    assert evaluate(rule, value, n=50).key is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.95, ON), (0.96, ON), (0.93, CLOSE), (0.9300001, CLOSE), (0.9299, NEEDS), (0.5, NEEDS)],
)
def test_absolute_tolerance_for_rates(value, expected):
    # 95 % target, 2 percentage points: a relative 10 % band would accept 85.5 %
    rule = StatusRule(HIGHER, target=0.95, close_tol=0.02, tol_mode=TolMode.ABSOLUTE)
    assert evaluate(rule, value, n=1000).key is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (10.0, ON),
        (20.0, ON),
        (15.0, ON),
        (9.0, CLOSE),  # lo 10, tol 10 % of 10 = 1
        (8.99, NEEDS),
        (22.0, CLOSE),  # hi 20, tol 2
        (22.01, NEEDS),
    ],
)
def test_target_range(value, expected):
    rule = StatusRule(RANGE, target=(10, 20))
    assert evaluate(rule, value, n=5).key is expected


def test_durham_p1_example_is_close_to_target():
    # average Priority-1 response 5:58 against the 5:48 target (+2.9 %): Close to Target
    rule = StatusRule(LOWER, target=5 * 60 + 48, unit="seconds")
    assert evaluate(rule, 5 * 60 + 58, n=1000).key is CLOSE


def test_precision_rounds_before_comparing():
    rule = StatusRule(LOWER, target=12, close_tol=0.0, precision=1)
    assert evaluate(rule, 12.04, n=10).key is ON  # shown as 12.0
    assert evaluate(rule, 12.05, n=10).key is NEEDS  # shown as 12.1 (half up)
    assert evaluate(StatusRule(LOWER, target=12, close_tol=0.0), 12.04, n=10).key is NEEDS


def test_per_period_targets_with_fallback():
    rule = StatusRule(LOWER, target=10, targets={"FY2024": 8})
    assert evaluate(rule, 8.5, n=10, period_label="FY2024").key is CLOSE  # within 8 + 0.8
    assert evaluate(rule, 9, n=10, period_label="FY2024").key is NEEDS  # 9 > 8.8
    assert evaluate(rule, 9, n=10, period_label="FY2024").target == 8
    assert evaluate(rule, 9, n=10, period_label="FY2023").key is ON
    only = StatusRule(LOWER, targets={"FY2024": 8})
    assert evaluate(only, 9, n=10, period_label="FY2023").key is StatusKey.TARGET_PENDING


def test_order_of_the_rule():
    info = StatusRule(Direction.INFORMATIONAL, target=5)
    assert evaluate(info, None, n=0).key is StatusKey.NO_STATUS
    pending = StatusRule(HIGHER)
    assert evaluate(pending, None, n=0).key is StatusKey.TARGET_PENDING  # before missing data
    rule = StatusRule(HIGHER, target=5, min_n=20)
    assert evaluate(rule, None, n=100).key is StatusKey.INSUFFICIENT_DATA
    assert evaluate(rule, float("nan"), n=100).key is StatusKey.INSUFFICIENT_DATA
    assert evaluate(rule, 9.0, n=19).key is StatusKey.INSUFFICIENT_DATA
    assert evaluate(rule, 9.0, n=20).key is ON


def test_explanations_are_plain_sentences():
    rule = StatusRule(LOWER, target=12, unit="minutes")
    assert (
        evaluate(rule, 11.3, n=40).explanation
        == "11.3 minutes is at or below the target of 12 minutes (lower is better)."
    )
    assert evaluate(rule, 12.6, n=40).explanation == (
        "12.6 minutes is above the target of 12 minutes, within 1.2 minutes (10% of the "
        "target) (lower is better)."
    )
    pct = StatusRule(HIGHER, target=95, close_tol=2, tol_mode=TolMode.ABSOLUTE, unit="%")
    assert evaluate(pct, 90, n=500).explanation == (
        "90% is below the target of 95% by more than 2% (higher is better)."
    )
    assert (
        "at least 20 are needed"
        in evaluate(StatusRule(HIGHER, target=1, min_n=20), 3, n=4).explanation
    )
    assert evaluate(StatusRule(HIGHER), 3, n=4, period_label="FY2024").explanation == (
        "No target has been set for FY2024."
    )


def test_rule_dict_round_trip_and_validation():
    rule = StatusRule(RANGE, targets={"FY2024": (1.0, 2.0)}, close_tol=0.05, min_n=20, unit="%")
    assert StatusRule.from_dict(rule.to_dict()) == rule
    with pytest.raises(StatusRuleError, match="target_range target is"):
        StatusRule(RANGE, target=3)
    with pytest.raises(StatusRuleError, match="targets.FY2024: must be a number"):
        StatusRule(HIGHER, targets={"FY2024": (1, 2)})
    with pytest.raises(StatusRuleError, match="close_tol"):
        StatusRule(HIGHER, target=1, close_tol=-1)


@pytest.mark.parametrize(
    ("grain", "latest_end", "today", "grace", "overdue"),
    [
        # monthly: June's value is due by 31 July with 30 days' grace
        (Grain.MONTH, date(2023, 7, 1), date(2023, 7, 31), 30, False),
        (Grain.MONTH, date(2023, 6, 1), date(2023, 7, 31), 30, False),  # June not yet due
        (Grain.MONTH, date(2023, 6, 1), date(2023, 8, 1), 30, True),
        (Grain.MONTH, date(2023, 7, 1), date(2023, 8, 30), 30, False),
        (Grain.MONTH, date(2023, 7, 1), date(2023, 9, 1), 30, True),  # July now due
        # quarterly, no grace: Q2 2023 is due on 1 July and overdue from 2 July
        (Grain.QUARTER, date(2023, 4, 1), date(2023, 7, 1), 0, False),
        (Grain.QUARTER, date(2023, 4, 1), date(2023, 7, 2), 0, True),
        (Grain.QUARTER, date(2023, 7, 1), date(2023, 9, 30), 0, False),
        # fiscal year (July start), 90 days' grace: FY2023 due by 29 Sep 2023
        (Grain.FISCAL_YEAR, date(2022, 7, 1), date(2023, 9, 29), 90, False),
        (Grain.FISCAL_YEAR, date(2022, 7, 1), date(2023, 9, 30), 90, True),
        (Grain.FISCAL_YEAR, date(2023, 7, 1), date(2024, 6, 30), 90, False),
        (Grain.MONTH, None, date(2023, 9, 30), 0, True),  # never published
    ],
)
def test_overdue(grain, latest_end, today, grace, overdue):
    assert is_overdue(latest_end, grain, today, grace_days=grace) is overdue


def test_next_due():
    assert next_due(date(2023, 7, 1), Grain.MONTH, grace_days=30) == date(2023, 8, 31)
    assert next_due(date(2023, 7, 1), Grain.QUARTER) == date(2023, 10, 1)
    assert next_due(date(2023, 7, 1), Grain.FISCAL_YEAR, grace_days=90) == date(2024, 9, 29)


def test_explanations_carry_their_message_for_translation():
    """The English sentence is the message filled with its values; a translation function is
    applied to the message and to nested phrases (the relative tolerance), not to the values."""
    from civicstat.measures.engine.status import render_message

    rule = StatusRule(HIGHER, target=100, close_tol=0.10, unit="calls")
    result = evaluate(rule, 95, n=40)
    assert result.message == (
        "%(value)s is below the target of %(target)s, within %(tolerance)s (higher is better)."
    )
    assert result.explanation == render_message(result.message, result.params)
    assert result.explanation == (
        "95 calls is below the target of 100 calls, within 10 calls (10% of the target) "
        "(higher is better)."
    )
    french = {
        result.message: "%(value)s est sous la cible de %(target)s, à %(tolerance)s près.",
        "%(amount)s (%(percent)s%% of the target)": "%(amount)s (%(percent)s %% de la cible)",
    }
    translated = render_message(result.message, result.params, gettext=french.get)
    assert (
        translated == "95 calls est sous la cible de 100 calls, à 10 calls (10 % de la cible) près."
    )
    pending = evaluate(StatusRule(HIGHER), 3, n=4, period_label="2026-11")
    assert pending.params == {"period": "2026-11"}
    assert "%(period)s" in pending.message
