"""The store from the command line: play/run record, --resume, sessions, show, export, review."""

from __future__ import annotations

import csv
import getpass
import io
import json
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from callsim.cli import main
from callsim.core.exports.csv_format import CSV_COLUMNS, defuse
from callsim.core.exports.xapi import xapi_statement
from callsim.core.store import Store

from .conftest import ROOT
from .fixtures.store.calls import SCENARIO, Played, play, reference_record

pytest_plugins = ["tests.fixtures.store.backends"]  # db_url (SQLite and PostgreSQL), pg_url, played


def run_cli(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "callsim.cli", *args], input=stdin, capture_output=True, text=True,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})}, cwd=ROOT, timeout=120)


def replies_file(tmp_path: Path, replies: list[str], name: str = "replies.txt") -> str:
    path = tmp_path / name
    path.write_text("\n".join(replies) + "\n", encoding="utf-8")
    return str(path)


def seed_sessions(url: str, p: Played, people: list[tuple[str, bool]]) -> list[str]:
    """Sessions for (trainee, finished) pairs, a day apart from 2026-03-01, oldest first."""
    t = {"now": datetime(2026, 3, 1, 9, 0, tzinfo=UTC)}

    def clock() -> datetime:
        t["now"] += timedelta(minutes=1)
        return t["now"]

    ids = []
    with Store.open(url, clock=clock) as store:
        for i, (who, finished) in enumerate(people):
            t["now"] = datetime(2026, 3, 1 + i, 9, 0, tzinfo=UTC)
            sid = store.start_session(trainee=who, scenario_id=p.scenario_id, scenario_version=1, seed=1)
            n = len(p.turns) if finished else 2
            for turn, state in zip(p.turns[:n], p.states[:n], strict=True):
                store.record_turn(sid, turn, state)
            if finished:
                store.finish_session(sid, p.record)
            ids.append(sid)
    return ids


# --------------------------------------------------------------------------- play and run record


def test_plain_play_records_every_turn_and_the_record(db_url: str, played: Played) -> None:
    p = run_cli("play", SCENARIO, "--plain", "--trainee", "Amy Lee", "--db", db_url,
                stdin="\n".join(played.replies) + "\n")
    assert p.returncode == 0, p.stderr
    with Store.open(db_url) as store:
        [s] = store.list_sessions()
        d = store.get(s.id)
    expected = reference_record(played.replies)
    assert d.trainee == "Amy Lee" and d.mode == "coaching" and d.finished
    assert d.record == expected and d.turns == expected["turns"]
    assert f"Saved as session {s.id}." in p.stdout


def test_assessment_mode_is_recorded_and_the_trainee_comes_from_the_environment(tmp_path: Path,
                                                                                 played: Played) -> None:
    db = str(tmp_path / "s.db")
    p = run_cli("play", SCENARIO, "--plain", "--assessment", "--db", db, stdin=played.replies[0] + "\n/end\n",
                env={"CALLSIM_TRAINEE": "  Env   Trainee "})
    assert p.returncode == 0, p.stderr
    with Store.open(db) as store:
        [s] = store.list_sessions()
    assert (s.trainee, s.mode, s.outcome_id, s.n_turns) == ("Env Trainee", "assessment", "ended_by_trainee", 1)


