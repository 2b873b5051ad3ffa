"""The RTM run configuration: frozen dataclasses and the YAML reader that validates them.

A run is described by one YAML file (see ``examples/durham_robbery_2013.yaml``). Defaults marked
[I] in methods.md §1 are configurable here. Relative paths are resolved against, in order: the
``data_root`` the caller passes, the file's own ``data_root`` key (relative to the YAML file), the
folder holding the YAML file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from civicstat.safety.errors import SafetyConfigError
from civicstat.safety.risk_terrain.yamlreader import YamlNode as _Reader

GeometryType = Literal["auto", "point", "line", "polygon"]
Operationalisation = Literal["auto", "proximity", "density", "both"]
Family = Literal["poisson", "nb1", "nb2"]

_LAYER_KEYS = {
    "path",
    "filter",
    "type",
    "x",
    "y",
    "source_crs",
    "date_column",
    "date_format",
    "timezone",
    "window",
    "deduplicate",
}


@dataclass(frozen=True)
class DedupRule:
    """Drop geocoder pile-ups: points whose exact coordinate is shared by more than
    ``max_repeats`` rows (or, with ``distinct``, by more than that many distinct values of that
    column, e.g. addresses). ``scope="file"`` counts over the whole file before the filter."""

    max_repeats: int
    distinct: str | None = None
    scope: Literal["file", "filtered"] = "file"


@dataclass(frozen=True)
class LayerSpec:
    """One input file and how to read it."""

    path: Path
    filter: str | None = None
    type: GeometryType = "auto"
    x: str = "longitude"
    y: str = "latitude"
    source_crs: str = "EPSG:4326"
    date_column: str | None = None
    date_format: str | None = None
    timezone: str = "UTC"
    window: Literal["train", "test"] | None = None
    deduplicate: DedupRule | None = None


@dataclass(frozen=True)
class FactorSpec:
    """A risk-factor layer (methods.md §1.3)."""

    name: str
    layer: LayerSpec
    operationalisation: Operationalisation = "auto"


@dataclass(frozen=True)
class Window:
    """A half-open period ``[start, end)`` of local dates."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days


@dataclass(frozen=True)
class ModelSpec:
    """Operationalisation and selection settings (methods.md §1.2-1.4)."""

    max_spatial_influence_blocks: float = 3.0
    increment: Literal["half", "whole"] = "half"
    density_sd: float = 2.0
    l1_ratio: float = 0.5
    n_alphas: int = 50
    alpha_min_ratio: float = 1e-3
    cv_folds: int = 10
    fold_tile_cells: int = 5
    cv_rule: Literal["min", "one_se"] = "min"
    standardize: bool = True
    allow_negative: bool = False
    families: tuple[Family, ...] = ("poisson", "nb1", "nb2")
    max_factors: int = 30
    nn_alpha: float = 0.05
    n_jobs: int = 2


@dataclass(frozen=True)
class ClassSpec:
    """Risk classes (methods.md §1.5): ``sd`` cuts in SDs above the mean RRS, or ``quantile``
    cuts as cell quantiles."""

    scheme: Literal["sd", "quantile"] = "sd"
    cuts: tuple[float, ...] = (0.0, 1.0, 2.0)


@dataclass(frozen=True)
class ValidationSpec:
    """Hold-out validation (methods.md §1.6)."""

    coverages: tuple[float, ...] = (0.01, 0.05, 0.10, 0.20)
    kde_bandwidth_blocks: float = 2.0
    min_test_events: int = 30
    ties: Literal["fractional", "together"] = "fractional"


@dataclass(frozen=True)
class RTMConfig:
    """Everything one RTM run needs; built by :func:`load_config`."""

    name: str
    study_area: LayerSpec
    outcome: LayerSpec
    train: Window
    test: Window
    factors: tuple[FactorSpec, ...]
    title: str = ""
    seed: int = 0
    crs: str = "auto"
    block_length: float | None = None
    streets: LayerSpec | None = None
    cell_size: float | None = None
    model: ModelSpec = field(default_factory=ModelSpec)
    classes: ClassSpec = field(default_factory=ClassSpec)
    validation: ValidationSpec = field(default_factory=ValidationSpec)
    zone_min_class: str = "highest"
    outcome_label: str = "event"
    source: str = "<mapping>"


