"""The app's pieces that need no screen: rewind, export, cards, rendering, the store thread."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from callsim.core.cards import Card, Catalog, ScenarioProblem, read_card
from callsim.core.engine import CompiledScenario, state_before_turn
from callsim.core.exports.markdown import md_escape, transcript_markdown
from callsim.core.library import load_library
from callsim.core.loader import load_text
from callsim.core.models import Scenario
from callsim.core.record import CallRecord, CallState, Turn
from callsim.core.store_thread import Recorder, SessionLog
from callsim.tui import render
from tests.test_tui_support import FIXTURE_YAML, GOOD_REPLIES, install_fixture


def fixture_scenario() -> Scenario:
    result = load_text(FIXTURE_YAML, "fixture.yaml", run_walkthroughs=False)
    assert result.scenario is not None and not result.errors, [d.format() for d in result.errors]
    return result.scenario


def states_before_each_turn(compiled: CompiledScenario, replies: list[str] | tuple[str, ...],
                            seed: int = 1) -> tuple[list[dict[str, Any]], CallRecord]:
    call = compiled.new_call(seed)
    before = []
    for reply in replies:
        if call.ended:
            break
        before.append(json.loads(call.to_json()))
        call.respond(reply)
    return before, call.record()


# --------------------------------------------------------------------------- rewind


def test_rewind_rebuilds_the_exact_state_before_each_turn() -> None:
    compiled = CompiledScenario(fixture_scenario())
    before, record = states_before_each_turn(compiled, GOOD_REPLIES)
    assert len(before) == 3
    for i, expected in enumerate(before, 1):
        got = json.loads(json.dumps(state_before_turn(compiled.scenario, record, i).to_json(), sort_keys=True))
        assert got == expected, f"turn {i}"
        call = compiled.restore(got)
        assert call.node_id == record.turns[i - 1].node
        assert call.line.text == record.turns[i - 1].debtor.text  # the same words as the first time
        call._release()


def test_rewind_matches_the_engine_on_every_shipped_walkthrough() -> None:
    """The same property on real scenarios: flags, disclosures, plans, seen behaviours and all."""
    from callsim.core.walkthrough import compiled_for

    checked = 0
    for entry in load_library():
        s = entry.result.scenario
        if s is None or entry.result.errors:
            continue
        compiled = compiled_for(s)
        for w in s.walkthroughs:
            before, record = states_before_each_turn(compiled, w.replies, w.seed)
            for i, expected in enumerate(before, 1):
                got = json.loads(json.dumps(state_before_turn(compiled.scenario, record, i).to_json(), sort_keys=True))
                assert got == expected, f"{s.id} / {w.name} / turn {i}"
                checked += 1
    assert checked > 0


def test_rewound_call_plays_on_like_the_original() -> None:
    compiled = CompiledScenario(fixture_scenario())
    _, record = states_before_each_turn(compiled, GOOD_REPLIES)
    call = compiled.rewind(record, 2)
    turn = call.respond(GOOD_REPLIES[1]).to_json()
    original = record.turns[1].to_json()
    assert {k: turn[k] for k in ("node", "next", "mood", "flags", "scores")} == \
        {k: original[k] for k in ("node", "next", "mood", "flags", "scores")}
    call._release()


def test_rewind_refuses_a_turn_that_does_not_exist() -> None:
    compiled = CompiledScenario(fixture_scenario())
    _, record = states_before_each_turn(compiled, GOOD_REPLIES[:1])
    with pytest.raises(ValueError, match="no turn 5"):
        compiled.rewind(record, 5)


# --------------------------------------------------------------------------- export


def test_markdown_export_is_inert_and_complete() -> None:
    scenario = fixture_scenario()
    compiled = CompiledScenario(scenario)
    call = compiled.new_call(1)
    call.respond("# Heading? *bold* [link](http://x) <b>html</b> \x1b[31mred")
    call.end_by_trainee()
    record = call.record()
    md = transcript_markdown(record, scenario, trainee="Jo *Star*")
    assert md.startswith("# Fixture: Alex and the water bill\n")
    assert "- Trainee: Jo \\*Star\\*" in md
    assert "> \\# Heading? \\*bold\\* \\[link\\](http://x) \\<b\\>html\\</b\\>" in md
    assert "\x1b" not in md
    assert "**Alex** *(kids in the background)*" in md
    assert "> Hello? Who's this? \\[sounds busy\\]" in md
    assert record.outcome is not None
    assert f"- Outcome: {record.outcome.label} ({record.outcome.result})" in md
    assert f"- Overall: {record.scores.overall:.0f}/100 (pass mark 60), did not pass: " in md
    assert "the overall score" in md and "below the pass mark 60" in md and "- How: 35% of empathy" in md
    assert md_escape("a|b_c`d") == "a\\|b\\_c\\`d"


# --------------------------------------------------------------------------- cards


def test_cards_read_fast_and_match_queries(tmp_path: Path) -> None:
    path = install_fixture(tmp_path)
    card = read_card(path)
    assert (card.id, card.difficulty, card.jurisdiction, card.situation_words) == \
        ("tui-fixture", 2, "UK", "job loss")
    assert card.persona == "Alex Morgan" and card.age == 41 and "water" in card.tags
    for query, hit in [("", True), ("water", True), ("ALEX", True), ("job loss", True), ("d:2", True),
                       ("d:3", False), ("j:uk", True), ("j:us", False), ("tag:reduced", True),
                       ("tag:gambling", False), ("water nonsense", False), ("d:x", False)]:
        assert card.matches(query) is hit, query


def test_cards_from_the_header_equal_cards_from_the_whole_file(tmp_path: Path) -> None:
    import yaml

    from callsim.core.cards import CARD_KEYS, card_header
    from callsim.core.library import scenario_files

    for path in scenario_files():
        text = path.read_text(encoding="utf-8")
        header = card_header(text)
        assert header is not None and "nodes:" not in header, path
        whole, part = yaml.safe_load(text), yaml.safe_load(header)
        assert part == {k: v for k, v in whole.items() if k in CARD_KEYS}, path
    # Unusual files are read whole, so their cards are still right.
    odd = {
        "flow.yaml": "{id: flow, title: Flow, difficulty: 2}\n",
        "alias.yaml": "ages: &age 33\nid: alias\ntitle: Alias\npersona: {name: Al, age: *age}\n",
        "text-first.yaml": "just text\n",
    }
    for name, text in odd.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert read_card(tmp_path / "flow.yaml").difficulty == 2
    assert read_card(tmp_path / "alias.yaml").age == 33
    assert "mapping" in read_card(tmp_path / "text-first.yaml").broken
    assert card_header("# comment\n---\nid: x\nnodes:\n  a: 1\ntitle: T\n") == "id: x\ntitle: T\n"


def test_broken_files_become_broken_cards(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: [unclosed\n", encoding="utf-8")
    assert read_card(bad).broken.startswith("cannot read")
    listy = tmp_path / "list.yaml"
    listy.write_text("- 1\n", encoding="utf-8")
    assert "mapping" in read_card(listy).broken
    invalid = tmp_path / "invalid.yaml"
    invalid.write_text("id: invalid\ntitle: Invalid\n", encoding="utf-8")
    catalog = Catalog(extra=[str(invalid)])
    catalog.load_cards()
    card = catalog.find("invalid")
    assert isinstance(card, Card) and not card.broken
    with pytest.raises(ScenarioProblem, match="error"):
        catalog.scenario(card.path)


# --------------------------------------------------------------------------- rendering


def test_reply_highlights_evidence_and_never_reads_markup() -> None:
    text = "[b]I'm so sorry[/b] \x1b[31m"
    clean = render.clean(text)
    start = clean.index("sorry")
    scores = {"behaviours": [{"kind": "reward", "evidence": [{"text": "sorry", "start": start, "end": start + 5}]}],
              "violations": [{"evidence": [{"text": "nope", "start": 0, "end": 4}]}]}  # wrong offsets: ignored
    content = render.reply(clean, scores)
    assert content.plain == f"You: {clean}"
    assert "\x1b" not in content.plain
    styled = [(s.start, s.end, str(s.style)) for s in content.spans]
    assert (start + 5, start + 10, render.GOOD) in styled
    assert not any(render.BAD == style for *_, style in styled)


def test_meters_and_charts_carry_numbers_and_words() -> None:
    m = render.meter("anger", 7, 0, 10, before=4, width=10)
    assert m.plain == "anger    ███████░░░ 7/10 high ▲3"
    assert render.meter("trust", 2, 0, 10, before=2.5).plain.endswith("low ▼0.5")
    chart = render.mood_chart({"trust": [3, 4, 8], "anger": [4, 4, 4]}, {"trust": (0, 10), "anger": (0, 10)})
    assert "3 → 8 of 10 (rose)" in chart.plain and "4 → 4 of 10 (steady)" in chart.plain
    # issue 15: the chart ended on rising trust above a hang-up; it ends with how the call ended
    ended = render.mood_chart({"trust": [3, 4, 8]}, {"trust": (0, 10)}, ending=("Travis hung up", "failed"))
    assert ended.plain.splitlines()[-1] == "then  Travis hung up (failed)"
    assert render.spark([0, 5, 10], 0, 10) == "▁▅█"
    assert render.clock(125.9) == "02:05"
    assert render.band(9.9, 0, 10) == "very high"


def test_feedback_names_behaviours_violations_and_the_better_way() -> None:
    scores = {
        "empathy": 20.0, "deescalation": 30.0,
        "behaviours": [{"kind": "reward", "label": "Shows warmth", "evidence": [{"text": "sorry"}]},
                       {"kind": "penalty", "label": "Orders them about", "why": "It inflames.",
                        "evidence": [{"text": "calm down"}]}],
        "violations": [{"label": "Threatens arrest", "severity": "blocker", "why": "Never lawful.",
                        "evidence": [{"text": "jail"}]}],
        "better": {"missed": ["exploration"], "tips": ["Ask an open question."], "model_answer": "How are you?"},
    }
    text = render.feedback(scores, {"exploration": "Asks about their situation"}).plain
    for want in ("Empathy 20 · De-escalation 30", "+ Shows warmth \u201csorry\u201d",
                 "- Orders them about \u201ccalm down\u201d", "! BLOCKER Threatens arrest \u201cjail\u201d",
                 "Never lawful.", "Missed: Asks about their situation", "Tip: Ask an open question.",
                 "Better: \u201cHow are you?\u201d"):
        assert want in text, want


# --------------------------------------------------------------------------- the store thread


class FakeStore:
    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.threads: set[int] = set()
        self.closed = False

    def _note(self, name: str, arg: Any) -> None:
        self.threads.add(threading.get_ident())
        time.sleep(0.002)
        self.calls.append((name, arg))

    def start_session(self, **kw: Any) -> str:
        self._note("start", kw["scenario_id"])
        return "s1"

    def record_turn(self, sid: str, turn: Turn, state: CallState) -> None:
        self._note("turn", (sid, turn.index))

    def finish_session(self, sid: str, record: CallRecord) -> None:
        self._note("finish", sid)

    def close(self) -> None:
        self.closed = True


def played_turns() -> tuple[list[Turn], list[CallState], CallRecord]:
    """The fixture's call with GOOD_REPLIES: its three turns, the state after each, and its record."""
    call = CompiledScenario(fixture_scenario()).new_call(1)
    turns, states = [], []
    for reply in GOOD_REPLIES:
        turns.append(call.respond(reply))
        states.append(call.state())
    return turns, states, call.record()


