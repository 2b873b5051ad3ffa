"""Contract YAML: the shipped contracts match the agreed columns; malformed files are reported
with their YAML path."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from civicstat.testsupport import REPO_ROOT
from civicstat.warehouse import ContractError, Registry, UnknownDatasetError, load_contract

from .files import write_text


def agreed_columns() -> dict[str, dict[str, str]]:
    """Column -> type per dataset, read from the agreed interface (shared/briefs/datasets.md
    when present), else the copy below, so the contracts are checked against an independent
    source."""
    return {
        "calls_for_service": {
            **dict.fromkeys(["call_id", "unit_id", "priority", "call_type", "final_call_type",
                             "source", "disposition", "agency", "unit_type", "district", "beat"],
                            "string"),
            **dict.fromkeys(["received_at", "answered_at", "created_at", "dispatched_at",
                             "enroute_at", "onscene_at", "cleared_at", "closed_at"], "timestamp"),
            **dict.fromkeys(["self_initiated", "cancelled", "weapon_involved", "medical_need",
                             "risk_to_others"], "boolean"),
            "latitude": "float",
            "longitude": "float",
        },
        "crisis_responses": {
            **dict.fromkeys(["response_id", "program", "call_id", "person_id", "disposition",
                             "call_type", "district", "beat"], "string"),
            **dict.fromkeys(["received_at", "dispatched_at", "enroute_at", "onscene_at",
                             "cleared_at"], "timestamp"),
            **dict.fromkeys(["in_person", "transport_needed", "police_backup_requested",
                             "ems_support_requested", "followed_up_within_48h"], "boolean"),
        },
        "gunshot_alerts": {
            **dict.fromkeys(["alert_id", "alert_type", "beat", "district"], "string"),
            **dict.fromkeys(["detected_at", "published_at", "dispatched_at", "first_arrival_at"],
                            "timestamp"),
            "latitude": "float",
            "longitude": "float",
            "rounds": "integer",
        },
        "gunshot_outcomes": {
            "alert_id": "string",
            "recorded_at": "timestamp",
            **dict.fromkeys(["evidence_found", "confirmed_gunfire", "reclassified_not_gunfire"],
                            "boolean"),
            **dict.fromkeys(["casings", "firearms_recovered", "arrests", "victims_located"],
                            "integer"),
        },
    }  # fmt: skip


def test_shipped_contracts_have_the_agreed_columns_and_types(registry: Registry) -> None:
    agreed = agreed_columns()
    assert set(agreed) <= set(registry.contract_names())
    for name, columns in agreed.items():
        contract = registry.contract(name)
        assert {c.name: c.type for c in contract.columns} == columns, name


def test_every_shipped_contract_loads(registry: Registry) -> None:
    # Other layers add contracts here too (e.g. confirmed_shootings); each must be valid.
    for name in registry.contract_names():
        contract = registry.contract(name)
        assert contract.name == name and contract.primary_key


def test_shipped_contract_keys_time_columns_and_rules(registry: Registry) -> None:
    cfs = registry.contract("calls_for_service")
    assert cfs.primary_key == ("call_id", "unit_id")
    assert cfs.time_column == "received_at"
    assert set(cfs.required_columns) == {"call_id", "unit_id", "received_at"}
    assert (cfs.column("latitude").min, cfs.column("latitude").max) == (-90, 90)
    assert (cfs.column("longitude").min, cfs.column("longitude").max) == (-180, 180)

    crisis = registry.contract("crisis_responses")
    assert crisis.primary_key == ("response_id",)
    assert crisis.person_level_columns == ("person_id",)
    assert set(crisis.column("program").allowed) == {
        "community_response_team", "co_response", "crisis_call_diversion", "care_navigation"
    }  # fmt: skip

    alerts = registry.contract("gunshot_alerts")
    assert alerts.time_column == "detected_at"
    assert alerts.column("rounds").min == 0
    assert set(alerts.column("alert_type").allowed) == {
        "single_gunshot", "multiple_gunshots", "possible_gunfire", "other"
    }  # fmt: skip
    outcomes = registry.contract("gunshot_outcomes")
    assert outcomes.time_column == "recorded_at"
    assert all(outcomes.column(c).min == 0 for c in ("casings", "arrests", "victims_located"))


def test_contracts_match_the_datasets_brief_when_it_is_present() -> None:
    brief = REPO_ROOT.parent / "briefs" / "datasets.md"
    if not brief.exists():
        pytest.skip("briefs/datasets.md not beside the checkout")
    text = brief.read_text()
    registry = Registry()
    for name in agreed_columns():
        section = text.split(f"## {name}")[1].split("\n## ")[0]
        for column in registry.contract(name).column_names:
            assert re.search(rf"\b{column}\b", section), f"{name}.{column} not in datasets.md"


GOOD = """\
contract: things
primary_key: [thing_id]
time_column: seen_at
timezone: Europe/Berlin
columns:
  - name: thing_id
    type: string
    required: true
  - name: seen_at
    type: timestamp
  - name: size
    type: float
    min: 0
