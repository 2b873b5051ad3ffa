"""Risk terrain modelling (methods.md §1) — pure: no Django.

Run a model from a YAML configuration and write its report::

    from civicstat.safety.risk_terrain import run_rtm, write_report, high_risk_zones
    result = run_rtm("examples/durham_robbery_2013.yaml", base_dir="../shared/data")
    write_report(result, "var/rtm/durham_robbery_2013")
    zones = high_risk_zones(result)            # cells of the "highest" class
    inside = zones.contains_lonlat(lon, lat)   # robberies inside vs outside the zones

The steps are importable on their own: ``grid``, ``neighbours`` (Clark–Evans), ``operationalise``,
``enet``/``screening`` (stage 1), ``count_models``/``stepwise`` (stage 2), ``scoring``,
``validation`` (HR, PAI, PEI, RRI) and ``wdd``.
"""

from civicstat.safety.risk_terrain.config import RTMConfig, load_config
from civicstat.safety.risk_terrain.pipeline import model_terrain, run_rtm
from civicstat.safety.risk_terrain.report import narrative, write_report
from civicstat.safety.risk_terrain.result import ModelSummary, RTMResult, SelectedFactor
from civicstat.safety.risk_terrain.validation import coverage_table
from civicstat.safety.risk_terrain.wdd import WDDResult, weighted_displacement_difference
from civicstat.safety.risk_terrain.zones import (
    HighRiskZones,
    high_risk_zones,
    load_zones,
    zone_breakdown,
)

__all__ = [
    "HighRiskZones",
    "ModelSummary",
    "RTMConfig",
    "RTMResult",
    "SelectedFactor",
    "WDDResult",
    "coverage_table",
    "high_risk_zones",
    "load_config",
    "load_zones",
    "model_terrain",
    "narrative",
    "run_rtm",
    "weighted_displacement_difference",
    "write_report",
    "zone_breakdown",
]