def test_store_writes_run_in_order_on_one_thread_off_the_caller() -> None:
    store = FakeStore()
    recorder = Recorder(lambda: store)
    log = SessionLog(recorder, trainee="t", scenario_id="x", scenario_version=1, seed=1, mode="coaching")
    turns, states, record = played_turns()
    futures = [log.start()] + [log.turn(t, s) for t, s in zip(turns, states, strict=True)] + [log.finish(record)]
    for f in futures:
        f.result(timeout=5)
    assert store.calls == [("start", "x"), ("turn", ("s1", 1)), ("turn", ("s1", 2)), ("turn", ("s1", 3)),
                           ("finish", "s1")]
    assert len(store.threads) == 1 and threading.get_ident() not in store.threads
    recorder.close()
    assert store.closed
    with pytest.raises(RuntimeError, match="closed"):
        recorder.submit(lambda s: None).result(timeout=1)


def test_a_turn_whose_write_fails_is_saved_with_the_next_one(tmp_path: Path) -> None:
    from callsim.core.store import Store, StoreError

    store = Store.open(f"sqlite:///{tmp_path / 'c.db'}")
    real = store.record_turn
    fail_once = [True]

    def flaky(sid: str, turn: Turn, state: CallState) -> None:
        if turn.index == 2 and fail_once:
            fail_once.clear()
            raise StoreError("database is locked")
        real(sid, turn, state)

    store.record_turn = flaky  # type: ignore[method-assign]
    recorder = Recorder(lambda: store)
    log = SessionLog(recorder, trainee="t", scenario_id="x", scenario_version=1, seed=1, mode="coaching")
    sid = log.start().result(timeout=5)
    turns, states, _ = played_turns()
    log.turn(turns[0], states[0]).result(timeout=5)
    with pytest.raises(RuntimeError, match="database is locked"):  # the app is told...
        log.turn(turns[1], states[1]).result(timeout=5)
    log.turn(turns[2], states[2]).result(timeout=5)  # ...and turn 2 is written with turn 3
    assert [t["index"] for t in store.get(sid).turns] == [1, 2, 3]
    recorder.close()


