"""The work of ``civicstat rtm run CONFIG.yaml [--publish KEY]`` (docs/risk-terrain.md).

1. ``run_rtm`` on the configuration (civicstat.safety.risk_terrain; seeded, so a second run on
   the same inputs gives the same result);
2. ``write_report`` into ``<data dir>/rtm/<config name>/`` (or ``out_dir``): report.json,
   cells.csv, factors.csv, validation.csv, candidates.csv, risk_map.svg, zones.geojson,
   summary.txt;
3. with a key: the zone set into the warehouse (rtm_zone_sets, rtm_zone_cells, through ingest),
   then the published analysis (PublishedAnalysis ``key``, producer ``rtm``, no refresh run),
   which the data page naming the key shows. The warehouse is written first: if it fails,
   nothing is published.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from civicstat.dashboards.pilots.rtm_report import input_loads, rtm_analysis
from civicstat.dashboards.pilots.rtm_zones import ZoneLoad, write_zone_tables, zone_tables
from civicstat.measures.services.analyses import save_analysis
from civicstat.safety.risk_terrain import RTMConfig, RTMResult, run_rtm, write_report
from civicstat.warehouse import connect

PRODUCER = "rtm"
KEY = re.compile(r"^[a-z0-9][a-z0-9_./-]*$")


class RTMRunError(ValueError):
    """A run that cannot start (bad key, missing configuration); the message says why."""


@dataclass(frozen=True, eq=False)
class RTMRun:
    result: RTMResult
    report_dir: Path
    key: str | None = None
    zone_loads: tuple[ZoneLoad, ...] = field(default=())

    def summary(self) -> str:
        r = self.result
        lines = [
            f"{r.config.title or r.config.name}: {r.grid.n_cells:,} cells of {r.cell_size:g} m, "
            f"{r.model.n_events:,} training events; {len(r.selected)} of {len(r.factors)} "
            f"factors selected ({r.model.family}), highest RRS {r.max_rrs:.1f}.",
        ]
        for s in r.selected:
            lines.append(
                f"  {s.factor:<24} {s.operationalisation:<9} {s.distance:>7g} m  RRV {s.rrv:.2f}"
            )
        lines.append(f"Report written to {self.report_dir}.")
        for load in self.zone_loads:
            lines.append(
                f"  {load.dataset}: load {load.load_id}, {load.rows:,} rows"
                + (f", {load.removed:,} stale rows removed" if load.removed else "")
            )
        if self.key:
            lines.append(f"Published analysis {self.key}.")
        return "\n".join(lines)


def default_report_dir(result: RTMResult) -> Path:
    return Path(settings.DATA_DIR) / "rtm" / result.config.name


def run_and_publish(
    config: str | Path | Mapping[str, Any] | RTMConfig,
    *,
    data_root: str | Path | None = None,
    publish: str | None = None,
    out_dir: str | Path | None = None,
    warehouse_url: str | None = None,
) -> RTMRun:
    """Run, write the report and (with ``publish``) store the zones and publish the analysis."""
    if publish is not None and not KEY.match(publish):
        raise RTMRunError(
            f"--publish {publish!r}: an analysis key is lower-case letters, digits and _ . / -, "
            "e.g. rtm/durham-robbery"
        )
    result = run_rtm(config, base_dir=data_root)
    report_dir = write_report(result, out_dir or default_report_dir(result))
    if publish is None:
        return RTMRun(result, report_dir)
    with translation.override(settings.LANGUAGE_CODE):  # stored formatted, in the site's language
        analysis = rtm_analysis(result, publish)  # built first: a problem here writes nothing
    tables = zone_tables(result, publish, timezone.now())
    con = connect(warehouse_url or settings.CIVICSTAT_WAREHOUSE_URL)
    try:
        loads = tuple(write_zone_tables(con, tables))
    finally:
        con.disconnect()
    with transaction.atomic():
        save_analysis(analysis, producer=PRODUCER, run=None, loads=input_loads(result))
    return RTMRun(result, report_dir, publish, loads)
