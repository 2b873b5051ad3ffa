"""Tests of the RTM YAML configuration: defaults, path resolution and error messages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from civicstat.safety.errors import SafetyConfigError
from civicstat.safety.risk_terrain.config import load_config

EXAMPLE = Path(__file__).resolve().parents[1] / "risk_terrain/examples/durham_robbery_2013.yaml"


def _minimal() -> dict:
    return {
        "name": "t",
        "study_area": {"path": "area.geojson"},
        "grid": {"block_length": 150},
        "outcome": {"path": "events.csv", "x": "lon", "y": "lat", "date_column": "when"},
        "windows": {"train": ["2024-01-01", "2024-07-01"], "test": ["2024-07-01", "2024-10-01"]},
        "factors": [{"name": "bars", "path": "bars.geojson"}],
    }


def test_defaults_follow_methods_md():
    cfg = load_config(_minimal(), data_root="/data")
    assert cfg.model.max_spatial_influence_blocks == 3 and cfg.model.increment == "half"
    assert cfg.model.density_sd == 2.0 and cfg.model.l1_ratio == 0.5
    assert cfg.model.n_alphas == 50 and cfg.model.alpha_min_ratio == 1e-3
    assert cfg.model.cv_folds == 10 and cfg.model.families == ("poisson", "nb1", "nb2")
    assert cfg.classes.scheme == "sd" and cfg.classes.cuts == (0, 1, 2)
    assert cfg.validation.coverages == (0.01, 0.05, 0.10, 0.20)
    assert cfg.validation.min_test_events == 30
    assert cfg.cell_size is None and cfg.block_length == 150
    assert cfg.train.start == dt.date(2024, 1, 1) and cfg.train.days == 182
    assert cfg.outcome.path == Path("/data/events.csv") and cfg.outcome.x == "lon"
    assert cfg.factors[0].operationalisation == "auto"


def test_paths_resolve_against_data_root_then_file_key_then_folder(tmp_path):
    path = tmp_path / "cfg" / "run.yaml"
    path.parent.mkdir()
    doc = _minimal()
    path.write_text(yaml.safe_dump(doc))
    assert load_config(path).study_area.path == path.parent / "area.geojson"
    doc["data_root"] = "../data"
    path.write_text(yaml.safe_dump(doc))
    assert load_config(path).study_area.path == path.parent / "../data/area.geojson"
    assert load_config(path, data_root="/elsewhere").study_area.path == Path(
        "/elsewhere/area.geojson"
    )


@pytest.mark.parametrize(
    ("change", "key", "text"),
    [
        (lambda d: d.update(colour="red"), "", "unknown key"),
        (lambda d: d["grid"].pop("block_length"), "grid", "block_length"),
        (
            lambda d: d["windows"].update(test=["2024-03-01", "2024-05-01"]),
            "windows",
            "test window",
        ),
        (
            lambda d: d["windows"].update(train=["2024-07-01", "2024-01-01"]),
            "windows.train",
            "after",
        ),
        (lambda d: d["windows"].update(train="2024"), "windows.train", "list of two dates"),
        (
            lambda d: d["factors"][0].update(operationalisation="closeness"),
            "factors[0].operationalisation",
            "proximity",
        ),
        (lambda d: d["factors"].append({"name": "bars", "path": "x.geojson"}), "factors", "unique"),
        (lambda d: d["outcome"].pop("date_column"), "outcome", "date_column"),
        (lambda d: d.update(model={"l1_ratio": 0}), "model.l1_ratio", "(0, 1]"),
        (lambda d: d.update(model={"n_alphas": -3}), "model.n_alphas", "positive"),
        (
            lambda d: d.update(classes={"scheme": "quantile", "cuts": [0.9, 1.5]}),
            "classes.cuts",
            "between 0 and 1",
        ),
        (lambda d: d.update(validation={"coverages": [0.05, 2]}), "validation.coverages", "(0, 1]"),
        (
            lambda d: d["outcome"].update(deduplicate={"max_repeats": 5, "scope": "all"}),
            "outcome.deduplicate.scope",
            "file",
        ),
    ],
)
def test_errors_name_the_file_and_key(tmp_path, change, key, text):
    doc = _minimal()
    change(doc)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(doc))
    with pytest.raises(SafetyConfigError) as info:
        load_config(path)
    assert info.value.key == key
    assert text in info.value.problem
    assert str(info.value).startswith(str(path))


def test_unreadable_yaml(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("name: [unclosed")
    with pytest.raises(SafetyConfigError, match="broken.yaml.*YAML"):
        load_config(path)


def test_example_config_loads():
    cfg = load_config(EXAMPLE, data_root="/work/shared/data")
    assert cfg.crs == "EPSG:32617" and cfg.block_length == 200
    assert cfg.outcome.filter == 'title == "Robbery"'
    assert cfg.outcome.deduplicate.distinct == "address"
    assert [f.name for f in cfg.factors] == [
        "parks",
        "schools",
        "food_establishments",
        "bars",
        "prior_assaults",
    ]
    assert cfg.factors[-1].layer.window == "train"
    assert cfg.train.end == cfg.test.start == dt.date(2013, 9, 1)


def test_risk_terrain_and_spatial_import_no_django():
    import subprocess
    import sys

    code = (
        "import sys, civicstat.safety.risk_terrain, civicstat.safety.spatial; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'wagtail')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