def load_config(
    config: str | Path | Mapping[str, Any], data_root: str | Path | None = None
) -> RTMConfig:
    """Read and validate a YAML file (or an already parsed mapping) into an :class:`RTMConfig`."""
    if isinstance(config, Mapping):
        doc, source, folder = config, "<mapping>", Path.cwd()
    else:
        path = Path(config)
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise SafetyConfigError(path, "", f"cannot be read as YAML ({exc})") from exc
        source, folder = str(path), path.resolve().parent
    r = _Reader(doc, source, "")
    r.only(
        {
            "name",
            "title",
            "seed",
            "crs",
            "data_root",
            "study_area",
            "grid",
            "outcome",
            "windows",
            "factors",
            "model",
            "classes",
            "validation",
            "zones",
        }
    )
    if data_root is not None:
        base = Path(data_root)
    elif r.has("data_root"):
        base = folder / r["data_root"].text()
    else:
        base = folder
    grid = r.get("grid", {})
    grid.only({"block_length", "streets", "cell_size"})
    block_length = grid.get("block_length", None).positive(optional=True)
    streets = _layer(grid["streets"], base) if grid.has("streets") else None
    if block_length is None and streets is None:
        raise grid.fail("give block_length (in CRS units) or a streets layer to compute it from")
    outcome = _layer(r["outcome"], base, frozenset({"label"}))
    if outcome.date_column is None:
        raise r["outcome"].fail("the outcome needs date_column, to split training and test")
    windows = r["windows"]
    windows.only({"train", "test"})
    train, test = _window(windows["train"]), _window(windows["test"])
    if test.start < train.end:
        raise windows.fail("the test window must start on or after the end of the training window")
    factors = tuple(_factor(n, base) for n in r["factors"].items())
    names = [f.name for f in factors]
    if len(set(names)) < len(names):
        raise r["factors"].fail(f"factor names must be unique, got {names}")
    zones = r.get("zones", {})
    zones.only({"min_class"})
    return RTMConfig(
        name=r["name"].text(),
        title=r.get("title", "").text(allow_empty=True),
        seed=int(r.get("seed", 0).number()),
        crs=r.get("crs", "auto").text(),
        study_area=_layer(r["study_area"], base),
        block_length=block_length,
        streets=streets,
        cell_size=grid.get("cell_size", None).positive(optional=True),
        outcome=outcome,
        train=train,
        test=test,
        factors=factors,
        model=_model(r.get("model", {})),
        classes=_classes(r.get("classes", {})),
        validation=_validation(r.get("validation", {})),
        zone_min_class=zones.get("min_class", "highest").text(),
        outcome_label=r["outcome"].get("label", "event").text(),
        source=source,
    )


def _layer(node: _Reader, base: Path, extra: frozenset[str] = frozenset()) -> LayerSpec:
    node.only(_LAYER_KEYS | extra)
    path = Path(node["path"].text())
    dedup = None
    if node.has("deduplicate"):
        d = node["deduplicate"]
        d.only({"max_repeats", "distinct", "scope"})
        dedup = DedupRule(
            max_repeats=int(d["max_repeats"].positive()),
            distinct=d.get("distinct", None).text(optional=True),
            scope=d.get("scope", "file").choice(("file", "filtered")),  # type: ignore[arg-type]
        )
    return LayerSpec(
        path=path if path.is_absolute() else base / path,
        filter=node.get("filter", None).text(optional=True),
        type=node.get("type", "auto").choice(("auto", "point", "line", "polygon")),  # type: ignore[arg-type]
        x=node.get("x", "longitude").text(),
        y=node.get("y", "latitude").text(),
        source_crs=node.get("source_crs", "EPSG:4326").text(),
        date_column=node.get("date_column", None).text(optional=True),
        date_format=node.get("date_format", None).text(optional=True),
        timezone=node.get("timezone", "UTC").text(),
        window=node.get("window", None).choice(("train", "test"), optional=True),  # type: ignore[arg-type]
        deduplicate=dedup,
    )


