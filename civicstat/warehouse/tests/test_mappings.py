"""Mapping YAML: the shipped mappings fit their contracts; errors name the YAML path; a city's
folders are searched before the built-in ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from civicstat.warehouse import (
    MappingError,
    Registry,
    UnknownMappingError,
    load_mapping,
)

from .files import write_text

SHIPPED = {
    "sf-fire-calls": "calls_for_service",
    "seattle-spd-calls": "calls_for_service",
    "durham-dpd-cfs": "calls_for_service",
    "sf-shotspotter": "gunshot_alerts",
    "generic-gunshot-alerts": "gunshot_alerts",
}


def test_shipped_mappings_load_and_fit_their_contracts(registry: Registry) -> None:
    assert set(SHIPPED) <= set(registry.mapping_names())
    for name, dataset in SHIPPED.items():
        mapping = registry.mapping(name)  # checked against its contract
        assert mapping.dataset == dataset
        assert mapping.description, f"{name} should say where its times come from"


def test_every_shipped_mapping_loads(registry: Registry) -> None:
    for name in registry.mapping_names():
        assert registry.mapping(name).name == name


def test_mapping_rules_are_parsed(registry: Registry) -> None:
    durham = registry.mapping("durham-dpd-cfs")
    assert durham.rule("call_id").sources == ("Event Number", "Event Numb")
    assert durham.rule("unit_id").kind == "constant" and durham.rule("unit_id").constant == ""
    received = durham.rule("received_at")
    assert (received.kind, received.date, received.time) == (
        "datetime",
        ("Call Date",),
        ("Call Time",),
    )
    lat = durham.rule("latitude")
    assert (lat.kind, lat.crs, lat.part, lat.null_values) == (
        "project",
        "EPSG:2264",
        "latitude",
        ("", "0", "0.0"),
    )
    for unit_time in ("dispatched_at", "enroute_at", "onscene_at", "cleared_at"):
        assert durham.rule(unit_time) is None

    seattle = registry.mapping("seattle-spd-calls")
    assert (
        seattle.rule("received_at").sources
        == seattle.rule("created_at").sources
        == ("Original Time Queued",)
    )
    assert dict(seattle.rule("self_initiated").values) == {"ONVIEW": "true"}
    assert seattle.rule("self_initiated").otherwise == "false"

    shots = registry.mapping("sf-shotspotter")
    assert shots.rule("alert_id").fallback.kind == "template"
    assert shots.rule("alert_id").fallback.template_fields == (
        ("Date",),
        ("Time",),
        ("Latitude",),
        ("Longitude",),
    )


def test_yes_no_stay_text_in_value_maps(tmp_path: Path) -> None:
    file = write_text(
        tmp_path,
        "m.yaml",
        "mapping: m\ndataset: calls_for_service\ncolumns:\n"
        "  call_id: A\n  unit_id: B\n  received_at: C\n"
        "  cancelled: {from: D, values: {Y: true, N: false, yes: true, no: false, on: true}}\n",
    )
    rule = load_mapping(file).rule("cancelled")
    assert dict(rule.values) == {
        "Y": "true",
        "N": "false",
        "yes": "true",
        "no": "false",
        "on": "true",
    }


BASE = """\
mapping: m
dataset: calls_for_service
source:
  timezone: America/Chicago
columns:
  call_id: Call
  unit_id: {constant: ""}
  received_at: When
"""


@pytest.mark.parametrize(
    ("extra", "path", "fragment"),
    [
        ("  latitude: {point: Loc}\n", "columns.latitude", "missing required key 'part'"),
        (
            "  latitude: {point: Loc, part: lat}\n",
            "columns.latitude.part",
            "'lat' is not one of latitude, longitude",
        ),
        (
            "  latitude: {x: X, y: Y, crs: 'EPSG:99999999', part: latitude}\n",
            "columns.latitude.crs",
            "coordinate reference system",
        ),
        ("  priority: {from: P, constant: '1'}\n", "columns.priority", "exactly one of"),
        ("  priority: {from: P, colour: red}\n", "columns.priority", "unknown key(s) 'colour'"),
        (
            "  closed_at: {from: C, formats: ['%Y']}\n  answered_at: {from: A, formats: [hh:mm]}\n",
            "columns.answered_at.formats[0]",
            "not a strftime format",
        ),
        (
            "  district: {template: no placeholders}\n",
            "columns.district.template",
            "needs at least one {Source Column}",
        ),
        (
            "  closed_at: {from: C, timezone: Mars/Olympus}\n",
            "columns.closed_at.timezone",
            "not an IANA time zone",
        ),
    ],
)
def test_mapping_errors_name_the_yaml_path(
    tmp_path: Path, extra: str, path: str, fragment: str
) -> None:
    file = write_text(tmp_path, "m.yaml", BASE + extra)
    with pytest.raises(MappingError) as caught:
        load_mapping(file)
    assert caught.value.yaml_path == path
    assert fragment in str(caught.value)


@pytest.mark.parametrize(
    ("text", "path", "fragment"),
    [
        (BASE + "  colour: Colour\n", "columns.colour", "has no column 'colour'"),
        (
            BASE.replace("  received_at: When\n", ""),
            "columns",
            "required column 'received_at' is not mapped",
        ),
        (BASE.replace("calls_for_service", "gunshot_alerts"), "dataset", "is for 'gunshot_alerts'"),
        (
            BASE + "  priority: {date: D, time: T}\n",
            "columns.priority",
            "a datetime rule produces a timestamp",
        ),
    ],
)
def test_mappings_are_checked_against_their_contract(
    registry: Registry, tmp_path: Path, text: str, path: str, fragment: str
) -> None:
    file = write_text(tmp_path, "m.yaml", text)
    with pytest.raises(MappingError) as caught:
        load_mapping(file, registry.contract("calls_for_service"))
    assert caught.value.yaml_path == path
    assert fragment in str(caught.value)


def test_a_city_folder_adds_and_overrides_mappings(tmp_path: Path) -> None:
    city = tmp_path / "city"
    (city / "mappings").mkdir(parents=True)
    write_text(city / "mappings", "our-cad.yaml", BASE.replace("mapping: m", "mapping: our-cad"))
    override = BASE.replace("mapping: m", "mapping: sf-fire-calls")
    write_text(city, "sf-fire-calls.yaml", override)  # directly in the folder
    registry = Registry(extra_paths=[city])
    assert registry.mapping("our-cad").source.timezone == "America/Chicago"
    assert registry.mapping("sf-fire-calls").source.timezone == "America/Chicago"
    assert Registry().mapping("sf-fire-calls").source.timezone == "America/Los_Angeles"
    assert "our-cad" in registry.mapping_names()
    assert "our-cad" not in Registry().mapping_names()


def test_a_city_folder_adds_contracts(tmp_path: Path) -> None:
    city = tmp_path / "city"
    (city / "contracts").mkdir(parents=True)
    write_text(
        city / "contracts",
        "web_views.yaml",
        "contract: web_views\nprimary_key: [page]\ntime_column: day\ntimezone: UTC\n"
        "columns:\n  - {name: page, type: string, required: true}\n  - {name: day, type: date}\n",
    )
    registry = Registry(extra_paths=[str(city)])
    assert registry.contract("web_views").column_names == ("page", "day")
    assert "web_views" in registry.contract_names()


def test_unknown_mapping_lists_the_known_ones(registry: Registry) -> None:
    with pytest.raises(UnknownMappingError, match="sf-fire-calls"):
        registry.mapping("sf-fire")