"""


def test_a_valid_contract_loads(tmp_path: Path) -> None:
    contract = load_contract(write_text(tmp_path, "things.yaml", GOOD))
    assert contract.name == "things"
    assert contract.column_names == ("thing_id", "seen_at", "size")
    assert contract.column("size").min == 0 and contract.column("size").max is None
    assert contract.timezone == "Europe/Berlin"


@pytest.mark.parametrize(
    ("change", "path", "fragment"),
    [
        (("    type: float\n", "    type: flaot\n"), "columns[2].type", "'flaot' is not one of"),
        (
            ("primary_key: [thing_id]", "primary_key: [nope]"),
            "primary_key[0]",
            "not a declared column",
        ),
        (
            ("primary_key: [thing_id]", "primary_key: [size]"),
            "primary_key[0]",
            "must be declared required",
        ),
        (
            ("time_column: seen_at", "time_column: size"),
            "time_column",
            "must be of type timestamp or date",
        ),
        (
            ("timezone: Europe/Berlin", "timezone: Mars/Olympus"),
            "timezone",
            "not an IANA time zone",
        ),
        (("    min: 0\n", "    min: zero\n"), "columns[2].min", "expected a number"),
        (("    min: 0\n", "    colour: red\n"), "columns[2]", "unknown key(s) 'colour'"),
        (("  - name: size\n", "  - name: seen_at\n"), "columns[2].name", "declared twice"),
        (("contract: things", "contract: other"), "contract", "must match the file name"),
        (("time_column: seen_at\n", ""), "", "missing required key 'time_column'"),
        (
            ("    required: true\n", "    required: yes\n"),
            "columns[0].required",
            "expected true or false",
        ),
    ],
)
def test_contract_errors_name_the_yaml_path(
    tmp_path: Path, change: tuple[str, str], path: str, fragment: str
) -> None:
    assert change[0] in GOOD
    file = write_text(tmp_path, "things.yaml", GOOD.replace(*change))
    with pytest.raises(ContractError) as caught:
        load_contract(file)
    assert caught.value.yaml_path == path
    assert fragment in str(caught.value)
    assert str(file) in str(caught.value)


def test_yaml_syntax_errors_give_line_and_column(tmp_path: Path) -> None:
    file = write_text(tmp_path, "things.yaml", GOOD.replace("columns:\n", "columns: [\n"))
    with pytest.raises(
        ContractError, match=r"things.yaml: line \d+, column \d+: is not valid YAML"
    ):
        load_contract(file)


def test_unknown_dataset_lists_the_known_ones(registry: Registry) -> None:
    with pytest.raises(
        UnknownDatasetError, match="known datasets: calls_for_service, .*crisis_responses"
    ):
        registry.contract("calls")