def _factor(node: _Reader, base: Path) -> FactorSpec:
    op = node.get("operationalisation", "auto").choice(("auto", "proximity", "density", "both"))
    return FactorSpec(
        name=node["name"].text(),
        layer=_layer(node, base, frozenset({"name", "operationalisation"})),
        operationalisation=op,  # type: ignore[arg-type]
    )


def _window(node: _Reader) -> Window:
    value = node.value
    if not (isinstance(value, list) and len(value) == 2):
        raise node.fail(
            "expected [start, end) as a list of two dates, e.g. [2013-01-01, 2013-09-01]"
        )
    start, end = (node[i].date() for i in range(2))
    if end <= start:
        raise node.fail(f"end {end} must be after start {start}")
    return Window(start, end)


def _model(node: _Reader) -> ModelSpec:
    d = ModelSpec()
    node.only(set(ModelSpec.__dataclass_fields__))
    families = tuple(
        n.choice(("poisson", "nb1", "nb2")) for n in node.get("families", list(d.families)).items()
    )
    if not families:
        raise node.fail("families must name at least one of poisson, nb1, nb2")
    l1 = node.get("l1_ratio", d.l1_ratio).number()
    if not 0 < l1 <= 1:
        raise node["l1_ratio"].fail(f"expected a number in (0, 1], found {l1}")
    return ModelSpec(
        max_spatial_influence_blocks=node.get("max_spatial_influence_blocks", 3.0).positive(),
        increment=node.get("increment", d.increment).choice(("half", "whole")),  # type: ignore[arg-type]
        density_sd=node.get("density_sd", d.density_sd).number(),
        l1_ratio=l1,
        n_alphas=int(node.get("n_alphas", d.n_alphas).positive()),
        alpha_min_ratio=node.get("alpha_min_ratio", d.alpha_min_ratio).positive(),
        cv_folds=int(node.get("cv_folds", d.cv_folds).positive()),
        fold_tile_cells=int(node.get("fold_tile_cells", d.fold_tile_cells).positive()),
        cv_rule=node.get("cv_rule", d.cv_rule).choice(("min", "one_se")),  # type: ignore[arg-type]
        standardize=node.get("standardize", d.standardize).boolean(),
        allow_negative=node.get("allow_negative", d.allow_negative).boolean(),
        families=families,  # type: ignore[arg-type]
        max_factors=int(node.get("max_factors", d.max_factors).positive()),
        nn_alpha=node.get("nn_alpha", d.nn_alpha).positive(),
        n_jobs=int(node.get("n_jobs", d.n_jobs).positive()),
    )


def _classes(node: _Reader) -> ClassSpec:
    node.only({"scheme", "cuts"})
    scheme = node.get("scheme", "sd").choice(("sd", "quantile"))
    default = (0.0, 1.0, 2.0) if scheme == "sd" else (0.90, 0.95, 0.99)
    cuts = tuple(n.number() for n in node.get("cuts", list(default)).items())
    if list(cuts) != sorted(set(cuts)):
        raise node["cuts"].fail(f"cuts must be strictly increasing, got {list(cuts)}")
    if scheme == "quantile" and not all(0 < c < 1 for c in cuts):
        raise node["cuts"].fail("quantile cuts must lie between 0 and 1")
    return ClassSpec(scheme=scheme, cuts=cuts)  # type: ignore[arg-type]


def _validation(node: _Reader) -> ValidationSpec:
    d = ValidationSpec()
    node.only(set(ValidationSpec.__dataclass_fields__))
    coverages = tuple(n.number() for n in node.get("coverages", list(d.coverages)).items())
    if not all(0 < c <= 1 for c in coverages):
        raise node["coverages"].fail("coverages are area fractions in (0, 1]")
    return ValidationSpec(
        coverages=coverages,
        kde_bandwidth_blocks=node.get("kde_bandwidth_blocks", d.kde_bandwidth_blocks).positive(),
        min_test_events=int(node.get("min_test_events", d.min_test_events).number()),
        ties=node.get("ties", d.ties).choice(("fractional", "together")),  # type: ignore[arg-type]
    )
