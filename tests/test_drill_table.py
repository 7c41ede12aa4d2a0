"""The table of drafts per written-channel and voicemail rule (issue 16's target): for every rule, at least 8 drafts
that break it and 8 that honour it, written by a different hand that never saw the checks
(tests/fixtures/drills/drafts.yaml). Every breach must be caught, and no honouring draft may be flagged at all.

The rows the checks still miss are listed in KNOWN_MISSES with the reason; they are strict xfails, so a fix
that catches one fails here until it is taken off the list. heldout/drills/drafts.yaml (same hand, written
apart) is measured, not tested: docs/drills.md has its numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from callsim.core.drills.drafts import Facts, check_draft
from callsim.core.drills.rules import rulebook

TABLE = Path(__file__).parent / "fixtures" / "drills" / "drafts.yaml"
ROWS: list[dict[str, Any]] = yaml.safe_load(TABLE.read_text(encoding="utf-8"))
FACTS = {
    "US": Facts(consumer="Dana Reyes", agent="Sam Patel", business="Northgate Recovery Services",
                message_name="Northgate Services", creditor="Harbor Bank", phone="1-800-555-0142"),
    "UK": Facts(consumer="Chris Hale", agent="Sam", business="Calderbrook Loans", message_name="Calderbrook",
                phone="0161 496 0123"),
}
# Rows the checks miss, with the reason (none today: the last six, implied threats and bait, are caught since
# 2026-12-05; see docs/drills.md).
KNOWN_MISSES: dict[str, str] = {}


def _check(row: dict[str, Any]) -> set[str]:
    result = check_draft(row["text"], channel=row["channel"], jurisdiction=row["jurisdiction"],
                         subject=row.get("subject", ""), facts=FACTS[row["jurisdiction"]])
    return {f.rule for f in result.findings if f.severity in ("breach", "advice")}


def test_the_table_has_eight_of_each_for_every_written_and_voicemail_rule() -> None:
    rules = [r.id for r in rulebook().rules if {"written", "voicemail"} & set(r.drills)]
    for rule in rules:
        mine = [r for r in ROWS if r["rule"] == rule]
        assert sum(r["breaks"] for r in mine) >= 8, rule
        assert sum(not r["breaks"] for r in mine) >= 8, rule
    assert len({r["id"] for r in ROWS}) == len(ROWS)


@pytest.mark.parametrize("row", [pytest.param(r, id=r["id"], marks=pytest.mark.xfail(reason=KNOWN_MISSES[r["id"]],
                                                                                      strict=True))
                                 if r["id"] in KNOWN_MISSES else pytest.param(r, id=r["id"])
                                 for r in ROWS if r["breaks"]])
def test_every_breach_is_caught(row: dict[str, Any]) -> None:
    assert row["rule"] in _check(row), row["why"]


@pytest.mark.parametrize("row", [pytest.param(r, id=r["id"]) for r in ROWS if not r["breaks"]])
def test_no_honouring_draft_is_flagged(row: dict[str, Any]) -> None:
    assert _check(row) == set(), row["why"]
