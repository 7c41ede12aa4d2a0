"""The shipped scenario library meets the bar a trainer needs (issue 7), and its docs stay in step."""

from __future__ import annotations

from collections import Counter

import pytest

from callsim.core.catalogue import catalogue
from callsim.core.loader import load_scenario
from callsim.core.models import Scenario
from callsim.core.rubric import load_rubric
from callsim.core.walkthrough import run_all

from .conftest import ROOT, SCENARIOS

FILES = sorted(SCENARIOS.glob("*.yaml"))


def _load(path: object) -> Scenario:
    r = load_scenario(str(path), run_walkthroughs=False)
    assert r.scenario is not None and not r.errors
    return r.scenario


@pytest.fixture(scope="module")
def library() -> list[Scenario]:
    return [_load(p) for p in FILES]


def test_docs_scenarios_md_is_generated_from_the_files() -> None:
    committed = (ROOT / "docs" / "scenarios.md").read_text()
    assert committed == catalogue(SCENARIOS), "run `callsim catalogue > docs/scenarios.md`"


def test_library_size_and_spread(library: list[Scenario]) -> None:
    assert len(library) >= 15
    assert len({s.id for s in library}) == len(library)
    assert {s.difficulty for s in library} == {1, 2, 3, 4, 5}
    assert Counter(s.jurisdiction.value for s in library).keys() == {"UK", "US"}
    situations = {s.persona.situation.value for s in library}
    required = {"medical_emergency", "job_loss", "bereavement", "young_parent", "global_crisis", "mental_health",
                "hostile", "dispute", "third_party", "elderly_capacity", "gambling", "self_employed",
                "economic_abuse"}
    assert required <= situations, required - situations


def test_no_two_scenarios_share_a_persona_creditor_or_script(library: list[Scenario]) -> None:
    names = [s.persona.name for s in library]
    assert len(set(names)) == len(names)
    creditors = [s.debt.creditor for s in library]
    assert len(set(creditors)) == len(creditors)
    balances = [s.debt.balance for s in library]
    assert len(set(balances)) == len(balances)
    seen: dict[str, str] = {}
    for s in library:
        for node in s.nodes.values():
            for line in node.say:
                key = " ".join(line.text.lower().split())
                if len(key) > 40:  # short lines ("Hello?") may legitimately recur
                    assert seen.setdefault(key, s.id) == s.id, f"{s.id} reuses a line from {seen[key]}: {key}"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_each_scenario_is_a_full_hard_call(path: object) -> None:
    s = _load(path)
    live = [n for n in s.nodes.values() if not n.is_final]
    assert len(live) >= 6 if s.id in ("medical-emergency-uk",) else len(live) >= 8
    assert len(s.outcomes) >= 4
    assert all(n.model_answers for n in live)
    assert all(len(n.say) >= 2 for n in live)
    assert s.persona.facts, "facts to disclose when earned"
    assert s.learning_goals
    results = {o.result for o in s.outcomes.values()}
    assert "failed" in results and ({"resolved", "partial"} & results)
    ws = s.walkthroughs
    assert len(ws) >= 3
    assert any(w.expect.passed is True and w.expect.compliance == "pass" for w in ws), "an exemplary path"
    assert any(w.expect.passed is False and w.expect.compliance != "fail" for w in ws) or any(
        w.expect.passed is False for w in ws), "a cold path"
    assert any(w.expect.compliance == "fail" and w.expect.violations for w in ws), "a harmful path"
    if s.jurisdiction.value == "US":
        assert any("debt_collector_disclosure" in n.expects for n in live) or s.persona.situation.value == \
            "third_party", "US calls train the debt-collector disclosure"
    rubric = load_rubric()
    for w in ws:
        for v in w.expect.violations:
            assert rubric.get(v).is_violation


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_walkthrough_passes(path: object) -> None:
    s = _load(path)
    failures = [f"{r.name}: {'; '.join(r.problems)}" for r in run_all(s) if not r.passed]
    assert not failures


def test_a_referral_ending_mentions_a_hold_only_when_one_was_offered(library: list[Scenario]) -> None:
    """Issue 13: "Thirty days. OK... I'll call HMRC" when neither a hold nor tax had been mentioned. Lines of an
    ending that claims a referral may speak of a hold (thirty days, a month's hold) only when it presupposes one was
    offered (`presupposes: [offers_hold]`), and each such ending has a line for a call without one."""
    import re

    hold = re.compile(r"\b(thirty|sixty|30|60) days\b|\bhold\b|\ba month('s)? (would|to sort|hold)", re.I)
    checked = 0
    for s in library:
        for nid, node in s.nodes.items():
            if node.outcome is None or not node.outcome.claims:
                continue
            checked += 1
            for line in node.say:
                if hold.search(line.text):
                    assert "offers_hold" in line.presupposes, f"{s.id}.{nid}: {line.text}"
            assert any(line.when is None and not line.presupposes for line in node.say), \
                f"{s.id}.{nid} has no line for every call"
            assert not any("HMRC" in line.text or "tax" in line.text for line in node.say), f"{s.id}.{nid}"
    assert checked >= 7


def test_a_scenario_looked_up_by_id_reads_only_the_files_that_may_be_it(tmp_path, monkeypatch) -> None:
    """``resolve('job-loss-us')`` parses one file, not the library (a drill attempt looks its scenario up)."""
    from callsim.core import loader
    from callsim.core.library import NotFound, declared_id, resolve

    quoted = tmp_path / "quoted.yaml"
    quoted.write_text((SCENARIOS / "job_loss_us.yaml").read_text().replace("id: job-loss-us", "id: 'mine'  # note"))
    assert declared_id(quoted) == "mine"
    assert all(declared_id(p) == _load(p).id for p in FILES)
    loaded: list[str] = []
    real = loader.load_scenario

    def counting(path, **kw):  # type: ignore[no-untyped-def]
        loaded.append(str(path))
        return real(path, **kw)

    monkeypatch.setattr(loader, "load_scenario", counting)
    result = resolve("job-loss-us")
    assert result.scenario is not None and result.scenario.id == "job-loss-us"
    assert loaded == [str(SCENARIOS / "job_loss_us.yaml")]
    assert resolve("mine", extra=[str(quoted)]).scenario.id == "mine"  # type: ignore[union-attr]
    with pytest.raises(NotFound, match="Did you mean 'job-loss-us'"):
        resolve("job-los-us")
