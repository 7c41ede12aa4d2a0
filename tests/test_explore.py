"""`callsim explore` (issue 13): seeded random calls by five styles of trainee, and the report they make."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from callsim.cli import main
from callsim.core.explore import (
    MISMATCH_CHECKS,
    STYLES,
    TURN_CAP,
    BankError,
    Options,
    explore,
    load_bank,
    perturb,
    text_report,
)
from callsim.core.loader import load_scenario
from callsim.core.models import Realism, RealismTarget, Scenario

from .conftest import FIXTURES, SCENARIOS

COVERAGE = FIXTURES / "explore" / "coverage.yaml"
LOOP = FIXTURES / "explore" / "loop.yaml"


def _load(path: Path) -> Scenario:
    result = load_scenario(path, run_walkthroughs=False)
    assert result.scenario is not None and not result.errors, [d.format() for d in result.errors]
    return result.scenario


def _one(scenario: Scenario, **options: Any) -> dict[str, Any]:
    report = explore([(scenario, "")], Options(**options))
    (only,) = report["scenarios"]
    return only  # type: ignore[no-any-return]


# ---- the bank of replies -----------------------------------------------------------------------------------


def test_the_bank_has_every_written_style_in_both_jurisdictions() -> None:
    bank = load_bank()
    for style in STYLES:
        if style == "typos":  # made from the others by perturb()
            assert not [r for r in bank if r.style == style]
            continue
        for region in ("UK", "US"):
            usable = [r for r in bank if r.style == style and r.region in ("", region)]
            assert len(usable) >= 40, (style, region, len(usable))
    assert len({r.text for r in bank}) == len(bank), "a reply is written twice"


def test_a_broken_bank_line_is_named_by_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "replies.jsonl"
    bad.write_text('{"style": "plain", "text": "Okay."}\n{"style": "rude", "text": "Oi."}\n', encoding="utf-8")
    with pytest.raises(BankError, match=r"replies.jsonl:2: style 'rude'"):
        load_bank(bad)


def test_typos_are_seeded_and_finite() -> None:
    text = "Thank you for telling me. Would it help if we went through your income and outgoings together?"
    variants = {perturb(text, v) for v in range(3)}
    assert len(variants) == 3 and text not in variants
    assert [perturb(text, v) for v in range(3)] == [perturb(text, v) for v in range(3)]
    assert "£25" in perturb("We could do £25 a month.", 2)  # amounts are left alone


# ---- what a report counts ----------------------------------------------------------------------------------


def test_coverage_of_a_scenario_whose_path_is_known() -> None:
    """coverage.yaml: every call goes opening -> middle, then an end_when rule ends it at `done` from the route
    into `after` (which the turn's record names only as the rule)."""
    s = _one(_load(COVERAGE), runs=10, seed=3, probes=0)
    assert s["runs"] == 10 and s["probes"] == 0 and s["all"]["mean_turns"] == 2.0
    assert s["nodes"]["never"] == ["after", "never_here", "unreachable_end"]
    assert s["nodes"]["reached"] == {"opening": 10, "middle": 10, "after": 0, "never_here": 0, "done": 10,
                                     "unreachable_end": 0}
    taken = {(r["node"], r["index"]): r["taken"] for r in s["routes"]["taken"]}
    assert taken == {("opening", 0): 0, ("opening", 1): 10, ("middle", 0): 10, ("middle", 1): 0, ("after", 0): 0,
                     ("never_here", 0): 0, ("@end_when", 0): 10, ("@end_when", 1): 0}
    assert s["routes"]["count"] == 8 and len(s["routes"]["never"]) == 5
    assert s["endings"] == {"reached": {"done": 10}, "probes": {}, "never": ["unreachable_end"]}
    assert {st: t["runs"] for st, t in s["styles"].items()} == dict.fromkeys(STYLES, 2)
    assert all(t["failed"] == 2 and t["failed_share"] == 1.0 and t["failed_endings"] == {"done": 1.0}
               for t in s["styles"].values())
    assert s["unended"] == {"runs": 0, "examples": []}
    # trust starts at 9 and nothing moves it (nudges: 0), so every run fails with trust high
    (m,) = s["mismatches"]
    assert m["kind"] == "failed_at_high_trust" and m["node"] == "done" and m["runs"] == 10
    assert m["example"]["detail"] == "trust 9" and len(m["example"]["replies"]) == 2


@pytest.mark.parametrize(("tone", "mismatch"), [("angry", True), ("upset", True), (None, True), ("wary", False),
                                                ("calm", False)])
def test_only_a_hang_up_or_complaint_line_at_high_trust_is_a_mismatch(tone: str | None, mismatch: bool) -> None:
    """The same failed ending at trust 9: said upset or angry (or with no tone to tell) it is the debtor hanging
    up on someone they trust; said wary or calm ("write to me") it fits a debtor who trusts you and is not ready."""
    scenario = _load(COVERAGE)
    done = scenario.nodes["done"]
    line = done.say[0].model_copy(update={"tone": tone})
    nodes = {**scenario.nodes, "done": done.model_copy(update={"say": [line]})}
    s = _one(scenario.model_copy(update={"nodes": nodes}), runs=5, seed=3, probes=0)
    assert [m["kind"] for m in s["mismatches"]] == (["failed_at_high_trust"] if mismatch else [])


def test_probes_reach_what_the_runs_did_not_and_are_counted_apart() -> None:
    """probe.yaml: only a threat at `middle` leads to `complaint`. Excellent trainees who never slip do not get
    there; the probes branch from `middle` (a node with a route never taken) and go on in other styles."""
    scenario = _load(FIXTURES / "explore" / "probe.yaml")
    s = _one(scenario, runs=10, styles=("excellent",), mix=0, probes=0)
    assert s["endings"]["never"] == ["complaint"] and s["endings"]["reached"] == {"done": 10}
    s = _one(scenario, runs=10, styles=("excellent",), mix=0, probes=20)
    # the rounds stop once no route is left untaken
    assert 1 <= s["probes"] <= 20 and s["endings"]["never"] == [] and s["endings"]["reached"] == {"done": 10}
    assert s["endings"]["probes"]["complaint"] >= 1 and s["nodes"]["probes"]["complaint"] >= 1
    assert s["nodes"]["reached"]["complaint"] == 0  # the runs' counts are the runs' alone
    (blocker,) = [r for r in s["routes"]["taken"] if r["node"] == "middle" and r["index"] == 0]
    assert blocker["taken"] == 0 and blocker["probes"] == s["endings"]["probes"]["complaint"]
    assert s["styles"]["excellent"]["runs"] == 10 and s["all"]["runs"] == 10  # the styles' results: runs only
    text = text_report(explore([(scenario, "")], Options(runs=10, styles=("excellent",), mix=0, probes=20)))
    assert f"10 runs and {s['probes']} probes" in text and "only by probes: complaint (" in text


def test_a_loop_that_never_ends_is_reported_with_the_nodes_it_goes_round() -> None:
    s = _one(_load(LOOP), runs=5, turn_cap=8, probes=0)
    assert s["unended"]["runs"] == 5 and s["all"]["unended"] == 5 and s["all"]["mean_turns"] == 8.0
    example = s["unended"]["examples"][0]
    assert sorted(example["loop"]) == ["ping", "pong"] and len(example["replies"]) == 8
    assert s["endings"]["never"] == ["finished"]
    assert s["high_trust"] is None and s["mismatches"] == []  # no trust to check


def test_a_run_replays_exactly_with_its_seed_and_replies() -> None:
    """What `callsim run SCENARIO --replies FILE --seed SEED` does with a run's seed and replies."""
    from callsim.core.engine import CompiledScenario
    from callsim.core.explore import play_runs

    scenario = _load(SCENARIOS / "medical_emergency_uk.yaml")
    ((runs, probes),) = play_runs([scenario], Options(runs=3, seed=11, probes=2))
    assert len(probes) == 2 and all(p.branch is not None for p in probes)
    for run in [*runs, *probes]:
        call = CompiledScenario(scenario).new_call(run.seed)
        path = [call.node_id]
        for reply in run.replies:
            call.respond(reply)
            path.append(call.node_id)
        assert (call.outcome.id if call.outcome else None) == run.outcome and tuple(path) == run.path


@pytest.mark.slow
def test_the_same_seed_gives_the_same_report_whatever_the_number_of_processes() -> None:
    scenarios = [(_load(SCENARIOS / "hostile_let_go_uk.yaml"), ""), (_load(COVERAGE), "")]
    one = explore(scenarios, Options(runs=20, seed=5, jobs=1))
    two = explore(scenarios, Options(runs=20, seed=5, jobs=2))
    assert json.dumps(one, sort_keys=True) == json.dumps(two, sort_keys=True)
    other = explore(scenarios[:1], Options(runs=20, seed=6, jobs=1))
    assert other["scenarios"][0]["unended"] == one["scenarios"][0]["unended"]  # none either way
    assert other["scenarios"][0]["styles"] != one["scenarios"][0]["styles"] or \
        other["scenarios"][0]["routes"] != one["scenarios"][0]["routes"]


def test_a_new_kind_of_mismatch_is_one_function_and_one_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    from callsim.core.explore import Mismatch, Moment

    def asked_twice(m: Moment) -> list[Mismatch]:  # every reply at `middle`, once per run however often
        return [Mismatch("example", m.turn.node, "a reply at middle", m.turn.reply)] if m.turn.node == "middle" else []

    monkeypatch.setitem(MISMATCH_CHECKS, "example", asked_twice)
    s = _one(_load(COVERAGE), runs=10, probes=0)
    (example,) = [m for m in s["mismatches"] if m["kind"] == "example"]
    assert example["node"] == "middle" and example["runs"] == 10 and example["probes"] == 0
    assert sum(example["styles"].values()) == 10
    assert example["example"]["detail"] == example["example"]["replies"][1]


# ---- realism targets ---------------------------------------------------------------------------------------


def _with(scenario: Scenario, *targets: RealismTarget, high_trust: float | None = None) -> Scenario:
    return scenario.model_copy(update={"realism": Realism(high_trust=high_trust, targets=list(targets))})


def test_realism_targets_pass_and_fail() -> None:
    scenario = _with(_load(COVERAGE),
                     RealismTarget(style="harmful", reaches="failed", at_least=0.6),
                     RealismTarget(style="any", reaches="done", at_most=0.5),
                     RealismTarget(style="excellent", reaches="resolved", at_least=0.1, at_most=0.9),
                     RealismTarget(style="plain", reaches="no_such_ending", at_least=0.1),
                     high_trust=9.5)
    s = _one(scenario, runs=10, styles=tuple(x for x in STYLES if x != "plain"))
    passed = [(t["style"], t["reaches"], t["passed"]) for t in s["realism"]]
    assert passed == [("harmful", "failed", True), ("any", "done", False), ("excellent", "resolved", False),
                      ("plain", "no_such_ending", False)]
    assert s["realism"][0]["share"] == 1.0 and s["realism"][0]["runs"] == 3  # runs 1, 5 and 9 of 10
    assert s["realism"][1]["problem"] == "100% of any runs reached done; the target is at most 50%"
    assert "no ending has the outcome 'no_such_ending'" in s["realism"][3]["problem"]
    assert not s["ok"]
    assert s["high_trust"] == 9.5 and s["mismatches"] == []  # the scenario's own bound: trust 9 is below it
    ok = _one(_with(_load(COVERAGE), RealismTarget(style="plain", reaches="done", at_least=1)), runs=5)
    assert ok["ok"] and ok["realism"][0]["passed"] is True


def test_a_target_with_no_runs_of_its_style_is_not_checked() -> None:
    scenario = _with(_load(COVERAGE), RealismTarget(style="typos", reaches="failed", at_least=0.5))
    s = _one(scenario, runs=4, styles=("plain",))
    assert s["realism"][0]["passed"] is None and s["realism"][0]["problem"].startswith("not checked")
    assert s["ok"]


def test_a_target_needs_a_bound() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="give at_least or at_most"):
        RealismTarget(style="harmful", reaches="failed")