def test_a_failed_store_fails_each_write_not_the_caller() -> None:
    def broken() -> Any:
        raise OSError("read-only file system")

    from callsim.core.journal import pending
    from callsim.core.store import StoreError
    from callsim.core.store_thread import NotSaved

    recorder = Recorder(broken)
    log = SessionLog(recorder, trainee="t", scenario_id="x", scenario_version=1, seed=1, mode="coaching")
    with pytest.raises(StoreError, match="read-only file system"):
        log.start().result(timeout=5)
    turns, states, _ = played_turns()
    # issue 14: the turn is not lost: it is kept in the journal, and the caller is told why
    with pytest.raises(NotSaved, match="read-only.*kept on this computer"):
        log.turn(turns[0], states[0]).result(timeout=5)
    assert log.unsaved == 1 and recorder.unsaved() == [log]
    kept = pending()
    assert [j.session_id for j in kept] == [log.session_id] and [t["turn"] for t in kept[0].turns] == [
        turns[0].to_json()]
    recorder.close()


def test_the_brief_names_each_breakdown_kind_once() -> None:
    """Issue 15: crisis-us showed "card balance (principal) (principal)". The kind is added only when the
    label does not already say it, in every shipped scenario."""
    from callsim.tui.screens.brief import brief_content

    for entry in load_library():
        scenario = entry.result.scenario
        if scenario is None:
            continue
        text = brief_content(scenario).plain
        for kind in ("principal", "interest", "fee", "charge", "other"):
            assert f"({kind}) ({kind})" not in text, (scenario.id, kind)
        for item in scenario.debt.breakdown:
            assert item.kind in text.lower(), (scenario.id, item.label)
    alex = fixture_scenario()
    doubled = alex.debt.breakdown[0].model_copy(update={"label": f"Bills ({alex.debt.breakdown[0].kind})"})
    debt = alex.debt.model_copy(update={"breakdown": [doubled]})
    text = brief_content(alex.model_copy(update={"debt": debt})).plain
    assert f"bills ({doubled.kind})" in text and f"({doubled.kind}) ({doubled.kind})" not in text


