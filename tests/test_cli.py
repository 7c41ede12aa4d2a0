"""Every CLI command end to end, through the real entry point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from callsim.cli import main

from .conftest import ROOT

SCENARIO = "medical-emergency-uk"
GOOD = [
    "Hi, my name's Sam, calling from Harbour Recoveries on behalf of Brightwell Energy. Can I confirm I'm "
    "speaking to Priya Shah, and your postcode please?",
    "Please don't apologise. It sounds like it's been a really hard few months. Would you like to tell me "
    "what's been going on?",
]


def run_cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "callsim.cli", *args], input=stdin, capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=60)


def test_list_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    ids = {r["id"] for r in rows}
    assert SCENARIO in ids
    row = next(r for r in rows if r["id"] == SCENARIO)
    assert row["jurisdiction"] == "UK" and row["situation"] == "medical_emergency" and row["ok"]


def test_list_includes_user_folder_and_given_paths(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = (ROOT / "scenarios" / "medical_emergency_uk.yaml").read_text()
    user = Path(os.environ["CALLSIM_HOME"]) / "scenarios"
    user.mkdir(parents=True)
    (user / "mine.yaml").write_text(src.replace("id: medical-emergency-uk", "id: my-copy"))
    other = tmp_path / "x.yaml"
    other.write_text(src.replace("id: medical-emergency-uk", "id: given-copy"))
    assert main(["list", "--json", str(other)]) == 0
    ids = {r["id"] for r in json.loads(capsys.readouterr().out)}
    assert {"my-copy", "given-copy", SCENARIO} <= ids


def test_two_files_with_one_id_are_a_lint_error_naming_both(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = (ROOT / "scenarios" / "medical_emergency_uk.yaml").read_text()
    user = Path(os.environ["CALLSIM_HOME"]) / "scenarios"
    user.mkdir(parents=True)
    mine = user / "mine.yaml"
    mine.write_text(src)  # a trainer's copy that kept the shipped id
    assert main(["lint", str(mine)]) == 1
    out = capsys.readouterr().out
    assert f"{mine}:2:5: E117" in out  # at the copy's `id:`
    assert "medical_emergency_uk.yaml" in out and "new `id:`" in out
    # two of the trainer's own files, linted together: each names the other
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    for f in (a, b):
        f.write_text(src.replace("id: medical-emergency-uk", "id: twin"))
    assert main(["lint", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert f"{a}:2:5: E117: scenario id 'twin' is also the id of {b}" in out
    assert f"{b}:2:5: E117: scenario id 'twin' is also the id of {a}" in out
    assert main(["lint", "--json", str(a), str(b)]) == 1
    assert [d["code"] for d in json.loads(capsys.readouterr().out)].count("E117") == 2


def test_two_files_with_one_id_show_in_list_and_play_will_not_guess(capsys: pytest.CaptureFixture[str]) -> None:
    src = (ROOT / "scenarios" / "medical_emergency_uk.yaml").read_text()
    user = Path(os.environ["CALLSIM_HOME"]) / "scenarios"
    user.mkdir(parents=True)
    (user / "mine.yaml").write_text(src)
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert out.count("same id as") == 2 and str(user / "mine.yaml") in out
    assert main(["list", "--json"]) == 0
    rows = [r for r in json.loads(capsys.readouterr().out) if r["id"] == SCENARIO]
    assert len(rows) == 2 and not any(r["ok"] for r in rows)
    assert {tuple(r["same_id_as"]) for r in rows} == {(rows[1]["path"],), (rows[0]["path"],)}
    p = run_cli("play", SCENARIO, "--plain", stdin="/end\n")
    assert p.returncode != 0 and "two scenario files use the id" in p.stderr and "Traceback" not in p.stderr
    p = run_cli("play", str(user / "mine.yaml"), "--plain", stdin="/end\n")  # by path it plays
    assert p.returncode == 0, p.stderr


def test_play_plain_in_a_pipe_ends_with_a_debrief() -> None:
    p = run_cli("play", SCENARIO, "--plain", "--seed", "2", stdin="\n".join(GOOD) + "\n/end\n")
    assert p.returncode == 0, p.stderr
    out = p.stdout
    assert "Priya" in out and "DEBRIEF" in out
    assert "Empathy:" in out and "Compliance:" in out
    assert "Call ended by the trainee" in out
    assert "Traceback" not in p.stderr


def test_play_plain_coaches_like_the_app() -> None:
    """Issue 15: plain mode showed per turn only "+ did well" and "Better:". It shows the app's coaching:
    the evidence, violations with their reason, what was missed, a tip and the better line."""
    weak = "Hi, it's Sam from Harbour Recoveries. The balance is 642.80, pay today or we'll take you to court."
    p = run_cli("play", SCENARIO, "--plain", "--seed", "2", stdin=weak + "\n/end\n")
    assert p.returncode in (0, 1), p.stderr
    coaching = p.stdout[p.stdout.index(weak[:20]):p.stdout.index("DEBRIEF")]
    assert "! BLOCKER Threatens action not intended" in coaching
    assert "\u201cThe balance is 642.80, pay today or we'll take you to court.\u201d" in " ".join(coaching.split())
    assert "Missed: " in coaching and "Tip: " in coaching and "Better: \u201c" in coaching
    assert "is a false threat" in " ".join(coaching.split())  # the reason, as the app shows it


def test_play_plain_shows_hostile_text_as_text() -> None:
    nasty = "\x1b[2J\x1b[31mHELLO\x1b]0;pwned\x07 [bold]x[/bold]\x00\x07"
    p = run_cli("play", SCENARIO, "--plain", stdin=nasty + "\n/end\n")
    assert p.returncode == 0
    assert "\x1b" not in p.stdout and "\x00" not in p.stdout and "\x07" not in p.stdout
    assert "HELLO" in p.stdout and "[bold]x[/bold]" in p.stdout


def test_play_plain_huge_paste_is_truncated_with_a_message() -> None:
    p = run_cli("play", SCENARIO, "--plain", stdin="sorry " * 20000 + "\n/end\n")
    assert p.returncode == 0
    assert "only the first 4,000 were used" in p.stdout


def test_play_plain_eof_leaves_call_unfinished() -> None:
    p = run_cli("play", SCENARIO, "--plain", stdin=GOOD[0] + "\n")
    assert "input ended" in p.stdout
    assert p.returncode == 1


def test_run_json_record(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    replies = tmp_path / "r.txt"
    replies.write_text("\n".join(GOOD) + "\n")
    assert main(["run", SCENARIO, "--replies", str(replies), "--seed", "4", "--json"]) == 0
    rec = json.loads(capsys.readouterr().out)
    assert rec["scenario"] == {"id": SCENARIO, "version": 1}
    assert rec["seed"] == 4
    assert set(rec["scores"]) >= {"empathy", "deescalation", "overall"}
    assert set(rec["compliance"]) == {"passed", "violations", "possible"}
    assert isinstance(rec["passed"], bool)
    assert len(rec["turns"]) == 2
    for t in rec["turns"]:
        assert set(t) >= {"node", "debtor", "reply", "scores"}
        assert set(t["scores"]) >= {"empathy", "deescalation", "behaviours", "violations", "better", "epitome"}
    assert rec["turns"][1]["node"] == "verified"


def test_run_is_deterministic_byte_for_byte(tmp_path: Path) -> None:
    replies = tmp_path / "r.txt"
    replies.write_text("\n".join(GOOD) + "\n")
    a = run_cli("run", SCENARIO, "--replies", str(replies), "--seed", "11", "--json")
    b = run_cli("run", SCENARIO, "--replies", str(replies), "--seed", "11", "--json")
    assert a.returncode == 0 and a.stdout == b.stdout


def test_run_missing_replies_file_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", SCENARIO, "--replies", "/nonexistent/r.txt", "--json"]) == 1
    assert "cannot read replies" in capsys.readouterr().err


def test_unknown_scenario_suggests_and_exits_nonzero() -> None:
    p = run_cli("play", "medical-emergency-ku", "--plain")
    assert p.returncode == 1
    assert "no scenario 'medical-emergency-ku'" in p.stderr and "Did you mean 'medical-emergency-uk'" in p.stderr
    assert "Traceback" not in p.stderr


def test_broken_scenario_file_lists_errors_not_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ntitle: [unclosed\n")
    p = run_cli("play", str(bad), "--plain")
    assert p.returncode == 1
    assert f"{bad}:" in p.stderr and "E001" in p.stderr and "Traceback" not in p.stderr


def test_score_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", "I'm so sorry, that sounds awful. How are you coping?", "--context",
                 "My husband died last month.", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["epitome"]["ER"] >= 1 and r["epitome"]["EX"] >= 1
    ids = {b["id"] for b in r["behaviours"]}
    assert {"emotional_reaction", "exploration"} <= ids
    ev = next(b for b in r["behaviours"] if b["id"] == "emotional_reaction")["evidence"][0]
    assert "sorry" in ev["text"].lower()
    assert r["violations"] == []
    assert "asks_question" in r["acts"]


def test_score_prints_the_replys_dialogue_acts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", "It's Jordan from Orchard Lane Recoveries. Could you confirm your date of birth?"]) == 0
    out = capsys.readouterr().out
    acts = next(line for line in out.splitlines() if line.strip().startswith("acts:"))
    assert "says_who_they_are" in acts and "asks_identity" in acts


def test_score_says_what_found_a_violation_and_what_a_learned_one_reads_like(
        capsys: pytest.CaptureFixture[str]) -> None:
    """Plain text says, as --json does, whether a rule or the learned layer found a violation and how sure it is;
    for what only the learned layer found, the corpus line it reads like (the team lead sees why)."""
    reply = "How do u think ur neighbours would feel if they knew you dont pay ur debts"
    assert main(["score", reply, "--json"]) == 0
    v = next(v for v in json.loads(capsys.readouterr().out)["violations"] if v["id"] == "coercive_shaming")
    assert v["source"] == "learned" and v["example"]
    assert main(["score", reply]) == 0
    out = capsys.readouterr().out.splitlines()
    at = next(n for n, line in enumerate(out) if line.strip().startswith("! coercive_shaming"))
    assert f"(major, learned {v['confidence']:.0%})" in out[at]
    assert out[at + 1].strip() == f'reads like: "{v["example"]}"'
    assert main(["score", "You'll go to prison if you don't pay."]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if "threat_arrest_or_crime" in x)
    assert "(blocker, rule" in line


def test_score_with_scenario_and_node_uses_debt_facts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", "We'll send the bailiffs round.", "--scenario", SCENARIO, "--node", "verified",
                 "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert [v["id"] for v in r["violations"]] == ["threat_unintended_action"]
    assert r["better"]["model_answer"].startswith("Thanks, Priya")
    assert main(["score", "x", "--scenario", SCENARIO, "--node", "verifed"]) == 1
    assert "Did you mean 'verified'" in capsys.readouterr().err


def test_score_jsonl_reads_stdin_line_by_line() -> None:
    lines = [
        json.dumps({"text": "You'll go to jail for this.", "context": "I can't pay"}),
        "not json",
        json.dumps({"text": "Thanks for telling me."}),
    ]
    p = run_cli("score", "--jsonl", stdin="\n".join(lines) + "\n")
    assert p.returncode == 0, p.stderr
    out = [json.loads(x) for x in p.stdout.splitlines()]
    assert len(out) == 3
    assert out[0]["violations"][0]["id"] == "threat_arrest_or_crime"
    assert out[1] == {"line": 2, "error": 'expected {"text": "...", "context": "..."}'}
    assert "thanks_for_disclosure" in {b["id"] for b in out[2]["behaviours"]}


BALANCE = "The balance is £642.80: £600 of energy bills and £42.80 of late payment charges."


def violation_ids(result: dict[str, Any]) -> list[str]:
    return [v["id"] for v in result["violations"]]


def test_score_at_a_node_starts_from_the_state_a_call_has_there(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", BALANCE, "--scenario", SCENARIO, "--node", "budget_talk", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert "third_party_disclosure" not in violation_ids(r)  # Priya checked who she is turns ago
    state = r["state"]
    assert (state["node"], state["source"], state["flags"]["identity_verified"]) == ("budget_talk", "walkthrough",
                                                                                       True)
    assert state["path"][0] == "opening" and "surgery" in state["disclosed"] and state["set"] == {}
    assert state["summary"].startswith("state at 'budget_talk': as reached by walkthrough '")
    assert set(state["mood"]) == {"trust", "anger", "distress"}

    assert main(["score", BALANCE, "--scenario", SCENARIO, "--node", "opening", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert "third_party_disclosure" in violation_ids(r)  # at the opening it still is a disclosure
    assert r["state"]["source"] == "start"

    assert main(["score", BALANCE, "--scenario", SCENARIO, "--node", "budget_talk",
                 "--set", "identity_verified=false", "--set", "anger=6"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith("set: identity_verified=false, anger=6") and "identity_verified," not in out[0]
    assert any("! third_party_disclosure (blocker, rule)" in line for line in out)

    assert main(["score", BALANCE, "--scenario", SCENARIO, "--node", "budget_talk", "--set", "angr=6"]) == 1
    assert "Did you mean 'anger'?" in capsys.readouterr().err
    assert main(["score", BALANCE, "--set", "anger=6"]) == 1
    assert "--set needs --scenario" in capsys.readouterr().err


def test_score_jsonl_lines_carry_their_own_state(capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    lines = [
        {"text": BALANCE},  # the command line's place: budget_talk
        {"text": BALANCE, "flags": {"identity_verified": False}, "mood": {"anger": 7}},
        {"text": BALANCE, "node": "opening"},
        {"text": "Thanks for telling me.", "scenario": "job-loss-us", "node": "verified"},
        {"text": BALANCE, "flags": {"anger": 3}},
        {"text": BALANCE, "node": "budget_tlak"},
        {"text": BALANCE, "scenario": "job-loss-us"},  # its opening: the command line's node is not its own
    ]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(json.dumps(x) for x in lines) + "\n"))
    assert main(["score", "--jsonl", "--scenario", SCENARIO, "--node", "budget_talk"]) == 0
    out = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert "third_party_disclosure" not in violation_ids(out[0]) and out[0]["state"]["node"] == "budget_talk"
    assert "third_party_disclosure" in violation_ids(out[1])
    assert out[1]["state"]["set"] == {"identity_verified": False, "anger": 7.0}
    assert out[1]["state"]["mood"]["anger"] == 7.0
    assert "third_party_disclosure" in violation_ids(out[2]) and out[2]["state"]["source"] == "start"
    assert out[3]["state"]["node"] == "verified" and out[3]["state"]["flags"]["identity_verified"] is True
    assert out[4] == {"line": 5, "error": "'anger' is not a flag of medical-emergency-uk. It has: identity_verified, "
                                          "vulnerability_disclosed, advice_offered."}
    assert out[5]["line"] == 6 and "Did you mean 'budget_talk'?" in out[5]["error"]
    assert out[6]["state"]["node"] is None and out[6]["state"]["source"] == "start"


def test_graph_is_mermaid_with_every_node(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", SCENARIO]) == 0
    out = capsys.readouterr().out
    assert out.startswith("flowchart TD")
    for node in ("opening", "verified", "sustainable_plan", "hung_up"):
        assert f"    {node}" in out
    assert '-->|"otherwise"|' in out


def test_schema_and_rubric(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "callsim scenario" and "nodes" in schema["properties"]
    assert main(["rubric", "--json"]) == 0
    ids = {b["id"] for b in json.loads(capsys.readouterr().out)}
    assert {"emotional_reaction", "threat_arrest_or_crime", "coercive_shaming"} <= ids


def test_test_command_runs_walkthroughs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", str(ROOT / "scenarios" / "medical_emergency_uk.yaml")]) == 0
    out = capsys.readouterr().out
    assert "ok   medical-emergency-uk: empathetic path" in out
    assert out.strip().endswith("3 passed, 0 failed")


def test_new_scaffold_lints_clean_and_plays(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "draft.yaml"
    assert main(["new", "--situation", "job_loss", "--jurisdiction", "US", "-o", str(out)]) == 0
    text = out.read_text()
    assert text.startswith("# yaml-language-server: $schema=")
    assert "# ---- The debt" in text  # commented for authors
    assert main(["lint", "--strict", str(out)]) == 0
    assert main(["test", str(out)]) == 0
    assert main(["new", "--situation", "job_loss", "--jurisdiction", "US", "-o", str(out)]) == 1
    assert "already exists" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["dot", "svg"])
def test_graph_other_formats(fmt: str, tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    target = tmp_path / f"g.{fmt}"
    assert main(["graph", SCENARIO, "--format", fmt, "-o", str(target)]) == 0
    text = target.read_text()
    if fmt == "dot":
        assert text.startswith('digraph "medical-emergency-uk"') and '"opening" -> "verified"' in text
    else:
        root = ET.fromstring(text)  # well-formed, standalone SVG
        assert root.tag.endswith("svg")
        assert "Affordable plan agreed" in text and "otherwise" in text


@pytest.mark.slow
def test_plain_mode_records_the_same_trainee_as_the_app(tmp_path: Path) -> None:
    home = Path(os.environ["CALLSIM_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.yaml").write_text("trainee: Saved Name\n")
    env_home = {"CALLSIM_HOME": str(home)}
    for extra in ([], ["--trainee", "Sub"]):
        p = subprocess.run([sys.executable, "-m", "callsim.cli", "play", SCENARIO, "--plain", *extra],
                           input="hello\n/end\n", capture_output=True, text=True, cwd=ROOT, timeout=60,
                           env={**os.environ, **env_home})
        assert p.returncode == 0, p.stderr
    p = subprocess.run([sys.executable, "-m", "callsim.cli", "--trainee", "Top", "play", SCENARIO, "--plain"],
                       input="hello\n/end\n", capture_output=True, text=True, cwd=ROOT, timeout=60,
                       env={**os.environ, **env_home})
    assert p.returncode == 0, p.stderr
    out = run_cli("sessions", "--json").stdout
    assert sorted(s["trainee"] for s in json.loads(out)["sessions"]) == ["Saved Name", "Sub", "Top"]


def test_graph_highlights_the_routes_a_stored_call_took(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    replies = tmp_path / "r.txt"
    replies.write_text("\n".join(GOOD) + "\n")
    assert main(["run", SCENARIO, "--replies", str(replies), "--trainee", "G"]) == 0
    capsys.readouterr()  # the debrief `run` printed
    assert main(["sessions", "--json"]) == 0
    sid = json.loads(capsys.readouterr().out)["sessions"][0]["id"]
    assert main(["graph", SCENARIO, "--session", sid]) == 0
    out = capsys.readouterr().out
    visited = [line.split()[1] for line in out.splitlines() if line.strip().endswith(" visited")]
    assert visited == ["opening", "verified", "disclosure"]
    edges = [line.strip() for line in out.splitlines() if " -->|" in line]
    (styled,) = [line for line in out.splitlines() if "linkStyle" in line]
    numbers = [int(n) for n in styled.split()[1].split(",")]
    taken = [edges[n - 1] for n in numbers]  # edge 0 is the START arrow
    assert len(taken) == 2
    assert taken[0].startswith("opening -->") and taken[0].endswith(" verified")
    assert taken[1].startswith("verified -->") and taken[1].endswith(" disclosure")
    assert main(["graph", SCENARIO, "--session", "nope"]) == 1
    assert "no session 'nope'" in capsys.readouterr().err


def test_test_command_fails_when_nothing_was_tested(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 15: `callsim test` on an empty folder printed "0 passed, 0 failed" and exited 0, so a CI gate
    passed with nothing tested. An empty folder, or scenarios without walkthroughs, fail."""
    assert main(["test", str(tmp_path)]) != 0
    assert "no scenario files to test" in capsys.readouterr().err
    src = (ROOT / "tests" / "fixtures" / "broken" / "W305_no_walkthroughs.yaml").read_text()
    (tmp_path / "none.yaml").write_text(src)
    assert main(["test", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert "0 passed, 0 failed" in captured.out and "nothing was tested" in captured.err


def test_test_command_says_when_a_path_is_missing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", "/no/such/folder"]) == 1
    out = capsys.readouterr().out
    assert "FAIL /no/such/folder" in out and "no such file" in out


def test_order_takes_a_descending_value_as_the_docs_write_it(capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 15: `--order -overall` failed (argparse read "-overall" as an option); only `--order=-overall`
    worked, though the docs say to put `-` first."""
    from callsim.cli import _parse

    assert _parse(["sessions", "--order", "-overall"]).order == "-overall"
    assert _parse(["sessions", "--order=-empathy"]).order == "-empathy"
    assert _parse(["sessions", "--order", "trainee", "--json"]).order == "trainee"
    assert main(["sessions", "--order", "-overall", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["sessions"] == []


def test_test_shows_a_failing_walkthrough_turn_by_turn(capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 15: lint's hint promised `callsim test` shows the call turn by turn; it printed one line. A
    failing walkthrough is shown turn by turn (reply, what was found, the route taken); --verbose shows all."""
    broken = str(ROOT / "tests" / "fixtures" / "broken" / "E201_walkthrough_failed.yaml")
    assert main(["test", broken]) == 1
    out = capsys.readouterr().out
    assert "FAIL tiny: checks who is on the line" in out
    assert "  1. at opening: Hi, it's Jo from Acme Energy." in out
    assert "found: identifies_self, verifies_identity" in out
    assert 'route 1, when "verifies_identity and not violations" -> agreed' in out
    assert out.count("  1. at opening:") == 1  # the passing walkthrough is not shown without --verbose
    assert main(["test", "--verbose", broken]) == 1
    assert capsys.readouterr().out.count("  1. at opening:") == 2


@pytest.mark.parametrize("jurisdiction", ["US", "UK"])
def test_the_dispute_starter_hears_the_dispute(jurisdiction: str, tmp_path: Path) -> None:
    """Issue 15: the `dispute` starter routed "this isn't my debt" to a payment plan, and US starters listed
    default_notice (a UK notice). A dispute is noted and collection paused; asking for money ends badly."""
    out = tmp_path / "dispute.yaml"
    assert main(["new", "--situation", "dispute", "--jurisdiction", jurisdiction, "-o", str(out)]) == 0
    assert main(["lint", "--strict", str(out)]) == 0
    assert main(["test", str(out)]) == 0
    from callsim.core.loader import load_scenario
    from callsim.core.walkthrough import compiled_for

    scenario = load_scenario(out).scenario
    assert scenario is not None
    assert "budget" not in scenario.nodes and "plan_agreed" not in scenario.nodes
    assert scenario.walkthroughs[0].expect.outcome == "dispute_noted"
    call = compiled_for(scenario).new_call(1)
    call.respond(scenario.walkthroughs[0].replies[0])
    call.respond("OK, so how much can you pay today?")
    assert call.ended and call.outcome is not None and call.outcome.result == "failed"
    notices = [a.value for a in scenario.debt.actions.lawful + scenario.debt.actions.intended]
    assert ("default_notice" in notices) is (jurisdiction == "UK")


def test_lint_of_one_file_parses_only_the_library_files_that_may_share_its_id(monkeypatch: pytest.MonkeyPatch,
                                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """Looking for a second file with the same id (E117) reads the library's text, and parses only the files that
    declare that id (or none plainly): linting one scenario took 5 s when it parsed all of them."""
    from callsim.core import loader

    loaded: list[str] = []
    real = loader.load_scenario

    def counting(path, **kw):  # type: ignore[no-untyped-def]
        loaded.append(Path(path).name)
        return real(path, **kw)

    monkeypatch.setattr(loader, "load_scenario", counting)
    assert main(["lint", str(ROOT / "scenarios" / "job_loss_us.yaml")]) == 0
    assert loaded == ["job_loss_us.yaml", "job_loss_us.yaml"]  # the file linted, then the library's copy of it
    capsys.readouterr()