def test_the_os_user_is_the_trainee_by_default(tmp_path: Path, played: Played,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CALLSIM_TRAINEE", raising=False)
    db = str(tmp_path / "s.db")
    assert main(["run", SCENARIO, "--replies", replies_file(tmp_path, played.replies), "--db", db]) == 0
    with Store.open(db) as store:
        [s] = store.list_sessions()
    assert s.trainee == getpass.getuser() and s.mode == "scripted" and s.finished


def test_the_default_store_is_in_the_data_folder(tmp_path: Path, played: Played) -> None:
    assert main(["run", SCENARIO, "--replies", replies_file(tmp_path, played.replies[:2]), "--trainee", "Q"]) == 0
    home = Path(os.environ["CALLSIM_HOME"])
    with Store.open(str(home / "callsim.db")) as store:
        assert [s.trainee for s in store.unfinished()] == ["Q"]


def test_run_without_the_store_records_nothing(tmp_path: Path, played: Played) -> None:
    db = tmp_path / "s.db"
    assert main(["run", SCENARIO, "--replies", replies_file(tmp_path, played.replies), "--db", str(db),
                 "--no-store"]) == 0
    assert not db.exists()


def test_run_resumes_an_unfinished_session(db_url: str, played: Played, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    first = replies_file(tmp_path, played.replies[:2], "a.txt")
    assert main(["run", SCENARIO, "--replies", first, "--db", db_url, "--trainee", "Rae", "--json"]) == 0
    err = capsys.readouterr().err
    with Store.open(db_url) as store:
        [s] = store.unfinished("Rae")
    assert f"callsim run --resume {s.id}" in err
    rest = replies_file(tmp_path, played.replies[2:], "b.txt")
    assert main(["run", "--resume", s.id[:6], "--replies", rest, "--db", db_url, "--trainee", "Rae", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == played.record
    with Store.open(db_url) as store:
        assert store.get(s.id).record == played.record and store.count_sessions() == 1


# --------------------------------------------------------------------------- play --resume


def test_resume_with_nothing_to_resume_says_so(tmp_path: Path) -> None:
    p = run_cli("play", "--plain", "--resume", "--db", str(tmp_path / "s.db"), "--trainee", "Nobody")
    assert p.returncode == 1 and "Nobody has no unfinished call to resume" in p.stderr
    assert "Traceback" not in p.stderr
    p = run_cli("play", "--plain", "--db", str(tmp_path / "s.db"))
    assert p.returncode == 1 and "give a SCENARIO" in p.stderr


def test_resume_with_several_lists_them_and_takes_an_id(db_url: str, played: Played) -> None:
    a, b, done = seed_sessions(db_url, played, [("Sam", False), ("Sam", False), ("Sam", True)])
    p = run_cli("play", "--plain", "--resume", "--db", db_url, "--trainee", "Sam", stdin="")
    assert p.returncode == 1
    assert "Sam has 2 unfinished calls; say which with --resume ID" in p.stderr
    assert a in p.stderr and b in p.stderr and done not in p.stderr
    assert p.stderr.index(b) < p.stderr.index(a)  # most recent first

    p = run_cli("play", "--plain", "--resume", a[:5], "--db", db_url, "--trainee", "Sam",
                stdin="\n".join(played.replies[2:]) + "\n")
    assert p.returncode == 0, p.stderr
    assert "Resuming your call: 2 replies so far." in p.stdout
    with Store.open(db_url) as store:
        assert store.get(a).record == played.record
        assert [s.id for s in store.unfinished("Sam")] == [b]


def test_resume_refuses_another_trainees_or_a_finished_call(db_url: str, played: Played) -> None:
    open_call, done = seed_sessions(db_url, played, [("Sam", False), ("Sam", True)])
    p = run_cli("play", "--plain", "--resume", open_call, "--db", db_url, "--trainee", "Tess")
    assert p.returncode == 1 and "is Sam's call, not Tess's" in p.stderr
    p = run_cli("play", "--plain", "--resume", done, "--db", db_url, "--trainee", "Sam")
    assert p.returncode == 1 and "has finished" in p.stderr


def test_a_call_left_unfinished_tells_how_to_resume(tmp_path: Path, played: Played) -> None:
    db = str(tmp_path / "s.db")
    p = run_cli("play", SCENARIO, "--plain", "--db", db, "--trainee", "Ann", stdin=played.replies[0] + "\n")
    assert p.returncode == 1
    with Store.open(db) as store:
        [s] = store.unfinished("Ann")
    assert f"Resume it with: callsim play --plain --resume {s.id}" in p.stdout


def test_a_database_that_cannot_be_opened_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    # play still starts (issue 14): it says the store is unreachable and that the call is journalled
    p = run_cli("play", SCENARIO, "--plain", "--db", "postgresql://u:pw@127.0.0.1:1/nothing", stdin="")
    assert p.returncode == 1 and "the session store is unreachable" in p.stderr and "journal" in p.stderr
    assert "Traceback" not in p.stderr and ":pw@" not in p.stderr and "pw" not in p.stdout
    p = run_cli("sessions", "--db", "postgresql://u:pw@127.0.0.1:1/nothing")
    assert p.returncode == 1 and "cannot open the session database" in p.stderr


# --------------------------------------------------------------------------- sessions and show


def test_sessions_lists_and_filters(db_url: str, played: Played, capsys: pytest.CaptureFixture[str]) -> None:
    ids = seed_sessions(db_url, played, [("amy", True), ("bo", True), ("amy", False)])
    assert main(["sessions", "--db", db_url]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["ID", "STARTED", "TRAINEE"]
    assert [ln.split()[0] for ln in lines[1:4]] == ids[::-1]
    assert "UNFINISHED" in lines[1] and ("PASSED" if played.record["passed"] else "FAILED") in lines[3]
    assert "3 session(s)" in out

    assert main(["sessions", "--db", db_url, "--trainee", "amy", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total"] == 2 and {s["id"] for s in data["sessions"]} == {ids[0], ids[2]}
    assert main(["sessions", "--db", db_url, "--since", "2026-03-02", "--json"]) == 0
    assert {s["id"] for s in json.loads(capsys.readouterr().out)["sessions"]} == {ids[1], ids[2]}
    assert main(["sessions", "--db", db_url, "--unfinished", "--json"]) == 0
    assert [s["id"] for s in json.loads(capsys.readouterr().out)["sessions"]] == [ids[2]]
    assert main(["sessions", "--db", db_url, "--scenario", "nope"]) == 0
    assert "No sessions." in capsys.readouterr().out
    assert main(["sessions", "--db", db_url, "--limit", "1", "--offset", "1"]) == 0
    assert "2-2 of 3" in capsys.readouterr().out
    assert main(["sessions", "--db", db_url, "--since", "last tuesday"]) == 1
    assert "cannot read the date" in capsys.readouterr().err


def test_show_prints_the_transcript_scores_and_reviews(db_url: str, played: Played,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    [sid] = seed_sessions(db_url, played, [("amy", True)])
    assert main(["review", sid[:4], "--db", db_url, "--reviewer", "Lin", "--comment", "Kind and clear.",
                 "--score", "88", "--reason", "Budget done well"]) == 0
    assert f"Review saved on session {sid}" in capsys.readouterr().out
    assert main(["show", sid[:4], "--db", db_url]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Session {sid}: amy on {SCENARIO}")
    assert played.turns[0]["reply"][:30] in out.replace("\n", " ")
    assert "DEBRIEF" in out and "Empathy:" in out
    assert "Lin: override score 88" in out and f"machine score {played.record['scores']['overall']:.0f}, kept" in out
    assert "why: Budget done well" in out and "Kind and clear." in out

    assert main(["show", sid, "--db", db_url, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["record"] == played.record and data["reviews"][0]["override_score"] == 88
    assert main(["show", "zzzzzz", "--db", db_url]) == 1
    assert "no session 'zzzzzz'" in capsys.readouterr().err
    assert main(["review", sid, "--db", db_url, "--score", "50"]) == 1
    assert "needs a reason" in capsys.readouterr().err


def test_show_without_the_scenario_installed_still_shows_the_record(tmp_path: Path, played: Played,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "s.db")
    with Store.open(db) as store:
        sid = store.start_session(trainee="amy", scenario_id="retired-scenario", scenario_version=3, seed=1)
        for turn, state in zip(played.turns, played.states, strict=True):
            store.record_turn(sid, turn, state)
        store.finish_session(sid, played.record)
    assert main(["show", sid, "--db", db]) == 0
    out = capsys.readouterr().out
    assert "not installed here" in out and f"You: {played.turns[0]['reply'][:20]}" in out
    assert f"overall {played.record['scores']['overall']:.0f}" in out


def test_stored_text_cannot_restyle_the_terminal(tmp_path: Path, played: Played,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "s.db")
    evil = "Eve\x1b[2J\x1b]0;pwned\x07"
    with Store.open(db) as store:
        sid = store.start_session(trainee=evil, scenario_id=SCENARIO, scenario_version=1, seed=1)
        turn = {**played.turns[0], "reply": "hi\x1b[31m red"}
        store.record_turn(sid, turn, played.states[0])
        store.add_review(sid, reviewer="L\x1b[1m", comment="c\x1b[5m")
    assert main(["sessions", "--db", db]) == 0
    assert main(["show", sid, "--db", db]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "Eve" in out


# --------------------------------------------------------------------------- export

EVIL_NAMES = ["=HYPERLINK(\"http://x\",\"y\")", "+44 7700", "-2+3", "@SUM(A1)", "\tTab", "\rCR", "Zoë Ng"]


def test_csv_export_is_safe_to_open_in_a_spreadsheet(db_url: str, played: Played, tmp_path: Path) -> None:
    ids = seed_sessions(db_url, played, [(n, True) for n in EVIL_NAMES] + [("amy", False)])
    out = tmp_path / "out.csv"
    assert main(["export", "--format", "csv", "--db", db_url, "-o", str(out)]) == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert list(rows[0]) == list(CSV_COLUMNS) and len(rows) == len(ids)
    by_id = {r["id"]: r for r in rows}
    for sid, name in zip(ids, EVIL_NAMES, strict=False):
        stored = name.strip()  # the store trims names; a formula start inside the name still counts
        assert by_id[sid]["trainee"] == ("'" + stored if stored[0] in "=+-@" else stored)
    for r in rows:
        for value in r.values():
            assert not value or value[0] not in "=+-@\t\r", r
    done = by_id[ids[0]]
    assert done["status"] == ("passed" if played.record["passed"] else "failed")
    assert float(done["overall"]) == played.record["scores"]["overall"]
    assert done["started_utc"] == "2026-03-01 09:01:00" and done["n_turns"] == str(len(played.turns))
    assert by_id[ids[-1]]["status"] == "unfinished" and by_id[ids[-1]]["overall"] == ""
    assert not list(tmp_path.glob(".out.csv.*"))  # the temporary file is gone


def test_defuse_covers_every_formula_start() -> None:
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert defuse(f"{start}1+1") == f"'{start}1+1"
    assert defuse("Amy") == "Amy" and defuse(-3.5) == -3.5 and defuse("") == ""


def test_json_and_jsonl_exports_carry_full_records(db_url: str, played: Played, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    ids = seed_sessions(db_url, played, [("amy", True), ("bo", False), ("amy", True)])
    assert main(["export", "--format", "jsonl", "--db", db_url, "--trainee", "amy"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(x)["id"] for x in lines] == [ids[0], ids[2]]
    assert json.loads(lines[0])["record"] == played.record and json.loads(lines[0])["turns"] == played.turns
    out = tmp_path / "all.json"
    assert main(["export", "--format", "json", "--db", db_url, "-o", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [d["id"] for d in data] == ids and data[1]["record"] is None and len(data[1]["turns"]) == 2
    assert main(["export", "--format", "json", "--db", db_url, "--scenario", "none"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_xapi_export_gives_statements_a_learning_platform_accepts(db_url: str, played: Played,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    failing = play(1, played.replies[:1] + ["You need to pay this now or we take you to court."] * 8)
    ids = seed_sessions(db_url, played, [("amy", True), ("bo", False)])
    ids += seed_sessions(db_url, failing, [("cy", True)])
    with Store.open(db_url) as store:
        store.add_review(ids[0], reviewer="Lin", comment="", override_score=77, reason="r")
    assert main(["export", "--format", "xapi", "--db", db_url, "--xapi-base", "https://lms.example.org/"]) == 0
    statements = json.loads(capsys.readouterr().out)
    assert len(statements) == 2  # the unfinished call is not a result
    by_actor = {s["actor"]["name"]: s for s in statements}
    for name, st in by_actor.items():
        assert uuid.UUID(st["id"]).version == 5 and uuid.UUID(st["context"]["registration"])
        assert st["actor"] == {"objectType": "Agent", "name": name,
                               "account": {"homePage": "https://lms.example.org", "name": name}}
        assert st["verb"]["id"].startswith("http://adlnet.gov/expapi/verbs/")
        assert st["verb"]["display"]["en-US"] in ("passed", "failed")
        assert st["object"] == {"objectType": "Activity", "id": f"https://lms.example.org/scenarios/{SCENARIO}",
                                "definition": {"type": "http://adlnet.gov/expapi/activities/simulation",
                                               "name": {"en-US": SCENARIO}}}
        score = st["result"]["score"]
        assert 0 <= score["scaled"] <= 1 and score["min"] == 0 and score["max"] == 100
        assert score["scaled"] == pytest.approx(score["raw"] / 100, abs=1e-4)
        assert st["result"]["completion"] is True and st["result"]["duration"].startswith("PT")
        assert datetime.fromisoformat(st["timestamp"].replace("Z", "+00:00")).tzinfo is not None
        assert all(k.startswith("https://lms.example.org/xapi/extensions/") for k in st["result"]["extensions"])
    assert by_actor["amy"]["verb"]["display"]["en-US"] == ("passed" if played.record["passed"] else "failed")
    assert by_actor["cy"]["verb"]["id"] == "http://adlnet.gov/expapi/verbs/failed"
    assert by_actor["cy"]["result"]["success"] is False
    assert by_actor["amy"]["result"]["extensions"]["https://lms.example.org/xapi/extensions/reviewer-score"] == 77
    assert by_actor["amy"]["result"]["score"]["raw"] == played.record["scores"]["overall"]  # machine score kept
    # the same session always gives the same statement id (a re-import does not duplicate)
    with Store.open(db_url) as store:
        assert xapi_statement(store.get(ids[0]).summary, "https://lms.example.org")["id"] == by_actor["amy"]["id"]
    assert main(["export", "--format", "xapi", "--db", db_url, "--xapi-base", "not a url"]) == 1


def test_export_filters_match_sessions(db_url: str, played: Played, capsys: pytest.CaptureFixture[str]) -> None:
    ids = seed_sessions(db_url, played, [("amy", True), ("bo", True), ("amy", False)])
    assert main(["export", "--db", db_url, "--trainee", "amy", "--since", "2026-03-02"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["id"] for r in rows] == [ids[2]]


def test_run_says_loudly_that_it_stored_the_call(tmp_path: Path, played: Played,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 15: trainers' trial runs went into the cohort silently. `run` says it stored the call, where it
    shows, and how to keep a trial run out; with --no-store it says nothing of the kind."""
    db = str(tmp_path / "s.db")
    assert main(["run", SCENARIO, "--replies", replies_file(tmp_path, played.replies), "--db", db]) == 0
    err = capsys.readouterr().err
    with Store.open(db) as store:
        [s] = store.list_sessions()
    assert f"stored as session {s.id} (mode scripted)" in err and "--no-store" in err
    assert main(["run", SCENARIO, "--replies", replies_file(tmp_path, played.replies), "--no-store"]) == 0
    assert "stored as session" not in capsys.readouterr().err
