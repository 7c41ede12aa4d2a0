"""The conversation engine: routes, mood, flags, endings, determinism, save and restore."""

from __future__ import annotations

import json

import pytest

from callsim.core.engine import CompiledScenario, ScenarioRuntimeError
from callsim.core.loader import load_scenario, load_text
from callsim.core.models import Scenario
from callsim.core.report import debrief

from .conftest import ROOT, SCENARIOS

MINI = """\
# yaml-language-server: $schema=../schema/scenario.schema.json
id: mini
title: Mini
version: 2
difficulty: 1
jurisdiction: UK
summary: A tiny call for engine tests.
persona: {name: Alex Doe, age: 40, situation: job_loss, facts: {redundant: Made redundant in May.}}
debt: {creditor: Acme Water, currency: GBP, balance: 300, actions: {lawful: [legal_action], intended: []}}
budget:
  income: [{label: Benefit, amount: 900}]
  outgoings: [{label: Rent, amount: 850}]
mood:
  trust: {min: 0, max: 10, start: 3}
  anger: {min: 0, max: 10, start: 7}
flags:
  heard: {description: The trainee acknowledged the job loss}
end_when:
  - {when: anger >= 10, goto: hangup}
start: open
nodes:
  open:
    say:
      - "Yeah? Who's this?"
      - "Hello, who is it?"
      - {text: "WHAT do you want?", when: anger >= 7, cue: snapping}
    model_answers: ["Hi, it's Sam from Acme Water."]
    routes:
      - {when: emotional_reaction or interpretation, goto: told, set: {heard: true}, mood: {trust: 2}}
      - {when: commanding, goto: open, mood: {anger: 5}}
      - goto: told
  told:
    say: ["I lost my job in May.", "I was made redundant."]
    discloses: [redundant]
    expects: [emotional_reaction]
    model_answers: ["I'm so sorry to hear that."]
    choices:
      - {text: "I'm so sorry, that sounds really hard.", counts_as: [emotional_reaction]}
      - {text: "Pay up.", counts_as: [commanding]}
    routes:
      - {when: plan_amount > affordable, goto: plan_bad}
      - {when: plan_amount > 0, goto: plan_ok}
      - goto: told
  plan_ok:
    say: ["OK, deal."]
    outcome: {id: plan, label: Plan agreed, result: resolved}
  plan_bad:
    say: ["Fine, whatever."]
    outcome: {id: plan, label: Plan agreed, result: resolved}
  hangup:
    say: ["[click]"]
    outcome: {id: hangup, label: Hung up, result: failed}
"""


@pytest.fixture(scope="module")
def mini() -> Scenario:
    r = load_text(MINI, "mini.yaml", run_walkthroughs=False)
    assert not r.errors, [d.format() for d in r.errors]
    assert r.scenario is not None
    return r.scenario


@pytest.fixture(scope="module")
def compiled(mini: Scenario) -> CompiledScenario:
    return CompiledScenario(mini)


def test_mood_band_variant_is_chosen_when_its_condition_holds(compiled: CompiledScenario) -> None:
    call = compiled.new_call(seed=5)
    assert call.line.text == "WHAT do you want?"
    assert call.line.cues == ("snapping",)


def test_first_matching_route_wins_and_applies_mood_and_flags(compiled: CompiledScenario) -> None:
    call = compiled.new_call()
    turn = call.respond("I'm so sorry, that sounds really hard.")
    assert turn.route is not None and turn.route.index == 0
    assert call.node_id == "told"
    assert call.flags["heard"] is True
    assert call.mood["trust"] > 3  # rubric default (+1, capped) and the route's +2
    assert call.disclosed == ["redundant"]


def test_default_route_when_nothing_matches(compiled: CompiledScenario) -> None:
    call = compiled.new_call()
    turn = call.respond("Hello, this is Sam.")
    assert turn.route is not None and turn.route.when is None
    assert call.node_id == "told"
    assert call.flags["heard"] is False


def test_end_when_threshold_ends_the_call(compiled: CompiledScenario) -> None:
    call = compiled.new_call()
    turn = call.respond("Calm down.")
    assert turn.route is not None and turn.route.note == "end_when"
    assert call.ended
    assert call.outcome is not None and call.outcome.id == "hangup"
    assert call.mood["anger"] == 10  # bounded by max
    with pytest.raises(ScenarioRuntimeError):
        call.respond("sorry")