# ---- the command -------------------------------------------------------------------------------------------


def _file_with_targets(tmp_path: Path, targets: str) -> Path:
    path = tmp_path / "explored.yaml"
    path.write_text(COVERAGE.read_text(encoding="utf-8") + f"realism:\n  targets:\n{targets}", encoding="utf-8")
    return path


def test_the_command_prints_json_and_exits_1_when_a_target_is_missed(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    missed = _file_with_targets(tmp_path, "    - {style: harmful, reaches: resolved, at_least: 0.5}\n")
    assert main(["explore", str(missed), "--runs", "5", "--jobs", "1", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {"seed", "runs", "turn_cap", "styles", "scenarios", "ok", "problems"}
    assert report["runs"] == 5 and report["seed"] == 1 and report["turn_cap"] == TURN_CAP and not report["ok"]
    (s,) = report["scenarios"]
    assert set(s) == {"id", "title", "path", "runs", "probes", "nodes", "routes", "endings", "styles", "all",
                      "unended", "high_trust", "mismatches", "realism", "ok"}
    assert set(s["routes"]["taken"][0]) == {"node", "index", "when", "goto", "taken", "probes"}
    assert set(s["endings"]) == {"reached", "probes", "never"} and set(s["nodes"]) == {"count", "reached", "probes",
                                                                                        "never"}
    assert set(s["mismatches"][0]) == {"kind", "node", "what", "runs", "probes", "styles", "example"}
    assert set(s["mismatches"][0]["example"]) == {"run", "style", "seed", "probe", "replies", "detail"}
    assert s["path"] == str(missed) and list(s["styles"]) == list(STYLES)
    assert set(s["styles"]["plain"]) == {"runs", "mean_turns", "resolved", "partial", "failed", "unended",
                                         "failed_share", "outcomes", "failed_endings"}
    assert report["problems"] == [f"explore-coverage: realism target missed: {s['realism'][0]['problem']}"]


def test_the_command_exits_0_when_targets_hold_and_strict_adds_the_other_problems(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    held = _file_with_targets(tmp_path, "    - {style: any, reaches: failed, at_least: 0.9}\n")
    assert main(["explore", str(held), "--runs", "5", "--jobs", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("explore-coverage: 5 runs and 2 probes, seed 1, at most 30 replies each\n")
    assert "realism   ok   any reaches failed at least 90%: 100% (5/5)" in out
    assert "endings   done 100%; never: unreachable_end" in out and out.endswith("no problems\n")
    assert main(["explore", str(held), "--runs", "5", "--jobs", "1", "--strict"]) == 1
    out = capsys.readouterr().out
    assert "FAIL explore-coverage: endings never reached: unreachable_end" in out
    assert "FAIL explore-coverage: failed_at_high_trust at done" in out


def test_the_command_refuses_what_it_cannot_do(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explore", str(COVERAGE), "--styles", "rude"]) == 1
    assert "unknown style rude" in capsys.readouterr().err
    assert main(["explore", "no-such-scenario"]) == 1
    assert "no scenario 'no-such-scenario'" in capsys.readouterr().err
    assert main(["explore", str(COVERAGE), "--runs", "0"]) == 1
    assert main(["explore", str(COVERAGE), "--probes", "-1"]) == 1


def test_the_text_report_names_unended_runs_and_never_taken_routes() -> None:
    report = explore([(_load(LOOP), "")], Options(runs=2, turn_cap=4))
    text = text_report(report)
    assert "unended   3 run(s) hit the cap without ending, going round:" in text  # 2 runs and a probe
    assert "(probe 0, " in text
    assert "ping #1 -> finished when turn >= 100" in text


# ---- the shipped library -----------------------------------------------------------------------------------

# 5 calls of each style per scenario, then probes: coverage is the probes' work. About 60 s of CPU, most of it
# embedding the bank's replies and the scenarios' answers once (~30 s on two idle cores). 120 probes: at 75,
# medical-emergency-uk's too_upset (only an end_when rule on distress leads there) was not reached.
LIBRARY_RUNS, LIBRARY_PROBES = 25, 120
_SHIPPED = sorted(SCENARIOS.glob("*.yaml"))
# A shipped scenario this exploration (seed 1) does not fully reach, by file name, with the reason: it is marked as
# an expected failure (strict, so it is noticed when it passes). None now. For the record, at 40 runs and 80 probes
# dispute-us does not reach 'no_resolution' (the default route at 'unclear', taken only by a reply there that
# neither recaps nor offers forbearance nor asks for money, in a call that has offered no forbearance before);
# 200 runs reach it twice.
NEVER_REACHED: dict[str, str] = {}


@pytest.fixture(scope="module")
def library_report() -> dict[str, Any]:
    from callsim.core.explore import cpus

    found = [(_load(p), p.stem) for p in _SHIPPED]
    return explore(found, Options(runs=LIBRARY_RUNS, probes=LIBRARY_PROBES, seed=1, jobs=min(2, cpus())))


# One worker computes library_report for all of these (a module fixture is computed once per worker process), and
# starts them first (`slow`): the two test workers then end together (tests/conftest.py).
@pytest.mark.slow
@pytest.mark.xdist_group("library-explore")
@pytest.mark.parametrize("path", [
    pytest.param(p, marks=pytest.mark.xfail(strict=True, reason=NEVER_REACHED[p.stem]))
    if p.stem in NEVER_REACHED else p for p in _SHIPPED], ids=lambda p: p.stem)
def test_every_shipped_scenario_ends_reaches_every_ending_and_fits(path: Path, library_report: dict[str, Any]) -> None:
    (s,) = [s for s in library_report["scenarios"] if s["path"] == path.stem]
    assert s["unended"]["runs"] == 0, f"calls that never end: {s['unended']['examples']}"
    assert s["endings"]["never"] == [], f"{s['id']}: endings never reached in {s['runs']} runs and {s['probes']} probes"
    # the words fit the numbers: no hang-up at high trust, no line presupposing what was not said, no tone at odds
    # with the mood (issue 13's targets; `callsim explore --all --runs 200` measures them in full)
    assert s["mismatches"] == [], [(m["kind"], m["node"], m["example"]["seed"]) for m in s["mismatches"]]


@pytest.mark.slow
def test_every_shipped_scenario_meets_its_realism_targets() -> None:
    """Each shipped scenario says how harmful and excellent trainees should fare (``realism:``); 20 calls of each
    kind, seeded, must meet it. `callsim explore --all --runs 200` gives the shares in full."""
    from callsim.core.explore import cpus

    found = [(_load(p), p.stem) for p in _SHIPPED]
    assert all(sc.realism is not None and sc.realism.targets for sc, _ in found)
    report = explore(found, Options(runs=40, styles=("excellent", "harmful"), probes=0, seed=1,
                                    jobs=min(2, cpus())))
    missed = [(s["id"], t["style"], t["reaches"], t["share"]) for s in report["scenarios"] for t in s["realism"]
              if not t["passed"]]
    assert missed == []


def test_the_library_has_nineteen_scenarios() -> None:
    assert len(_SHIPPED) == 19


def test_the_command_defaults_are_the_cores() -> None:
    import argparse

    from callsim.cli import build_parser
    from callsim.core.explore import MIX

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)).choices["explore"]
    defaults = {a.dest: a.default for a in sub._actions}
    assert (defaults["runs"], defaults["seed"], defaults["turns"], defaults["mix"]) == \
        (Options().runs, Options().seed, TURN_CAP, MIX)


def test_a_line_whose_tone_contradicts_the_mood_and_one_said_without_its_act_are_mismatches() -> None:
    from types import SimpleNamespace
    from typing import cast

    from callsim.core.explore import Moment, presupposition, tone_and_mood
    from callsim.core.models import MoodVar

    scenario = SimpleNamespace(mood={"anger": MoodVar(start=2), "trust": MoodVar(start=4)})

    def moment(tone: str | None, anger: float, trust: float, unmet: tuple[str, ...] = ()) -> Moment:
        call = SimpleNamespace(line=SimpleNamespace(tone=tone, text="Thank you, that's kind."), node_id="n",
                               mood={"anger": anger, "trust": trust}, unmet=unmet)
        return Moment(cast(Any, scenario), cast(Any, call), cast(Any, None), 7.0)

    assert [m.what for m in tone_and_mood(moment("warm", 8, 2))] == ["a warm line while anger is high"]
    assert not list(tone_and_mood(moment("warm", 3, 8)))
    assert [m.kind for m in tone_and_mood(moment("angry", 1, 9))] == ["tone"]
    assert not list(tone_and_mood(moment("angry", 8, 9))) and not list(tone_and_mood(moment(None, 9, 9)))
    assert not list(presupposition(moment("calm", 2, 5)))
    found = list(presupposition(moment("calm", 2, 5, ("states_balance",))))
    assert found and "states_balance" in found[0].what
    assert {"presupposition", "tone", "failed_at_high_trust"} <= set(MISMATCH_CHECKS)


def test_exploring_leaves_this_process_embedding_in_batches_again() -> None:
    """explore embeds each text alone with room for its whole bank of replies; the process that asked (a test
    run, here) gets its encoder back as it was, not slower and holding 32,768 sentences."""
    from callsim.core.understanding.encoder import get_encoder

    enc = get_encoder()
    explore([(_load(_SHIPPED[0]), _SHIPPED[0].stem)], Options(runs=2, probes=0, seed=1, jobs=1))
    assert enc._alone is False and enc._cache_size == enc._batch_cache_size
    assert len(enc._cache) <= enc._batch_cache_size
