"""Drills beyond the call (issue 16): the rules as data, the drill files, drafts, scheduling, attempts, storage
and the `callsim drill` command. The table of drafts per rule is tests/test_drill_table.py; the scheduling
engine against an independent oracle is tests/test_schedule_property.py."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from callsim.cli import main
from callsim.core.drills.attempt import (
    Answer,
    DrillAttempt,
    attempt_draft,
    attempt_schedule,
    check_model,
    parse_answer,
)
from callsim.core.drills.drafts import Facts, check_draft, reading_grade
from callsim.core.drills.lint import lint_drills
from callsim.core.drills.model import DrillFileError, find_drill, load_library, parse_drill
from callsim.core.drills.render import feedback, marked
from callsim.core.drills.rules import rulebook
from callsim.core.drills.schedule import ContactCase, Event, Place, Question, decide
from callsim.core.store import Store

US = Facts(consumer="Dale Whitfield", agent="Sam Patel", business="Lakeshore Credit Services",
           message_name="Lakeshore Services", creditor="Cedar Valley Bank", phone="1-800-555-0142")


# ---------------------------------------------------------------------------------------------- rules as data
def test_every_rule_has_a_citation_a_fix_and_a_date_or_says_it_has_none() -> None:
    book = rulebook()
    assert len(book.ids()) == len(book.rules)
    for r in book.rules:
        assert r.citation and r.fix and r.title and r.meaning, r.id
        # a rule the team has not dated is a house rule or a state overlay not yet verified: never a silent gap
        assert r.effective is not None or "house rule" in r.citation or r.jurisdiction.startswith("US-"), r.id
    assert book.get("us_hours").effective == dt.date(2021, 11, 30)
    assert book.get("uk_breathing_space").effective == dt.date(2021, 5, 4)


def test_a_rule_not_yet_in_force_or_no_longer_in_force_does_not_apply() -> None:
    r = rulebook().get("us_opt_out")
    assert r.applies("written", "US", "sms", dt.date(2022, 1, 1))
    assert not r.applies("written", "US", "sms", dt.date(2021, 1, 1))  # before Reg F took effect
    assert not r.applies("written", "US", "letter")  # texts and email only
    assert not r.applies("written", "UK", "sms")


# ---------------------------------------------------------------------------------------------- drill files
def test_the_shipped_drills_load_and_lint_clean() -> None:
    entries, problems = load_library()
    assert problems == []
    problems, coverage = lint_drills()
    assert problems == []
    for rule in ("us_opt_out", "lcm_required", "us_hours"):
        assert coverage[rule], f"no shipped drill exercises {rule}"


def test_at_least_five_drills_of_each_kind_across_uk_and_us() -> None:
    entries, _ = load_library()
    for kind in ("written", "voicemail", "schedule"):
        mine = [e.drill for e in entries if e.drill.kind == kind]
        assert len(mine) >= 5, kind
        assert {d.jurisdiction for d in mine} == {"UK", "US"}, kind


def test_every_model_message_passes_its_own_drill() -> None:
    for e in load_library()[0]:
        if e.drill.kind != "schedule":
            result = check_model(e.drill)
            assert result.passed and not result.findings, (e.drill.id, result.findings)


def test_a_broken_drill_file_names_the_line_column_and_the_fix() -> None:
    text = "id: x\nkind: schedule\ntitle: T\njurisdiction: US\nbrief: b\ncase:\n  jurisdiction: US\n" \
           "  office_tz: Mars/Olympus\n  places: [{name: home, tz: America/Denver}]\nquestions:\n" \
           "  - {at: 2026-03-03 10:00, ask: \"May you\"}\n"
    with pytest.raises(DrillFileError) as e:
        parse_drill(text, "bad.yaml")
    assert str(e.value).startswith("bad.yaml:8:14: case.office_tz:")
    assert "not a time zone name" in str(e.value)
    with pytest.raises(DrillFileError, match=r"bad.yaml:2:\d+: .*not valid YAML"):
        parse_drill("id: x\n  kind: [\n", "bad.yaml")
    with pytest.raises(DrillFileError, match="needs a `channel` and a `model`"):
        parse_drill("id: x\nkind: written\ntitle: T\njurisdiction: UK\nbrief: b\n", "w.yaml")


# ---------------------------------------------------------------------------------------------- drafts
def _ids(result: object) -> set[str]:
    return {f.rule for f in result.findings}  # type: ignore[attr-defined]


def test_a_lawful_warm_text_passes_and_a_threatening_one_breaks_three_rules() -> None:
    good = check_draft("Hi Dale, it's Sam at Lakeshore Credit Services, a debt collector. Your $60 payment hasn't "
                       "come in. If things have changed, call me and we'll sort out a plan. Reply STOP to stop "
                       "texts.", channel="sms", jurisdiction="US", facts=US)
    assert good.passed, good.findings
    bad = check_draft("Dale pay the $60 today or we take you to court. STOP", channel="sms", jurisdiction="US",
                      facts=US)
    assert not bad.passed
    assert {"us_opt_out", "us_collector_disclosure", "false_or_misleading"} <= _ids(bad)
    court = next(f for f in bad.findings if f.rule == "false_or_misleading")
    assert "court" in court.evidence and bad.text[court.start:court.end] == court.evidence


def test_an_email_subject_that_names_the_debt_is_flagged_where_it_stands() -> None:
    r = check_draft("Dear Dale, this is a communication from a debt collector. Reply STOP to stop emails.",
                    channel="email", jurisdiction="US", subject="Overdue balance: $3,184.62", facts=US)
    f = next(f for f in r.findings if f.rule == "preview_reveals_debt")
    assert r.text[f.start:f.end] == "Overdue"
    neutral = check_draft("Dear Dale, this is a communication from a debt collector. Reply STOP to stop emails.",
                          channel="email", jurisdiction="US", subject="A message from Lakeshore", facts=US)
    assert "preview_reveals_debt" not in _ids(neutral)


def test_a_us_voicemail_must_be_a_limited_content_message() -> None:
    lcm = check_draft("Hi, this is Sam Patel from Lakeshore Services. Please call me back at 1-800-555-0142. "
                      "Thank you.", channel="voicemail", jurisdiction="US", facts=US)
    assert lcm.passed, lcm.findings
    said_too_much = check_draft("Hi Dale, Sam from Lakeshore Services about your Cedar Valley Bank account. "
                                "Call 1-800-555-0142 today.", channel="voicemail", jurisdiction="US", facts=US)
    assert "lcm_only" in _ids(said_too_much)
    missing = check_draft("Hi, it's Lakeshore Services. Call us back please.", channel="voicemail",
                          jurisdiction="US", facts=US)
    assert any(f.rule == "lcm_required" and "a phone number" in f.message for f in missing.findings)


def test_a_uk_voicemail_that_mentions_arrears_is_not_discreet() -> None:
    facts = Facts(consumer="Priya Shah", agent="Sam", business="Harbour Recoveries", message_name="Harbour",
                  creditor="Brightwell Energy", phone="0161 496 0123")
    r = check_draft("Hi Priya, it's Sam from Harbour about the arrears on your energy account. Call 0161 496 0123.",
                    channel="voicemail", jurisdiction="UK", facts=facts)
    assert "uk_voicemail_discreet" in _ids(r)
    ok = check_draft("Hello, this message is for Priya. It's Sam from Harbour; could you call me back on "
                     "0161 496 0123? Thanks.", channel="voicemail", jurisdiction="UK", facts=facts)
    assert ok.passed and not ok.findings, ok.findings


def test_news_promised_and_never_named_is_a_misleading_reason() -> None:
    facts = Facts(consumer="Priya Shah", agent="Sam", business="Harbour Recoveries", message_name="Harbour",
                  phone="0161 496 0123")
    bait = check_draft("hiya priya its sam from harbour, got some great news 4 u!! ring me on 0161 496 0123",
                       channel="sms", jurisdiction="UK", facts=facts)
    assert "misleading_reason" in _ids(bait)
    named = check_draft("Hi Priya, it's Sam from Harbour. Good news: your new plan is set up, and the first "
                        "payment of £40 is on 3 March. Any questions, ring me on 0161 496 0123.",
                        channel="sms", jurisdiction="UK", facts=facts)
    assert "misleading_reason" not in _ids(named)


def test_reading_grade_needs_enough_words_and_rises_with_long_words() -> None:
    assert reading_grade("Please call me.") is None
    plain = "We can help. Call us and we will find a plan you can pay. It is fine to pay a small sum. " * 2
    dense = ("Notwithstanding the aforementioned considerations, remittance of the outstanding indebtedness "
             "is requisite forthwith, pursuant to contractual obligations previously acknowledged. ") * 2
    assert reading_grade(plain) < 6 < 14 < reading_grade(dense)  # type: ignore[operator]


def test_marks_bracket_the_evidence_and_hostile_text_is_shown_as_text() -> None:
    findings = [{"start": 4, "end": 9, "rule": "x"}]
    assert marked("Pay today or else", findings) == "Pay [[today]](1) or else"
    drill = find_drill("text-first-reminder-us")
    a = attempt_draft(drill, "Hi \x1b[31mDale\x1b[0m, reply STOP to stop texts. A debt collector.")
    assert "\x1b" not in json.dumps(a.to_json()) and "\x1b" not in feedback(drill, a)


# ---------------------------------------------------------------------------------------------- scheduling
def _case(**kw: object) -> ContactCase:
    base: dict[str, object] = {"jurisdiction": "US", "office_tz": "America/New_York",
                               "places": [Place(name="home", tz="America/New_York")]}
    return ContactCase(**{**base, **kw})  # type: ignore[arg-type]


def test_the_eighth_call_in_seven_days_is_refused_and_the_reason_counts_them() -> None:
    calls = [Event(at=dt.datetime(2026, 3, d, 10), kind="call") for d in range(2, 9)]  # 7 calls, 2-8 March
    d = decide(_case(events=calls), Question(at=dt.datetime(2026, 3, 8, 15)))
    assert d.rules == ("us_seven_in_seven",) and "call 8" in d.breaches[0].reason
    assert d.next_allowed == dt.datetime(2026, 3, 9, 8, 0)  # the 2 March call leaves the window on the 9th
    consent = Event(at=dt.datetime(2026, 3, 8, 11), kind="consent")
    assert decide(_case(events=[*calls, consent]), Question(at=dt.datetime(2026, 3, 8, 15))).allowed


def test_texts_and_emails_need_an_address_you_may_use() -> None:
    case = _case(addresses=[{"id": "work", "medium": "email", "value": "d@employer.com", "source": "creditor_notice",
                             "work": True},
                            {"id": "home", "medium": "email", "value": "d@home.net", "source": "consumer_used"}])
    assert decide(case, Question(at=dt.datetime(2026, 3, 3, 10), medium="email", address="work")).rules \
        == ("us_email_text_permitted",)
    assert decide(case, Question(at=dt.datetime(2026, 3, 3, 10), medium="email", address="home")).allowed


def test_uk_breathing_space_forbids_asking_for_payment_only() -> None:
    case = ContactCase(jurisdiction="UK", office_tz="Europe/London", places=[Place(name="home", tz="Europe/London")],
                       breathing_space={"start": dt.date(2026, 3, 1), "end": dt.date(2026, 4, 29)})
    q = Question(at=dt.datetime(2026, 3, 10, 11))
    assert decide(case, q).rules == ("uk_breathing_space",)
    assert decide(case, q.model_copy(update={"purpose": "other"})).allowed
    assert decide(case, q).next_allowed == dt.datetime(2026, 4, 30, 8, 0)


def test_answers_parse_and_are_marked_against_the_computed_answer() -> None:
    drill = find_drill("schedule-two-time-zones-us")
    assert parse_answer("yes") == Answer(True)
    a = parse_answer("no us_hours when 2026-03-11 14:00")
    assert a == Answer(False, ("us_hours",), dt.datetime(2026, 3, 11, 14, 0))
    with pytest.raises(ValueError, match="unknown rule 'us_hourz'"):
        parse_answer("no us_hourz")
    with pytest.raises(ValueError, match='start with "yes" or "no"'):
        parse_answer("maybe")
    right = [Answer(False, ("us_hours",), dt.datetime(2026, 3, 11, 14)), Answer(True), Answer(True),
             Answer(False, ("us_hours",))]
    attempt = attempt_schedule(drill, right)
    assert attempt.passed and attempt.score == 100.0
    wrong = attempt_schedule(drill, [Answer(True), Answer(True), Answer(True), Answer(False, ("us_inconvenient",))])
    assert not wrong.passed and wrong.score == 50.0
    assert "us_hours" in wrong.rules
    with pytest.raises(ValueError, match="4 questions; 1 answers"):
        attempt_schedule(drill, [Answer(True)])


# ---------------------------------------------------------------------------------------------- attempts and store
def test_an_attempt_round_trips_through_json_and_the_store(tmp_path: Path) -> None:
    drill = find_drill("voicemail-limited-content-us")
    a = attempt_draft(drill, "Hi, Sam Patel from Lakeshore Services, please call me back at 1-800-555-0142.",
                      trainee="Ana")
    assert DrillAttempt.from_json(json.loads(json.dumps(a.to_json()))) == a
    with Store.open(f"sqlite:///{tmp_path / 's.db'}") as store:
        aid = store.save_attempt(a.to_json())
        rows = store.list_attempts(trainee="Ana")
        assert [r["id"] for r in rows] == [aid] and rows[0]["passed"] is True
        assert DrillAttempt.from_json(store.get_attempt(aid[:5])["data"]) == a
        assert store.list_attempts(trainee="Bo") == []


def test_cli_plays_headless_stores_and_lists(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CALLSIM_HOME", str(tmp_path))
    rc = main(["--trainee", "Ana", "drill", "play", "text-first-reminder-us", "--json", "--text",
               "Dale, pay now or we sue."])
    out = json.loads(capsys.readouterr().out)
    assert rc == 1 and out["passed"] is False and "us_opt_out" in out["rules"] and out["id"]
    rc = main(["--trainee", "Ana", "drill", "play", "schedule-two-time-zones-us", "--answer", "no us_hours",
               "--answer", "yes", "--answer", "yes", "--answer", "no us_hours"])
    text = capsys.readouterr().out
    assert rc == 0 and "Passed: 100/100" in text and "Stored as drill attempt" in text
    assert main(["drill", "attempts"]) == 0
    listing = capsys.readouterr().out
    assert "text-first-reminder-us" in listing and "schedule-two-time-zones-us" in listing
    assert main(["drill", "play", "schedule-two-time-zones-us", "--answer", "yes"]) == 1
    assert "4 questions; 1 answers" in capsys.readouterr().err


def test_a_store_fault_keeps_the_attempt_in_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CALLSIM_HOME", str(tmp_path))
    rc = main(["--trainee", "Ana", "drill", "play", "voicemail-limited-content-us", "--db",
               "postgresql://nobody@127.0.0.1:1/none", "--text", "Hi, Sam Patel, Lakeshore Services, call "
               "1-800-555-0142 please."])
    err = capsys.readouterr().err
    assert rc != 0 and "the attempt is kept in" in err
    kept = Path(err.split("the attempt is kept in ")[1].split(" and saved")[0].strip())
    body = json.loads(kept.read_text())
    assert body["attempt"]["drill_id"] == "voicemail-limited-content-us"
    assert body["store"].startswith("postgresql")  # it waits for that store, not another


def test_a_kept_attempt_is_saved_when_its_store_is_back(tmp_path: Path) -> None:
    from callsim.core.journal import keep_attempt, sync
    from callsim.core.store import store_target

    url = f"sqlite:///{tmp_path / 's.db'}"
    attempt = attempt_draft(find_drill("text-first-reminder-us"), "Dale, pay now.", trainee="Ana").to_json()
    kept = keep_attempt(attempt, store_target(url), tmp_path / "journal")
    other = keep_attempt(attempt, store_target("postgresql://nobody@127.0.0.1:1/none"), tmp_path / "journal")
    assert kept != other and kept.exists()  # kept in the same millisecond: still two files
    with Store.open(url) as store:
        result = sync(store, tmp_path / "journal")
        assert len(result.attempts_saved) == 1 and result.attempts_waiting == [other]
        rows = store.list_attempts(trainee="Ana")
    assert [r["drill_id"] for r in rows] == ["text-first-reminder-us"] and not kept.exists() and other.exists()


# ---------------------------------------------------------------------------------------------- team leads
def _two_attempts(store: Store) -> None:
    bad = attempt_draft(find_drill("text-first-reminder-us"), "=HYPERLINK(pay now)", trainee="=<b>Ana")
    good = attempt_draft(find_drill("voicemail-limited-content-us"),
                         "Hi, this is Sam Patel from Lakeshore Services. Please call me back at 1-800-555-0142.",
                         trainee="Bo")
    store.save_attempt(bad.to_json())
    store.save_attempt(good.to_json())


def test_attempts_export_as_csv_json_and_xapi(tmp_path: Path) -> None:
    import csv
    import io

    from callsim.core.exports.attempts import write

    with Store.open(f"sqlite:///{tmp_path / 's.db'}") as store:
        _two_attempts(store)
        rows = store.list_attempts()
    out = io.StringIO()
    assert write(rows, "csv", out) == 2
    table = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert {r["trainee"] for r in table} == {"'=<b>Ana", "Bo"}  # a name cannot start a spreadsheet formula
    assert next(r for r in table if r["trainee"] == "Bo")["passed"] == "yes"
    out = io.StringIO()
    write(rows, "xapi", out, "https://lrs.example.org")
    statements = json.loads(out.getvalue())
    verbs = {s["actor"]["name"]: s["verb"]["display"]["en-US"] for s in statements}
    assert verbs == {"=<b>Ana": "failed", "Bo": "passed"}
    assert statements[0]["object"]["id"].startswith("https://lrs.example.org/drills/")
    out = io.StringIO()
    write(rows, "jsonl", out)
    assert [json.loads(line)["drill_id"] for line in out.getvalue().splitlines()] == \
        [r["drill_id"] for r in rows]


def test_the_report_has_a_drills_section_with_the_rules_most_often_broken(tmp_path: Path) -> None:
    from callsim.core.reporting import build, drill_summary, render_report

    with Store.open(f"sqlite:///{tmp_path / 's.db'}") as store:
        _two_attempts(store)
        summary = drill_summary(store, {})
        page = render_report(build(store, {}), {}, drills=summary)
        only_bo = drill_summary(store, {"trainee": "Bo"})
    assert summary.attempts == 2 and only_bo.attempts == 1
    assert '<section id="drills">' in page and "us_opt_out" in page
    assert "<td class=name>=&lt;b&gt;Ana</td>" in page and "<b>Ana" not in page  # a name is shown as text


# ---------------------------------------------------------------------------------------------- rules in scenarios
def test_a_scenario_names_the_rules_it_trains_lint_checks_them_and_the_debrief_cites_them() -> None:
    from callsim.core.loader import load_text
    from callsim.core.report import rules_cited

    root = Path(__file__).resolve().parents[1]
    text = (root / "scenarios" / "time_barred_us.yaml").read_text(encoding="utf-8")
    good = load_text(text, "t.yaml", run_walkthroughs=False)
    assert good.scenario is not None and not good.errors
    assert good.scenario.rules[:2] == ["us_time_barred_no_suit", "ny_payment_no_revival"]
    assert rules_cited(good.scenario)[0] == ("No suit, and no threat of suit, on a time-barred debt "
                                             "(12 CFR 1006.26(b), in force since 2021-11-30)")
    line = next(x for x in text.splitlines() if x.startswith("rules:"))
    broken = text.replace(line, "rules: [us_time_bared_no_suit, uk_statute_barred_no_court]")
    errors = [d for d in load_text(broken, "t.yaml", run_walkthroughs=False).errors if d.code == "E123"]
    assert len(errors) == 2
    assert "Did you mean 'us_time_barred_no_suit'" in errors[0].hint or "us_time_barred_no_suit" in errors[0].hint
    assert "UK law; this scenario is US" in errors[1].message
    _, coverage = lint_drills()
    assert "scenario time-barred-us" in coverage["us_time_barred_no_suit"]


def test_the_apps_debrief_lists_the_rules_the_call_trains() -> None:
    from callsim.core.engine import CompiledScenario
    from callsim.core.loader import load_scenario
    from callsim.tui.record_view import scores_content

    root = Path(__file__).resolve().parents[1]
    scenario = load_scenario(root / "scenarios" / "statute_barred_uk.yaml", run_walkthroughs=False).scenario
    assert scenario is not None
    call = CompiledScenario(scenario).new_call(1)
    call.respond("Hello, could I speak to Elaine Corrigan please?")
    text = scores_content(call.record(), scenario).plain
    assert "Rules this call trains" in text and "CONC 7.15.8, in force since 2014-04-01" in text


def test_lint_names_a_drill_scenario_that_does_not_exist(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("id: x\nkind: voicemail\ntitle: T\njurisdiction: US\nbrief: b\nchannel: voicemail\n"
                    "scenario: job-los-us\nmodel: Hi, this is Sam Patel from Lakeshore Services. Please call me "
                    "back at 1-800-555-0142.\nfacts: {agent: Sam Patel, message_name: Lakeshore Services, "
                    "phone: 1-800-555-0142}\n", encoding="utf-8")
    problems, _ = lint_drills([path])
    assert problems == [f"{path}: scenario: no scenario 'job-los-us', so the draft would be checked without its "
                        "debt facts. Did you mean 'job-loss-us'? `callsim list` shows them."]