def test_guided_choice_counts_as_its_behaviours(compiled: CompiledScenario) -> None:
    call = compiled.new_call()
    call.respond("Hello, this is Sam.")
    assert [c.text for c in call.choices][0].startswith("I'm so sorry")
    turn = call.respond("", choice=0)
    assert turn.reply == "I'm so sorry, that sounds really hard."
    assert turn.choice == 1
    assert "emotional_reaction" in {b["id"] for b in turn.scores["behaviours"]}
    with pytest.raises(ValueError, match="choice 9 does not exist"):
        call.respond("", choice=8)


def test_plan_above_budget_is_agreed_but_flagged_unsustainable(compiled: CompiledScenario) -> None:
    call = compiled.new_call()
    call.respond("Hello, this is Sam.")
    call.respond("Could you do £80 a month?")
    rec = call.record()
    assert call.node_id == "plan_bad"
    assert rec.plan is not None
    assert rec.plan.to_json() == {"monthly": 80.0, "affordable": 50.0, "sustainable": False, "agreed": True}
    assert "likely to break" in debrief(rec, call.scenario)


def test_plan_within_budget_is_sustainable(compiled: CompiledScenario) -> None:
    call = compiled.new_call()
    call.respond("Hello, this is Sam.")
    call.respond("Would £10 a week work for you?")  # about £43 a month
    assert call.node_id == "plan_ok"
    plan = call.record().plan
    assert plan is not None and plan.sustainable is True


def test_calls_share_one_machine_and_leave_it_when_ended(compiled: CompiledScenario) -> None:
    machine = compiled.machine
    before = len(machine.models)
    a, b = compiled.new_call(), compiled.new_call()
    assert len(machine.models) == before + 2
    a.end_by_trainee()
    assert a.outcome is not None and a.outcome.id == "ended_by_trainee"
    assert len(machine.models) == before + 1
    b.respond("Calm down.")
    assert b.ended and len(machine.models) == before


