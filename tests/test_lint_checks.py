"""Lint as named checks: the registries behind `callsim lint`, and what loading a scenario imports.

The diagnostics themselves (codes, messages, positions, hints) are pinned by tests/test_lint.py.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any, cast

import pytest

from callsim.core import builtin_names, lint
from callsim.core.builtin_names import BUILTINS, guide_table
from callsim.core.conditions import Condition
from callsim.core.diagnostics import CODES
from callsim.core.loader import FORMAT_CODES

from .conftest import FIXTURES, ROOT

AUTHORING = ROOT / "docs" / "authoring.md"

# --------------------------------------------------------------------------- built-in condition names


def test_builtin_names_are_unique_documented_and_readable_in_a_condition() -> None:
    names = [b.name for b in BUILTINS]
    assert len(names) == len(set(names))
    for b in BUILTINS:
        assert b.doc and b.doc == b.doc.strip() and "|" not in b.doc, b.name
        assert [n.name for n in Condition.parse(b.name).names()] == [b.name]


def test_every_builtin_name_has_a_value_before_and_after_a_reply() -> None:
    scenario = SimpleNamespace(debt=SimpleNamespace(balance=300.0), budget=SimpleNamespace(affordable_monthly=40.0))
    call = cast(Any, SimpleNamespace(scenario=scenario, turns=[{}, {}], budget_disclosed=True, last_plan=25.0,
                                     answered=False))
    reply = cast(Any, SimpleNamespace(empathy=60.0, deescalation=55.0, epitome={"ER": 1, "IP": 0, "EX": 2},
                                      violations=(), has_blocker=False, asks_payment=True, amounts=()))
    before, after = builtin_names.values(call, None), builtin_names.values(call, reply)
    assert list(before) == list(after) == [b.name for b in BUILTINS]
    assert (before["turn"], after["turn"]) == (2.0, 3.0)
    assert (before["empathy"], after["empathy"], after["ex"]) == (0.0, 60.0, 2.0)
    assert (before["asks_payment"], after["asks_payment"]) == (False, True)
    assert (after["balance"], after["affordable"], after["last_plan"]) == (300.0, 40.0, 25.0)
    assert (after["answered"], after["unanswered"]) == (False, True)


def test_the_guide_lists_exactly_the_builtin_names() -> None:
    text = AUTHORING.read_text(encoding="utf-8")
    assert guide_table() + "\n" in text, (
        "The table of built-in names in docs/authoring.md must match callsim.core.builtin_names.BUILTINS:\n"
        + guide_table()
    )


# --------------------------------------------------------------------------- the checks


def test_every_code_is_reported_by_a_check_or_the_format_step() -> None:
    assert set(CODES) == set(lint.CHECKS) | set(FORMAT_CODES) | lint.CROSS_FILE_CODES


def test_each_check_is_named_after_its_code() -> None:
    for code, c in lint.CHECKS.items():
        assert c.code == code
        assert c.run.__name__ == CODES[code].name.replace("-", "_"), code


def test_only_the_walkthrough_check_plays_calls() -> None:
    steps = {code: c.step for code, c in lint.CHECKS.items()}
    assert [code for code, step in steps.items() if step == "walkthroughs"] == ["E201"]
    assert {code for code, step in steps.items() if step == "document"} == {"W304", "E006", "E102"}


def test_a_check_must_name_a_code_of_the_table_and_only_one_check_per_code() -> None:
    def nothing(_: lint.Lint) -> Iterator[lint.Problem]:
        yield from ()

    with pytest.raises(ValueError, match="E999 is not in the code table"):
        lint.check("E999")(nothing)
    with pytest.raises(ValueError, match="E101 is already checked by undefined_target"):
        lint.check("E101")(nothing)
    assert lint.CHECKS["E101"].run.__name__ == "undefined_target"


# --------------------------------------------------------------------------- what loading imports

_IMPORTED = (
    "import sys\n"
    "{setup}\n"
    "print(','.join(sorted(m for m in ('callsim.core.engine', 'callsim.core.scorer', 'transitions') "
    "if m in sys.modules)))\n"
)


def _heavy_modules_after(setup: str) -> str:
    code = _IMPORTED.format(setup=setup)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def test_importing_the_loader_and_lint_does_not_import_the_engine_or_scorer() -> None:
    assert _heavy_modules_after("import callsim.core.loader, callsim.core.lint") == ""


def test_loading_and_linting_without_walkthroughs_does_not_import_the_engine_or_scorer() -> None:
    setup = ("from callsim.core.loader import load_scenario\n"
             f"r = load_scenario({str(FIXTURES / 'tiny.yaml')!r}, run_walkthroughs=False)\n"
             f"b = load_scenario({str(FIXTURES / 'broken' / 'many_cross_reference_problems.yaml')!r})\n"
             "assert r.ok and len(b.diagnostics) == 6")
    assert _heavy_modules_after(setup) == ""


# --------------------------------------------------------------------------- W308: a hang-up at high trust

W308 = (FIXTURES / "broken" / "W308_hang_up_at_high_trust.yaml").read_text(encoding="utf-8")
TURN_LIMIT = "      - when: turn >= 2\n        goto: hung_up\n"


def _w308(text: str) -> list[str]:
    from callsim.core.loader import load_text

    return [d.message for d in load_text(text, "w308.yaml", run_walkthroughs=False).diagnostics if d.code == "W308"]


@pytest.mark.parametrize(("swap", "flagged"), [
    (TURN_LIMIT, True),
    # a debtor who still trusts the caller is kept in the call first
    ("      - when: trust >= 7 and not violations\n        goto: opening\n" + TURN_LIMIT, False),
    # ... but not when that route asks for more than trust (it may not be taken)
    ("      - when: trust >= 7 and exploration\n        goto: opening\n" + TURN_LIMIT, True),
    # the route lowers trust below the bound as it goes
    (TURN_LIMIT.replace("goto: hung_up\n", "goto: hung_up\n        mood: {trust: -3}\n"), False),
    # it needs something that hurt, or a request for money
    (TURN_LIMIT.replace("turn >= 2", "turn >= 2 and asks_payment"), False),
    (TURN_LIMIT.replace("turn >= 2", "turn >= 2 and blaming"), False),
    # ... or low trust
    (TURN_LIMIT.replace("turn >= 2", "turn >= 2 and trust < 5"), False),
])
def test_a_hang_up_at_high_trust_is_found_where_nothing_keeps_a_trusting_debtor_from_it(swap: str,
                                                                                     flagged: bool) -> None:
    assert TURN_LIMIT in W308
    assert bool(_w308(W308.replace(TURN_LIMIT, swap))) is flagged


def test_a_hang_up_said_calmly_or_a_scenarios_own_bound_is_not_flagged() -> None:
    assert not _w308(W308.replace("tone: angry", "tone: wary"))  # "write to me": not a hang-up or complaint
    assert _w308(W308.replace("start: 8}", "start: 8}\nrealism: {high_trust: 9}"))  # still reachable at 9
    assert not _w308(W308.replace(TURN_LIMIT, TURN_LIMIT.replace("turn >= 2", "turn >= 2 and trust < 9"))
                     .replace("start: 8}", "start: 8}\nrealism: {high_trust: 9}"))
    assert not _w308(W308.replace("  trust: {min: 0, max: 10, start: 8}\n", ""))  # no trust to be high


W309 = (FIXTURES / "broken" / "W309_warm_line_when_angry.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(("when", "flagged"), [("anger >= 8", True), ("anger >= 7 and turn > 2", True),
                                               ("anger < 6", False), ("anger >= 8 or trust_back", False),
                                               ("anger >= 5", False)])
def test_a_warm_line_only_said_in_anger_is_found(when: str, flagged: bool) -> None:
    from callsim.core.loader import load_text

    text = W309.replace("when: anger >= 8", f"when: {when}").replace(
        "flags:\n", "flags:\n  trust_back: {description: made up}\n")
    codes = [d.code for d in load_text(text, "w309.yaml", run_walkthroughs=False).diagnostics]
    assert ("W309" in codes) is flagged, codes
