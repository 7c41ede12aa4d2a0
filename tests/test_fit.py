"""Model answers fit the call (issue 15: better lines used facts the debtor had not given, "since Ruby
arrived", and apologised for things the trainee had not done)."""

from __future__ import annotations

from callsim.core.engine import CompiledScenario
from callsim.core.fit import fitting, private_words, unknown_words
from callsim.core.loader import load_scenario, load_text

from .conftest import ROOT, SCENARIOS

OPEN = ("Hi, this is Leah from Nestwell Home & Nursery. Am I speaking with Kieran Walsh? Could you confirm your "
        "date of birth?")


def test_private_words_are_the_names_the_debtor_keeps_to_tell() -> None:
    s = load_scenario(SCENARIOS / "young_parent_uk.yaml", run_walkthroughs=False).scenario
    assert s is not None
    private = private_words(s)
    assert {"Ruby", "Megan"} <= private
    # what the trainee is given (their name, the creditor) and services a collector names are not
    assert not {"Kieran", "Walsh", "Nestwell", "Universal", "Credit", "Citizens", "Advice"} & private
    assert unknown_words("How have things been since Ruby's arrival?", private, set()) == ["Ruby"]
    assert unknown_words("How have things been since Ruby arrived?", private, {"Ruby"}) == []


def test_a_better_line_never_names_what_the_call_has_not_told() -> None:
    compiled = CompiledScenario(load_scenario(SCENARIOS / "young_parent_uk.yaml", run_walkthroughs=False).scenario)  # type: ignore[arg-type]
    call = compiled.new_call(seed=1)
    call.respond(OPEN)
    assert call.node_id == "verified"
    call.respond("Can you pay something today?")  # straight to money: he is flustered; nobody has said "Ruby"
    assert call.node_id == "flustered"
    turn = call.respond("OK so when can you pay?")
    better = turn.scores["better"]
    assert better["model_answer"], "a weak reply still gets a better line"
    assert "Ruby" not in better["model_answer"] and "the baby" in better["model_answer"]


def test_an_answer_with_a_when_is_shown_only_while_it_holds() -> None:
    text = (ROOT / "tests" / "fixtures" / "tiny.yaml").read_text(encoding="utf-8")
    text = text.replace(
        '''    model_answers: ["Hi, it's Jo from Acme Energy. Can I check I'm speaking to Sam Lee?"]''',
        '''    model_answers:
      - text: "I'm sorry for calling again. Hi, it's Jo from Acme Energy. Am I speaking to Sam Lee?"
        when: turn >= 1
      - "Hi, it's Jo from Acme Energy. Can I check I'm speaking to Sam Lee?"''')
    result = load_text(text)
    assert result.ok, [d.format() for d in result.diagnostics]
    node = result.scenario.nodes["opening"]  # type: ignore[union-attr]
    assert [a.when for a in node.model_answers] == ["turn >= 1", None]
    assert fitting(node.model_answers, frozenset(), [], lambda when: False) == (node.model_answers[1].text,)
    assert len(fitting(node.model_answers, frozenset(), [], lambda when: True)) == 2
    call = CompiledScenario(result.scenario).new_call(seed=1)  # type: ignore[arg-type]
    turn = call.respond("ok")  # weak, at the first turn: the apology for calling again does not fit
    assert turn.scores["better"]["model_answer"].startswith("Hi, it's Jo")
    # a condition that cannot be read is a lint error at the answer
    bad = load_text(text.replace("when: turn >= 1", "when: turn >>= 1"))
    assert [d.code for d in bad.errors] == ["E110"]


def test_lint_warns_of_an_answer_only_some_calls_can_be_shown() -> None:
    text = (SCENARIOS / "young_parent_uk.yaml").read_text(encoding="utf-8")
    named = "since Ruby arrived? And if it's easier"
    assert named in text
    lines = text.splitlines()
    # remove the fallback written without the name: the named answer is then all the node has
    fallback = next(i for i, ln in enumerate(lines) if "since the baby arrived" in ln)
    del lines[fallback]
    result = load_text("\n".join(lines), run_walkthroughs=False)
    w307 = [d for d in result.diagnostics if d.code == "W307"]
    assert len(w307) == 1 and "'Ruby'" in w307[0].message and "'flustered'" in w307[0].message
    assert not [d for d in load_scenario(SCENARIOS / "young_parent_uk.yaml", run_walkthroughs=False).diagnostics
                if d.code == "W307"]
