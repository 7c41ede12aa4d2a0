"""The committed JSON Schema is kept in step with the models, and scenarios point editors at it."""

from __future__ import annotations

import json

from callsim.core.models import json_schema

from .conftest import ROOT, SCENARIOS


def test_committed_schema_matches_models() -> None:
    committed = json.loads((ROOT / "schema" / "scenario.schema.json").read_text())
    assert committed == json_schema(), "schema drifted: run `callsim schema > schema/scenario.schema.json`"


def test_every_scenario_points_at_the_schema() -> None:
    files = sorted(SCENARIOS.glob("*.yaml"))
    assert files
    for f in files:
        first = f.read_text().splitlines()[0]
        assert first == "# yaml-language-server: $schema=../schema/scenario.schema.json", f.name