def test_lines_spoken_by_someone_else_carry_their_name() -> None:
    """Issue 15: third-party-us labelled Peggy's lines "Theo: No, I'm his mother, Peggy". A persona's
    on_the_line names who speaks; the call, debrief, plain mode, text report and Markdown export use it."""
    from callsim.core.report import transcript
    from callsim.tui.record_view import transcript_content

    entry = next(e for e in load_library() if e.result.scenario and e.result.scenario.id == "third-party-us")
    scenario = entry.result.scenario
    assert scenario is not None and scenario.persona.voice == "Peggy"
    assert fixture_scenario().persona.voice == fixture_scenario().persona.name.split()[0]
    call = CompiledScenario(scenario).new_call(1)
    call.respond("Hi, this is Jordan from Bramwell Associates. Could I speak with Theo Brandvold, please?")
    record = call.record()
    md = transcript_markdown(record, scenario)
    assert "**Peggy**" in md and "**Theo**" not in md
    text = transcript(record.turns, scenario, record.seed)
    assert "\nPeggy" in text and "\nTheo" not in text
    shown = transcript_content(record.turns, scenario).plain
    assert "Peggy" in shown and "Theo " not in shown.split("\n")[0]


def test_the_debtors_last_line_is_in_every_transcript() -> None:
    """Issue 15: `callsim show` (and the debrief's transcript, the review app and the export) left out what
    the debtor said after the last reply: the goodbye, or the hang-up."""
    from callsim.core.engine import final_line
    from callsim.core.report import transcript
    from callsim.tui.record_view import transcript_content

    scenario = fixture_scenario()
    compiled = CompiledScenario(scenario)
    call = compiled.new_call(1)
    assert final_line(scenario, call.record()) is None  # not finished
    for reply in GOOD_REPLIES:
        if not call.ended:
            call.respond(reply)
    assert call.ended and call.node.is_final
    record = call.record()
    last = final_line(scenario, record)
    assert last is not None and last.text == call.line.text
    assert last.text not in [t.debtor.text for t in record.turns]
    said = " ".join(last.text.split())
    for shown in (transcript(record.turns, scenario, record.seed, last),
                  transcript_content(record.turns, scenario, last).plain, transcript_markdown(record, scenario)):
        assert said in " ".join(shown.replace("> ", " ").split())


