"""Synthetic Durham public-safety HR records (PURE, seeded), from ``params/durham_hr.yaml``.

Durham's HR data is not public and it has published no position or application counts, so every
volume and rate in the parameter file is assumed; the shape is Durham's (objective 2.3, inventory
[D8]): police applications counted per calendar year and rising after the salary increases of
July 2024, police vacancies easing after them.

* ``hr_positions``: one row per budgeted position per monthly snapshot (the last day of each
  month). Each group (department × sworn) has budgeted positions per fiscal year and a vacancy
  rate path; every month some holders leave (``monthly_separation``), then positions are filled or
  left vacant so that the vacancy count is the path's rate (plus a little noise). Positions keep
  their ids, so a vacancy persists from month to month until it is filled.
* ``hr_applications``: one row per submitted application; a Poisson count per day following
  month weights and the salary-increase step, with job family, channel and status.

:func:`write_demo_files` writes both as CSVs in the canonical layouts for the identity mappings
``civicstat-standard-hr-positions`` and ``civicstat-standard-hr-applications``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from civicstat.demo.synthetic.pilot_area import DemoFile, csv_frame, sample_times
from civicstat.demo.synthetic.pilot_params import Params, ParamsError, load_params
from civicstat.warehouse import Registry

PARAMS_NAME = "durham_hr"
DEFAULT_SEED = 2024
FILES = {
    "applications": DemoFile(
        "hr_applications", "durham_hr_applications.csv", "civicstat-standard-hr-applications"
    ),
    "positions": DemoFile(
        "hr_positions", "durham_hr_positions.csv", "civicstat-standard-hr-positions"
    ),
}
"""The files :func:`write_demo_files` writes, in order, by :class:`HRData` field."""

POSITION_COLUMNS = ("snapshot_date", "position_id", "department", "sworn", "filled", "job_family")
APPLICATION_COLUMNS = (
    "application_id",
    "submitted_at",
    "department",
    "job_family",
    "sworn",
    "source_channel",
    "status",
)


@dataclass(frozen=True, eq=False)
class HRData:
    """The generated tables (canonical columns; ``submitted_at`` tz-aware UTC, ``snapshot_date``
    calendar dates) and the export day."""

    applications: pd.DataFrame
    positions: pd.DataFrame
    last_day: dt.date
    timezone: str


def _mapping(p: Params, key: str) -> Mapping:
    value = p.get(key)
    if not isinstance(value, Mapping) or not value:
        raise ParamsError(p.source, key, "expected a non-empty mapping")
    return value


def _date(p: Params, key: str) -> dt.date:
    value = p.get(key)
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ParamsError(p.source, key, f"expected a date written YYYY-MM-DD, got {value!r}")
    return value


def _flag(p: Params, key: str) -> bool:
    value = p.get(key)
    if not isinstance(value, bool):
        raise ParamsError(p.source, key, f"expected true or false, got {value!r}")
    return value


def fiscal_year(day: dt.date, start_month: int = 7) -> int:
    """The fiscal year a day falls in, named by the calendar year it ends in (FY2025 = July 2024 -
    June 2025 with Durham's July start)."""
    return day.year + (1 if day.month >= start_month else 0)


def month_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    """Last days of the months from ``first``'s month, up to and including ``last``."""
    out = []
    year, month = first.year, first.month
    while True:
        nxt = dt.date(year + month // 12, month % 12 + 1, 1)
        end = nxt - dt.timedelta(days=1)
        if end > last:
            return out
        out.append(end)
        year, month = nxt.year, nxt.month


def _budgets(p: Params, key: str, snapshots: list[dt.date]) -> np.ndarray:
    """Budgeted positions at each snapshot: the fiscal year's count, or the last year's after it."""
    table = _mapping(p, key)
    by_year: dict[int, int] = {}
    for name in table:
        text = str(name)
        if not (text.startswith("FY") and text[2:].isdigit()):
            raise ParamsError(p.source, f"{key}.{name}", "expected fiscal years named FY2025")
        by_year[int(text[2:])] = p.count(f"{key}.{name}")
    years = sorted(by_year)
    out = []
    for day in snapshots:
        fy = fiscal_year(day)
        known = [y for y in years if y <= fy] or years[:1]
        out.append(by_year[known[-1]])
    return np.array(out, dtype=int)


def vacancy_path(p: Params, key: str, days: list[dt.date]) -> np.ndarray:
    """The path's vacancy rate on each day: straight lines between its ``[date, rate]`` points,
    flat before the first and after the last."""
    points = p.get(key)
    ok = (
        isinstance(points, list)
        and len(points) >= 1
        and all(
            isinstance(pt, list)
            and len(pt) == 2
            and isinstance(pt[0], dt.date)
            and isinstance(pt[1], int | float)
            and 0 <= pt[1] <= 1
            for pt in points
        )
    )
    if not ok or [pt[0] for pt in points] != sorted(pt[0] for pt in points):
        raise ParamsError(
            p.source, key, "expected a list of [YYYY-MM-DD, share] in date order (share 0..1)"
        )
    x = np.array([pt[0].toordinal() for pt in points], dtype=float)
    y = np.array([pt[1] for pt in points], dtype=float)
    return np.interp([d.toordinal() for d in days], x, y)


def _group_positions(
    p: Params, name: str, rng: np.random.Generator, snapshots: list[dt.date], scale: float
) -> pd.DataFrame:
    """Monthly snapshots of one group's positions (module docstring)."""
    key = f"positions.groups.{name}"
    budgets = np.maximum(np.rint(_budgets(p, f"{key}.budgeted", snapshots) * scale), 1).astype(int)
    rates = vacancy_path(p, f"{key}.vacancy_path", snapshots)
    leave = p.share(f"{key}.monthly_separation")
    noise = p.number("positions.vacancy_noise_sd")
    prefix = p.text(f"{key}.id_prefix")
    ids: list[str] = []
    filled = np.zeros(0, dtype=bool)
    dates: list[dt.date] = []
    all_ids: list[str] = []
    all_filled: list[np.ndarray] = []
    for day, budget, rate in zip(snapshots, budgets, rates, strict=True):
        if budget > len(ids):  # new positions start vacant
            ids += [f"{prefix}-{k + 1:04d}" for k in range(len(ids), budget)]
            filled = np.concatenate([filled, np.zeros(budget - len(filled), dtype=bool)])
        elif budget < len(ids):  # cut positions: vacant ones first, then the newest
            order = np.lexsort((-np.arange(len(ids)), filled))
            keep = np.sort(order[len(ids) - budget :])
            ids, filled = [ids[i] for i in keep], filled[keep]
        holders = np.flatnonzero(filled)
        filled[holders[rng.random(len(holders)) < leave]] = False
        target = int(np.clip(np.rint(rate * budget + rng.normal(0, noise * budget)), 0, budget))
        vacant = np.flatnonzero(~filled)
        if len(vacant) > target:
            filled[rng.choice(vacant, len(vacant) - target, replace=False)] = True
        elif len(vacant) < target:
            holders = np.flatnonzero(filled)
            filled[rng.choice(holders, target - len(vacant), replace=False)] = False
        dates += [day] * budget
        all_ids += ids
        all_filled.append(filled.copy())
    out = pd.DataFrame(
        {
            "snapshot_date": pd.Series(dates, dtype=object),
            "position_id": all_ids,
            "filled": np.concatenate(all_filled),
        }
    )
    out["department"] = p.text(f"{key}.department")
    out["sworn"] = _flag(p, f"{key}.sworn")
    out["job_family"] = p.text(f"{key}.job_family")
    return out


def positions_frame(
    p: Params, rng: np.random.Generator, last_day: dt.date, scale: float = 1.0
) -> pd.DataFrame:
    """The ``hr_positions`` table: every group's monthly snapshots, by date then position id."""
    snapshots = month_ends(_date(p, "positions.first_snapshot"), last_day)
    if not snapshots:
        raise ParamsError(p.source, "period.last_day", "ends before the first monthly snapshot")
    groups = _mapping(p, "positions.groups")
    frame = pd.concat(
        [_group_positions(p, str(g), rng, snapshots, scale) for g in groups], ignore_index=True
    )
    frame = frame.sort_values(["snapshot_date", "position_id"], ignore_index=True)
    return frame[list(POSITION_COLUMNS)]


def _shares(p: Params, key: str, field: str | None = None) -> tuple[list[str], np.ndarray]:
    table = _mapping(p, key)
    names = [str(k) for k in table]
    path = (lambda k: f"{key}.{k}.{field}") if field else (lambda k: f"{key}.{k}")
    weights = np.array([p.number(path(k)) for k in names], dtype=float)
    if weights.sum() <= 0:
        raise ParamsError(p.source, key, "shares must add up to more than 0")
    return names, weights / weights.sum()


def _daily_rates(p: Params, dept: str, days: list[dt.date]) -> np.ndarray:
    """Expected applications per day: per_year spread over the year by month weights (a 365-day
    year sums to per_year), times the salary-increase factor from its day on."""
    key = f"applications.departments.{dept}"
    months = np.array(p.numbers("applications.month_weights", 12))
    lengths = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    per_weight = p.number(f"{key}.per_year") / float((months * lengths).sum())
    step_day = _date(p, "applications.salary_increase_day")
    step = p.number(f"{key}.after_increase")
    return np.array(
        [per_weight * months[d.month - 1] * (step if d >= step_day else 1.0) for d in days]
    )


def _statuses(
    p: Params, rng: np.random.Generator, submitted: pd.Series, last_day: dt.date, tz: str
) -> np.ndarray:
    names, shares = _shares(p, "applications.final_status")
    status = rng.choice(names, size=len(submitted), p=shares).astype(object)
    end = pd.Timestamp(last_day + dt.timedelta(days=1)).tz_localize(tz)
    age_days = ((end - submitted).dt.total_seconds() / 86_400).to_numpy()
    open_days = p.number("applications.open_days")
    still_open = rng.random(len(submitted)) < 1 - age_days / open_days
    screening = age_days < p.number("applications.screening_days")
    status[still_open] = np.where(screening[still_open], "submitted", "in_review")
    return status


def applications_frame(
    p: Params, rng: np.random.Generator, last_day: dt.date, tz: str, scale: float = 1.0
) -> pd.DataFrame:
    """The ``hr_applications`` table (module docstring), by submission time."""
    first = _date(p, "applications.first_day")
    days = [first + dt.timedelta(days=i) for i in range((last_day - first).days + 1)]
    hours = p.numbers("applications.hour_weights", 24)
    parts = []
    for dept in _mapping(p, "applications.departments"):
        rates = _daily_rates(p, str(dept), days) * scale
        n = int(rng.poisson(rates.sum()))
        submitted = sample_times(rng, n, days, tz, hours, rates)
        key = f"applications.departments.{dept}.job_families"
        families, shares = _shares(p, key, "share")
        family = rng.choice(families, size=n, p=shares)
        sworn_of = {f: _flag(p, f"{key}.{f}.sworn") for f in families}
        parts.append(
            pd.DataFrame(
                {
                    "submitted_at": submitted,
                    "department": str(dept),
                    "job_family": family.astype(object),
                    "sworn": pd.Series(family).map(sworn_of).astype(bool).to_numpy(),
                }
            )
        )
    frame = pd.concat(parts, ignore_index=True).sort_values("submitted_at", ignore_index=True)
    channels, channel_shares = _shares(p, "applications.source_channels")
    frame["source_channel"] = rng.choice(channels, size=len(frame), p=channel_shares).astype(object)
    frame["status"] = _statuses(p, rng, frame["submitted_at"], last_day, tz)
    year = frame["submitted_at"].dt.tz_convert(tz).dt.year
    seq = frame.groupby(year).cumcount() + 1
    prefix = p.text("applications.id_prefix")
    frame["application_id"] = [f"{prefix}-{y}-{s:06d}" for y, s in zip(year, seq, strict=True)]
    return frame[list(APPLICATION_COLUMNS)]


def generate_hr(
    params: Params | None = None,
    seed: int = DEFAULT_SEED,
    *,
    last_day: dt.date | None = None,
    scale: float = 1.0,
) -> HRData:
    """Generate both tables from ``params`` (default: the shipped Durham file) up to ``last_day``
    (default: ``period.last_day``). ``scale`` multiplies every volume (budgeted positions and
    applications), for small test data."""
    p = params or load_params(PARAMS_NAME)
    end = last_day or _date(p, "period.last_day")
    tz = p.text("period.timezone")
    rng = np.random.default_rng(seed)
    positions = positions_frame(p, rng, end, scale)
    applications = applications_frame(p, rng, end, tz, scale)
    return HRData(applications=applications, positions=positions, last_day=end, timezone=tz)


def write_demo_files(
    out_dir: str | Path,
    seed: int = DEFAULT_SEED,
    *,
    last_day: dt.date | None = None,
    scale: float = 1.0,
) -> list[Path]:
    """Write the two CSVs of :func:`generate_hr` into ``out_dir`` (created if missing) and return
    their paths, in the order of :data:`FILES` (load each with its dataset and mapping)."""
    data = generate_hr(seed=seed, last_day=last_day, scale=scale)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    registry = Registry()
    paths = []
    for attr, spec in FILES.items():
        columns = registry.contract(spec.dataset).column_names
        frame = csv_frame(getattr(data, attr), columns, data.timezone)
        path = out / spec.filename
        frame.to_csv(path, index=False, lineterminator="\n")
        paths.append(path)
    return paths
