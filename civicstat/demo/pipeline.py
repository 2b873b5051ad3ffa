"""The demo's data: synthetic raw files → ingest → measures attached → refresh.

Every published number of the demo comes through the path a city's data takes: files written in
a documented layout, loaded by `civicstat ingest` with a column mapping (contracts, quarantine,
load log), measures defined in catalogues and attached to the plan, and `civicstat refresh`
computing and publishing them. Nothing is written in by hand.

The raw files are seeded, so a second run writes the same bytes and ingest recognises them
(content hash): nothing is loaded twice. Files that depend on the date (HR snapshots and crime
to today) change from day to day and are then updated by primary key, not duplicated.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from civicstat.demo.synthetic.pilot_area import DemoFile

CATALOGUES_PACKAGE = "civicstat.measures.catalogues"


@dataclass(frozen=True)
class RawFile:
    dataset: str
    path: Path
    mapping: str


@dataclass(frozen=True)
class Generator:
    """Writes one subject's raw files into a folder and says how each is loaded."""

    name: str
    write: Callable[[Path, dt.date], list[RawFile]]


def _files(paths: list[Path], specs: list[DemoFile]) -> list[RawFile]:
    by_name = {spec.filename: spec for spec in specs}
    return [RawFile(by_name[p.name].dataset, p, by_name[p.name].mapping) for p in paths]


def _calls_and_heart(out: Path, today: dt.date) -> list[RawFile]:
    from civicstat.demo.synthetic import cad_demo

    calls, crisis = cad_demo.write_demo_files(out)
    return [
        RawFile("calls_for_service", calls, cad_demo.CALLS_MAPPING),
        RawFile("crisis_responses", crisis, cad_demo.CRISIS_MAPPING),
    ]


def _gunshots(out: Path, today: dt.date) -> list[RawFile]:
    from civicstat.demo.synthetic import gunshots

    return _files(gunshots.write_demo_files(out), list(gunshots.FILES.values()))


def _dirt_bikes(out: Path, today: dt.date) -> list[RawFile]:
    from civicstat.demo.synthetic import dirt_bikes

    return _files(dirt_bikes.write_demo_files(out), [dirt_bikes.FILE])


def _hr(out: Path, today: dt.date) -> list[RawFile]:
    from civicstat.demo.synthetic import hr

    return _files(hr.write_demo_files(out, last_day=today), list(hr.FILES.values()))


def _crime(out: Path, today: dt.date) -> list[RawFile]:
    from civicstat.demo.synthetic import crime

    return _files(crime.write_demo_files(out, last_day=today), [crime.FILE])


GENERATORS: list[Generator] = [
    Generator("calls and HEART responses", _calls_and_heart),
    Generator("gunshot-detection pilot", _gunshots),
    Generator("dirt-bike reports", _dirt_bikes),
    Generator("HR positions and applications", _hr),
    Generator("crime incidents", _crime),
]


def raw_dir() -> Path:
    return Path(settings.DATA_DIR) / "demo-raw"


def catalogues() -> list[Path]:
    """The measure catalogues the demo attaches to the Durham plan (every shipped one, plus the
    events app's)."""
    shipped = sorted(
        Path(str(entry))
        for entry in resources.files(CATALOGUES_PACKAGE).iterdir()
        if entry.name.endswith(".yaml")
    )
    from civicstat.events.measures import MEASURES_FILE

    return [*shipped, MEASURES_FILE]


def write_raw_files(today: dt.date, stdout=None) -> list[RawFile]:
    files: list[RawFile] = []
    for generator in GENERATORS:
        out = raw_dir() / generator.name.replace(" ", "-")
        written = generator.write(out, today)
        files += written
        _say(stdout, f"Wrote {len(written)} file(s) of {generator.name} in {out}.")
    return files


def ingest_files(files: list[RawFile], stdout=None) -> None:
    """Load each file with `civicstat ingest`'s own function (contracts, quarantine, load log)."""
    from civicstat.warehouse.cli import EXIT_OK, run_ingest

    for raw in files:
        out, err = io.StringIO(), io.StringIO()
        code = run_ingest(
            settings.CIVICSTAT_WAREHOUSE_URL,
            raw.dataset,
            [raw.path],
            mapping_name=raw.mapping,
            stdout=out,
            stderr=err,
            progress=False,
        )
        if code != EXIT_OK:
            raise RuntimeError(f"ingest of {raw.path} into {raw.dataset} failed:\n{err.getvalue()}")
        _say(stdout, out.getvalue().strip())


def run(plan, stdout=None, today: dt.date | None = None, refresh: bool = True) -> None:
    """Generate, ingest, attach the measures, load events and engagement, refresh."""
    from civicstat.engage.demo import load_demo_engagement
    from civicstat.events.demo import load_demo_events
    from civicstat.measures.catalogue import attach
    from civicstat.measures.services.refresh import refresh as run_refresh

    today = today or timezone.localdate()
    ingest_files(write_raw_files(today, stdout), stdout)
    # Measures first: the synthetic page views are spread over the measure pages that exist, so
    # attaching after them would give a second run more pages, hence more views, than the first.
    measures = attach(plan, catalogues())
    _say(stdout, f"Attached {len(measures)} computed measures to {plan.slug}.")
    _say(stdout, load_demo_events(as_of=today))
    _say(stdout, load_demo_engagement(as_of=today))
    if refresh:
        from civicstat.demo.rtm import run_demo_rtm

        run_demo_rtm(stdout)  # before the refresh: the zone measure reads the zones it stores
        record = run_refresh(triggered_by="civicstat demo", as_of=today)
        _say(
            stdout,
            f"Refresh {record.pk}: {record.measures_count} measures, "
            f"{record.values_count} values, {record.analyses_count} analyses published.",
        )
        for skip in record.skipped:
            _say(stdout, f"  skipped {skip['producer']}: {skip['reason']}")


def _say(stdout, text: str) -> None:
    if stdout is not None and text:
        stdout.write(text)