def test_the_brief_shows_what_to_practise() -> None:
    """The learning goals were shown nowhere a trainee looks (issue 15 asks for them documented; the format
    said "shown in the library"): the brief lists them before the call."""
    from callsim.tui.screens.brief import brief_content

    entry = next(e for e in load_library() if e.result.scenario and e.result.scenario.id == "medical-emergency-uk")
    scenario = entry.result.scenario
    assert scenario is not None and scenario.learning_goals
    text = brief_content(scenario).plain
    assert "What to practise" in text
    for goal in scenario.learning_goals:
        assert f"\u2022 {goal}" in text
    assert text.index("What to practise") < text.index("On your screen")
    assert "What to practise" not in brief_content(fixture_scenario().model_copy(update={"learning_goals": []})).plain


@pytest.mark.parametrize("words", [True, False])
def test_a_meter_row_is_never_wider_than_its_room(words: bool) -> None:
    """The meters keep one shape for the call (issue 15): every value and change fits the room they were laid
    out for, halves and quarter points from tuned nudges included, so a row never wraps mid-call."""
    room = render.meter_room(9, 0, 10, words=words)
    for value in (0, 0.25, 4.5, 9.5, 9.75, 10):
        for before in (None, value - 0.5, value + 0.25, 0, 10):
            row = render.meter("distress", value, 0, 10, before, width=10, label_width=9, words=words)
            assert row.cell_length <= room, row.plain
    # and the sidebar rooms: 80 columns (29 cells) fit the short form, 120 columns (41) the full one
    assert render.meter_room(9, 0, 10, words=False) <= 29 and render.meter_room(9, 0, 10, words=True) <= 41