SHIPPED = sorted(SCENARIOS.glob("*.yaml"))


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_same_seed_same_replies_same_call_byte_for_byte(path: object) -> None:
    r = load_scenario(str(path), run_walkthroughs=False)
    assert r.scenario is not None
    w = r.scenario.walkthroughs[0]

    def play() -> str:
        call = CompiledScenario(r.scenario).new_call(seed=7)  # type: ignore[arg-type]
        for reply in w.replies:
            if call.ended:
                break
            call.respond(reply)
        return json.dumps(call.record().to_json(), sort_keys=True)

    assert play() == play()


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_save_and_restore_mid_call_gives_the_same_call(path: object) -> None:
    r = load_scenario(str(path), run_walkthroughs=False)
    s = r.scenario
    assert s is not None
    replies = s.walkthroughs[0].replies
    whole = CompiledScenario(s).new_call(seed=3)
    for reply in replies:
        if not whole.ended:
            whole.respond(reply)
    split_at = max(1, len(replies) // 2)
    first = CompiledScenario(s).new_call(seed=3)
    for reply in replies[:split_at]:
        first.respond(reply)
    saved = first.to_json()
    resumed = CompiledScenario(s).restore(saved)  # a fresh machine, as after a restart
    assert resumed.line == first.line
    for reply in replies[split_at:]:
        if not resumed.ended:
            resumed.respond(reply)
    assert resumed.record().to_json() == whole.record().to_json()


def test_restore_refuses_another_scenarios_call(compiled: CompiledScenario) -> None:
    call = compiled.new_call()
    data = call.state().to_json()
    data["scenario"]["id"] = "other"
    with pytest.raises(ScenarioRuntimeError, match="scenario 'other'"):
        compiled.restore(data)
    data = call.state().to_json()
    data["node"] = "gone"
    with pytest.raises(ScenarioRuntimeError, match="no longer has"):
        compiled.restore(data)


def test_record_has_what_reviewers_need(compiled: CompiledScenario) -> None:
    call = compiled.new_call(seed=9)
    call.respond("I'm so sorry, that sounds really hard.")
    call.respond("Could you do £20 a month?")
    rec = call.record().to_json()
    assert rec["scenario"] == {"id": "mini", "version": 2}
    assert rec["seed"] == 9
    assert rec["outcome"] == {"id": "plan", "label": "Plan agreed", "result": "resolved"}
    assert set(rec["scores"]) >= {"empathy", "deescalation", "overall"}
    assert rec["compliance"] == {"passed": True, "violations": [], "possible": []}
    t = rec["turns"][0]
    assert set(t) >= {"node", "debtor", "reply", "scores", "route", "mood", "flags"}
    assert t["scores"]["epitome"]["ER"] >= 1


def test_violation_is_recorded_with_turn_and_fails_compliance(compiled: CompiledScenario) -> None:
    call = compiled.new_call()
    call.respond("Hello, this is Sam.")
    call.respond("Pay £300 today or we'll take you to court.")
    rec = call.record().to_json()
    assert not rec["compliance"]["passed"]
    v = rec["compliance"]["violations"][0]
    assert v["id"] == "threat_unintended_action" and v["turn"] == 2 and v["severity"] == "blocker"
    assert rec["passed"] is False


def test_compiled_machines_are_reused_and_bounded() -> None:
    from callsim.core import walkthrough

    first = load_text(MINI, "mini.yaml", run_walkthroughs=False).scenario
    assert first is not None
    assert walkthrough.compiled_for(first) is walkthrough.compiled_for(first)
    kept = []
    for _ in range(walkthrough._KEEP + 10):  # reloads, as a preview does
        s = load_text(MINI, "mini.yaml", run_walkthroughs=False).scenario
        assert s is not None
        kept.append(s)
        walkthrough.compiled_for(s)
    assert len(walkthrough._COMPILED) <= walkthrough._KEEP


def test_the_debrief_says_why_a_call_failed_and_shows_the_arithmetic(compiled: CompiledScenario) -> None:
    """Issue 15: the debrief printed "FAIL (pass mark 80, no blocker violations)" above a list of blockers,
    and the overall score's arithmetic was found only in engine.py."""
    from callsim.core import verdict

    call = compiled.new_call()
    call.respond("Hello, this is Sam.")
    call.respond("Pay £300 today or we'll take you to court.")
    record = call.record()
    text = debrief(record, compiled.scenario)
    assert "no blocker violations" not in text
    result = text[text.index("Result:"):text.index("Outcome:")]
    assert "FAIL" in result and "a blocker violation fails the call" in result and "(turn 2)" in result
    reasons = verdict.why_not_passed(record)
    assert reasons and reasons[0].startswith("a blocker violation")
    sc = record.scores
    # The arithmetic shown is the one computed: the overall is the weighted sum of the shown parts.
    line = verdict.overall_arithmetic(record)
    assert f"35% of empathy {sc.empathy:.0f}" in line and f"Overall {sc.overall:.0f}." in line
    assert " ".join(line.split()) in " ".join(text.split())
    majors = sum(1 for v in record.compliance.violations if v["severity"] == "major")
    failed = record.outcome is not None and record.outcome.result == "failed"
    expected = verdict.overall_score(sc.empathy, sc.deescalation, sc.expectations_met / 100, majors, failed)
    assert abs(expected - sc.overall) < 0.2


def test_overall_score_arithmetic_in_words() -> None:
    from callsim.core import verdict

    assert verdict.overall_score(80, 60, 0.5, 0, False) == pytest.approx(0.35 * 80 + 0.35 * 60 + 15)
    assert verdict.overall_score(80, 60, 0.5, 1, False) == pytest.approx(0.35 * 80 + 0.35 * 60 + 15 - 10)
    assert verdict.overall_score(100, 100, 1.0, 0, True) == 50.0
    assert verdict.overall_score(10, 0, 0.0, 3, False) == 0.0
    assert verdict.is_passed("resolved", 80, 80, 0) and not verdict.is_passed("resolved", 80, 80, 1)
    assert not verdict.is_passed(None, 90, 80, 0) and not verdict.is_passed("failed", 90, 80, 0)


def test_a_passed_call_says_what_passing_took(mini: Scenario) -> None:
    compiled = CompiledScenario(mini.model_copy(update={"pass_mark": 20}))
    call = compiled.new_call(seed=9)
    call.respond("I'm so sorry, that sounds really hard.")
    call.respond("Could you do £20 a month?")
    record = call.record()
    text = debrief(record, compiled.scenario)
    assert record.passed, text
    assert "Result:        PASS (overall" in text and "FAIL" not in text
    from callsim.core import verdict

    assert verdict.why_not_passed(record) == []


def test_placeholders_in_debtor_lines_are_filled_from_the_scenario() -> None:
    """Issue 15: `{balance}`-style placeholders printed literally in debtor lines."""
    text = (ROOT / "tests" / "fixtures" / "tiny.yaml").read_text(encoding="utf-8")
    text = text.replace('      - "Hello?"\n      - "Yes, who is it?"',
                        '      - text: "{first_name} here. If it is the {balance} for {creditor}, {name} cannot pay."\n'
                        '        cue: "holding the {creditor} letter"')
    result = load_text(text)
    assert result.ok, [d.format() for d in result.diagnostics]
    assert result.scenario is not None
    call = CompiledScenario(result.scenario).new_call(seed=1)
    assert call.line.text == "Sam here. If it is the £300 for Acme Energy, Sam Lee cannot pay."
    assert call.line.cues[0] == "holding the Acme Energy letter"
    # an unknown one is left as written, and lint says so
    bad = load_text(text.replace("{balance}", "{balanse}"))
    assert [d.code for d in bad.errors] == ["E116"]


def test_warm_words_in_a_reply_that_ends_in_a_hang_up_win_no_trust() -> None:
    """Issue 15: the mood chart ended on rising trust while the outcome was a hang-up (the rubric's default
    nudges for warmth were applied on the turn the debtor hung up)."""
    text = (ROOT / "tests" / "fixtures" / "tiny.yaml").read_text(encoding="utf-8")
    text = text.replace("  anger: {min: 0, max: 10, start: 2}", "  anger: {min: 0, max: 10, start: 2}\n"
                        "  trust: {min: 0, max: 10, start: 3}")
    result = load_text(text)
    assert result.scenario is not None and result.ok
    call = CompiledScenario(result.scenario).new_call(seed=1)
    warm = "I'm so sorry, that sounds really hard. How are you holding up?"  # no identity check: hangs up
    turn = call.respond(warm)
    assert call.outcome is not None and call.outcome.id == "hung_up"
    assert {"emotional_reaction", "exploration"} & {b["id"] for b in turn.scores["behaviours"]}
    assert turn.mood["trust"] == 3 and turn.mood["anger"] == 2  # as before the reply: nothing won back
    # the same words on a turn that goes on still move the mood as the rubric says
    text2 = text.replace("      - goto: hung_up\n  agreed:", "      - goto: agreed\n  agreed:")
    call2 = CompiledScenario(load_text(text2).scenario).new_call(seed=1)  # type: ignore[arg-type]
    assert call2.respond(warm).mood["trust"] > 3


def test_the_same_warm_sentence_pasted_again_wins_less_trust_each_time() -> None:
    """Issue 13 (seen in issue 15's walk): pasting one empathic sentence over and over took trust to 10/10;
    the rubric's nudges for what went well now count only the reply's new words."""
    text = (ROOT / "tests" / "fixtures" / "tiny.yaml").read_text(encoding="utf-8")
    text = text.replace("  anger: {min: 0, max: 10, start: 2}", "  anger: {min: 0, max: 10, start: 2}\n"
                        "  trust: {min: 0, max: 10, start: 1}")
    text = text.replace("      - goto: hung_up\n  agreed:", "      - goto: opening\n  agreed:")
    text = text.replace("end_when:\n  - when: anger >= 10\n", "end_when:\n  - when: anger >= 10 or turn >= 12\n")
    result = load_text(text, run_walkthroughs=False)
    assert result.scenario is not None, [d.format() for d in result.diagnostics]
    call = CompiledScenario(result.scenario).new_call(seed=1)
    warm = "I'm so sorry, that sounds really hard. How are you holding up with all of this?"
    gains = []
    for _ in range(6):
        turn = call.respond(warm)
        gains.append(turn.mood["trust"] - turn.mood_before["trust"])
    assert gains[0] > 0
    assert all(b < a for a, b in zip(gains, gains[1:], strict=False) if a > 0.05)  # less each time
    assert call.mood["trust"] <= 1 + 2 * gains[0]  # not climbing to the top: at most twice the first


@pytest.mark.parametrize(("nudges", "expected"), [(1.0, 1.0), (0.5, 0.5), (0.0, 0.0)])
def test_a_scenario_tunes_how_far_the_default_nudges_move_a_mood(nudges: float, expected: float) -> None:
    """Issue 13: a deeply suspicious debtor went from trust 1 to 10 with every trust increase removed from the
    routes: the rubric's built-in nudges could not be tuned per scenario."""
    text = (ROOT / "tests" / "fixtures" / "tiny.yaml").read_text(encoding="utf-8")
    text = text.replace("  anger: {min: 0, max: 10, start: 2}", "  anger: {min: 0, max: 10, start: 2}\n"
                        f"  trust: {{min: 0, max: 10, start: 1, nudges: {nudges}}}")
    text = text.replace("      - goto: hung_up\n  agreed:", "      - goto: agreed\n  agreed:")
    result = load_text(text, run_walkthroughs=False)
    assert result.scenario is not None and result.ok, [d.format() for d in result.diagnostics]
    call = CompiledScenario(result.scenario).new_call(seed=1)
    turn = call.respond("I'm so sorry to hear that.")  # one warm behaviour: +1 trust in the rubric
    assert [b["id"] for b in turn.scores["behaviours"]] == ["emotional_reaction"]
    assert turn.mood["trust"] - turn.mood_before["trust"] == pytest.approx(expected)


def test_a_debtor_who_has_heard_the_company_does_not_ask_who_is_calling() -> None:
    """Issue 13: job-loss-us answered "Who is this? If you're selling something..." after the trainee had
    named the company; a line variant with `when: seen.identifies_self` now answers that."""
    result = load_scenario(SCENARIOS / "job_loss_us.yaml", run_walkthroughs=False)
    assert result.scenario is not None
    for seed in range(6):
        call = CompiledScenario(result.scenario).new_call(seed=seed)
        call.respond("Hi, it's Casey from Lakeshore Credit Services.")
        if call.node_id != "who_is_it":
            continue
        assert "Who is this" not in call.line.text and "What company" not in call.line.text
        assert "who are you after" in call.line.text or "I heard the name" in call.line.text
        return
    raise AssertionError("no seed reached who_is_it")


def test_farhan_is_relieved_only_when_his_question_about_interest_was_answered() -> None:
    """Issue 13: breathing-space-uk answered "Right. That's a relief" to a reply that did not answer him."""
    result = load_scenario(SCENARIOS / "breathing_space_uk.yaml", run_walkthroughs=False)
    assert result.scenario is not None
    walk = result.scenario.walkthroughs[0].replies
    # the lines that answer an answered question (relief) are those said only once it was answered
    relief = {ln.text for ln in result.scenario.nodes["worries"].say if ln.when == "interest_answered"}
    assert relief and relief != {ln.text for ln in result.scenario.nodes["worries"].say}
    for reply, relieved in (("Thanks, I've got that written down.", False), (walk[2], True)):
        for seed in range(4):
            call = CompiledScenario(result.scenario).new_call(seed=seed)
            for earlier in walk[:2]:
                call.respond(earlier)
            assert call.node_id == "gives_reference"
            call.respond(reply)
            assert call.node_id == "worries"
            assert (call.line.text in relief) is relieved, (seed, call.line.text)


def test_travis_does_not_ask_where_the_number_comes_from_after_hearing_the_breakdown() -> None:
    """Issue 13: hostile-calmable-us asked "where six thousand four hundred comes from" after a full breakdown."""
    result = load_scenario(SCENARIOS / "hostile_calmable_us.yaml", run_walkthroughs=False)
    assert result.scenario is not None
    replies = [
        "Hi, it's Dana from Summit Ridge Recovery Services. Am I speaking with Travis Lindqvist? Could you confirm "
        "your date of birth?",
        "Thanks, Travis. I have to tell you this is a communication from a debt collector, an attempt to collect a "
        "debt. The balance of $6,418.90 is $5,612.40 left after the auction sale, $690.00 of repossession and "
        "storage costs, and $116.50 of interest. I'm sorry about the calls to your work, that shouldn't have happened.",
        "That sounds really frustrating, losing a week's work over it. I understand why you're angry.",
    ]
    for seed in range(4):
        call = CompiledScenario(result.scenario).new_call(seed=seed)
        for reply in replies:
            call.respond(reply)
        assert call.node_id == "cooling"
        assert "come from" not in call.line.text and "comes from" not in call.line.text, call.line.text


def test_teresa_names_an_amount_only_when_one_was_said() -> None:
    """Issue 13: bereavement-us answered "Six thousand...? Is that on me now?" when no amount was said."""
    result = load_scenario(SCENARIOS / "bereavement_us.yaml", run_walkthroughs=False)
    assert result.scenario is not None
    for seed in range(4):
        call = CompiledScenario(result.scenario).new_call(seed=seed)
        call.respond("Hello, this is Sam from the collections team. Can I confirm who I am speaking with?")
        if call.node_id == "blurted":
            assert "thousand" not in call.line.text.lower(), call.line.text


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_ten_repeats_of_one_warm_sentence_neither_pass_a_call_nor_max_out_trust(path: object) -> None:
    """Issue 13 target: pasting one empathic sentence ten times took third-party-us to trust 9.9 of 10 (the
    routes' own mood changes were not damped for repeats); now they are scaled by the reply's fresh words."""
    result = load_scenario(path, run_walkthroughs=False)  # type: ignore[arg-type]
    assert result.scenario is not None
    call = CompiledScenario(result.scenario).new_call(seed=1)
    warm = "I'm so sorry you're going through this, that sounds really hard. How are you holding up?"
    for _ in range(10):
        if call.ended:
            break
        call.respond(warm)
    assert not call.record().passed
    if "trust" in result.scenario.mood:
        top = result.scenario.mood["trust"].max
        assert max(t.mood["trust"] for t in call.turns) < top - 1, [t.mood["trust"] for t in call.turns]
