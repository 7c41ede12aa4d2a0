"""The learned language layer (callsim.core.understanding): its shipped files, how it reads typed text,
what happens when it cannot load, and that what it learned from the corpus holds when people type badly.

These tests are written by the same hand as the corpus; they show the layer works on what we thought of.
How well it generalises is measured on the held-out split and the dev sets (docs/scoring.md), not here.
"""

from __future__ import annotations

import hashlib
import random
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from callsim.core.scorer import Scorer, ScoringContext
from callsim.core.understanding import context
from callsim.core.understanding import encoder as enc
from callsim.core.understanding import learned as lrn
from callsim.core.understanding.corpus import LABELS, VIOLATIONS, corpus_digest, load_corpus
from callsim.core.understanding.debtor import KINDS, DebtorHead
from callsim.core.understanding.debtor import digest as debtor_digest
from callsim.core.understanding.train import Heads, fit, fit_logistic
from callsim.core.understanding.typing import expand


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    return Scorer()


# ---- the shipped files ----------------------------------------------------------------------------------


def test_shipped_encoder_files_match_their_checksums() -> None:
    for name, digest in enc.CHECKSUMS.items():
        path = enc.DATA / name
        assert path.is_file(), f"{path} is missing: run scripts/convert-encoder"
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    enc.verify_files()  # raises when a file is missing or changed


def test_heads_were_trained_on_the_corpus_as_it_is_now() -> None:
    heads = Heads.load()
    assert heads.digest == corpus_digest(), "the corpus changed since training: run scripts/train-understanding"
    assert heads.labels == LABELS
    assert heads.coef.shape[0] == len(LABELS)
    # every line of a label is kept as evidence, in corpus order (lines of none are not stored)
    labelled = [e for e in load_corpus() if e.label in LABELS]
    assert [str(t) for t in heads.example_text] == [e.text for e in labelled]
    assert [str(w) for w in heads.example_where] == [e.where for e in labelled]


@pytest.mark.parametrize("name", sorted(KINDS))
def test_each_head_on_the_debtor_line_was_trained_on_its_corpus_as_it_is_now(name: str) -> None:
    kind = KINDS[name]
    assert DebtorHead.load(kind.path).digest == debtor_digest(kind), (
        f"data/corpus/debtor/{kind.files[0]} or {kind.files[1]} changed: run scripts/train-understanding")


@pytest.mark.parametrize("name", sorted(context.KINDS))
def test_each_head_on_a_reply_in_context_was_trained_on_its_corpus_as_it_is_now(name: str) -> None:
    kind = context.KINDS[name]
    assert context.ContextHead.load(kind.path).digest == context.digest(kind), (
        f"data/corpus/context/{kind.file} or a file it takes lines from changed: run scripts/train-understanding")


def test_a_pair_that_is_not_one_names_its_file_and_line(tmp_path: Path) -> None:
    kind = context.KINDS["brush"]
    (tmp_path / kind.file).write_text('{"debtor": "Not mine.", "reply": "Pay up.", "label": "brush", "dispute": true}\n'
                                      '{"debtor": "Not mine."}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=rf"{kind.file}:2: not a pair"):
        context.load_pairs(kind, tmp_path)


def test_the_brush_aside_head_learns_from_replies_to_a_dispute_and_warm_lines_after_one() -> None:
    kind = context.KINDS["brush"]
    pairs = context.load_pairs(kind)
    assert not any(p.label == "brush" and not p.signal for p in pairs)  # nothing is brushed aside after no dispute
    debtors, replies, y = context.training_rows(kind)
    answering = [p for p in pairs if p.signal]
    assert len(answering) < len(pairs)  # the pairs after no dispute are kept in the file, not learned from
    assert int(y.sum()) == sum(p.label == "brush" for p in answering)
    assert len(replies) == len(debtors) == len(y) > len(answering) and not y[len(answering):].any()
    assert set(debtors) <= {expand(p.debtor).text for p in answering}


# Lines of our own, in neither corpus file (nor heldout/debtor): what each head on the debtor's line is, said
# without the words the rules know (_VULNERABLE, _THEY_DISPUTE), and lines that are not.
_DEBTOR_LINES = {
    "crisis": (("they would all be better off if I wasn't around",
                "my son normally opens all the post for me, I get in a muddle with letters",
                "she hit me again last night and I've taken the kids to my sister's"),
               ("money is tight until payday but I'll sort it", "why have you added a fee to this?",
                "I can do forty a month from the 28th")),
    "dispute": (("Hang on, that store card got closed when I moved to Leeds, they wrote and said it was cleared.",
                 "My brother used my name for that catalogue, I've never bought a thing off them in my life.",
                 "Eleven hundred? I only ever spent about three hundred on that card."),
                ("I'm not arguing about what I owe, I just can't find the money this month.",
                 "Yeah, that's the card I used for the car repairs last winter.",
                 "Can you stop ringing me at work? My manager's getting funny about it.")),
}


@pytest.mark.parametrize("kind", sorted(_DEBTOR_LINES))
def test_each_head_on_the_debtor_line_reads_its_kind_said_without_the_plain_words(kind: str) -> None:
    learned = lrn.get_learned()
    assert learned is not None
    threshold = getattr(learned.thresholds, kind)
    yes, no = _DEBTOR_LINES[kind]
    for line in yes:
        assert learned.debtor(kind, line) >= threshold, line
    for line in no:
        assert learned.debtor(kind, line) < threshold, line


def test_a_missing_crisis_head_says_so_and_the_rules_still_score(monkeypatch: pytest.MonkeyPatch,
                                                                 tmp_path: Path) -> None:
    monkeypatch.setitem(lrn.DEBTOR_HEADS, "crisis", tmp_path / "crisis.npz")
    lrn.reset()
    try:
        assert lrn.get_learned() is None
        assert "crisis head" in lrn.status() and "missing" in lrn.status()
        turn = Scorer().score("Sorry to hear that. Can you pay something today?",
                              ScoringContext(debtor_line="I've just come out of hospital."))
        assert "pressure_after_vulnerability" in turn.violation_ids  # the plain words still count
    finally:
        lrn.reset()


@pytest.mark.parametrize("name", ["press", "life"])
def test_the_pressing_heads_learn_from_replies_after_a_disclosure_and_warm_lines_after_one(name: str) -> None:
    kind = context.KINDS[name]
    pairs = context.load_pairs(kind)
    assert pairs and all(p.signal for p in pairs) and {p.label for p in pairs} == {"press", "fine"}
    debtors, replies, y = context.training_rows(kind)
    assert int(y.sum()) == sum(p.label == "press" for p in pairs)
    assert len(replies) == len(debtors) == len(y) > len(pairs) and not y[len(pairs):].any()


@pytest.mark.parametrize(("name", "what"), [("press", "pressing head"), ("brush", "brush-aside head"),
                                            ("life", "life-event pressing head"),
                                            ("contact", "contact-limit reply head")])
def test_a_missing_head_on_a_reply_in_context_says_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str,
                                                       what: str) -> None:
    monkeypatch.setitem(lrn.CONTEXT_HEADS, name, tmp_path / f"{name}.npz")
    lrn.reset()
    try:
        assert lrn.get_learned() is None
        assert what in lrn.status() and "missing" in lrn.status()
    finally:
        lrn.reset()


def test_encoder_puts_paraphrases_closer_than_unrelated_lines() -> None:
    e = enc.get_encoder()
    x = e.encode(["You will be arrested if you don't pay.", "The police will come for you over this debt.",
                  "Could you tell me how you have been coping?"])[:, : enc.DIM]
    assert x.shape == (3, enc.DIM)
    assert np.allclose(np.linalg.norm(x, axis=1), 1.0, atol=1e-4)
    assert float(x[0] @ x[1]) > float(x[0] @ x[2]) + 0.2


def test_encoding_is_the_same_alone_and_in_a_batch() -> None:
    e = enc.get_encoder()
    texts = ["hi", "I'm so sorry to hear about your mum, that must have been a terrible shock for you all."]
    batch = e.encode(texts)
    e._cache.clear()
    alone = np.vstack([e.encode([t]) for t in texts])
    assert np.allclose(batch, alone, atol=1e-4)


def test_copies_of_a_text_get_one_vector_whatever_the_batching() -> None:
    # Two copies in different batches (one padded) once came out 1e-7 apart, and which of two equal sentences a
    # head rated highest, the evidence shown, moved with the batching.
    e = enc.get_encoder()
    e._cache.clear()
    same = "We can look at it again next week."
    out = e.encode(["Hi.", same, same, "This is a much longer sentence about the account and the plan we talked "
                    "about on Monday, is it not?"], batch_size=2)
    assert np.array_equal(out[1], out[2])


# ---- rules only when the layer cannot load ---------------------------------------------------------------


@pytest.fixture
def broken_encoder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The encoder's directory with its weights file corrupted; the loaded layer forgotten before and after."""
    for name in enc.CHECKSUMS:
        shutil.copy(enc.DATA / name, tmp_path / name)
    weights = tmp_path / enc.WEIGHTS.name
    data = bytearray(weights.read_bytes())
    data[len(data) // 2] ^= 0xFF
    weights.write_bytes(bytes(data))
    monkeypatch.setattr(enc, "DATA", tmp_path)
    monkeypatch.setattr(enc, "_ENCODER", None)
    monkeypatch.setattr(enc, "_ENCODER_ERROR", None)
    lrn.reset()
    yield tmp_path
    lrn.reset()


def test_corrupt_weights_give_one_clear_message_and_the_rules_still_score(broken_encoder: Path) -> None:
    assert lrn.get_learned() is None
    status = lrn.status()
    assert "corrupt" in status and "checksum" in status and "rules only" in status
    turn = Scorer().score("If you don't pay today you'll be arrested.")
    assert "threat_arrest_or_crime" in turn.violation_ids  # the rules still catch the plain one
    assert turn.understanding == status
    assert status in turn.notes
    assert all(v.source == "rule" for v in turn.violations)


def test_missing_weights_say_so(broken_encoder: Path) -> None:
    (broken_encoder / enc.WEIGHTS.name).unlink()
    assert lrn.get_learned() is None
    assert "missing" in lrn.status() and enc.WEIGHTS.name in lrn.status()


def test_the_debrief_says_when_the_rules_scored_alone(broken_encoder: Path) -> None:
    from callsim.core import report
    from callsim.core.engine import CompiledScenario
    from callsim.core.loader import load_scenario

    from .conftest import SCENARIOS

    scenario = load_scenario(SCENARIOS / "job_loss_us.yaml").scenario
    assert scenario is not None
    compiled = CompiledScenario(scenario, Scorer())
    call = compiled.new_call()
    call.respond("Hi, this is Sam from Orchard Lane. Am I speaking with the account holder?")
    record = call.record()
    assert record.understanding.startswith("Scored by rules only")
    assert "Scored by rules only" in report.debrief(record, scenario)


def test_use_learned_false_scores_with_rules_and_says_nothing() -> None:
    turn = Scorer(use_learned=False).score("I'm so sorry, that sounds exhausting.")
    assert turn.understanding == ""
    assert all(d.source == "rule" for d in turn.behaviours)


# ---- how people type -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "read"), [
    ("ur speakin to jo, pls confirm u r mr smith", "you're speaking to jo, please confirm you are mr smith"),
    ("is that ur acct", "is that your account"),
    ("im so sorry, i dont know how u cope", "I'm so sorry, I don't know how you cope"),
    ("we r gonna sort this out 2day", "we are going to sort this out today"),
    ("The U.S. office, Mr R Smith", "The U.S. office, Mr R Smith"),  # capitals are never guessed at
    ("ill send it in writing today, uve been great", "I'll send it in writing today, you've been great"),
    ("id suggest somethin small", "I'd suggest something small"),
    # "ill" and "id" before anything but a caller's verb stay as typed
    ("is anyone ill at home? ur id is on the letter", "is anyone ill at home? your id is on the letter"),
    ("ill health retirement", "ill health retirement"),
    ("i can hear ur worried, ur entitled to ask", "I can hear you're worried, you're entitled to ask"),
])
def test_text_speak_is_read_as_the_words_it_stands_for(typed: str, read: str) -> None:
    assert expand(typed).text == read


def test_expanded_offsets_point_back_at_what_was_typed() -> None:
    typed = "sry ur gonna get a call 2moro"
    ex = expand(typed)
    i = ex.text.index("going to")
    s, e = ex.span(i, i + len("going to"))
    assert typed[s:e] == "gonna"
    j = ex.text.index("tomorrow")
    assert typed[slice(*ex.span(j, j + len("tomorrow")))] == "2moro"
    assert len(ex.origin) == len(ex.text) + 1


def test_evidence_is_shown_in_the_trainees_own_words(scorer: Scorer) -> None:
    typed = "if u dont pay 2day ur gonna be arrested"
    turn = scorer.score(typed)
    assert "threat_arrest_or_crime" in turn.violation_ids
    for d in turn.violations:
        for e in d.evidence:
            assert typed[e.start:e.end] == e.text


def _chat(text: str, rng: random.Random) -> str:
    """How a hurried trainee types it: lower case, no punctuation, text-speak, a dropped g or apostrophe."""
    t = text.lower()
    t = re.sub(r"[.,!?;:\"]", "", t)
    for a, b in (("you're", "ur"), ("your", "ur"), ("you", "u"), ("please", "pls"), ("don't", "dont"),
                 ("i'm", "im"), ("can't", "cant"), ("going to", "gonna"), ("today", "2day"),
                 ("because", "cos"), ("account", "acct")):
        if rng.random() < 0.8:
            t = re.sub(rf"\b{re.escape(a)}\b", b, t)
    t = re.sub(r"\b(speak|call|pay|talk|tak|ask)ing\b", lambda m: m.group(1) + "in", t) if rng.random() < 0.5 else t
    return t


def test_detections_hold_when_the_corpus_is_typed_badly(scorer: Scorer) -> None:
    """Every 9th line of each violation's corpus, as written and as typed in a hurry: the violations found
    (confident or possible) in the chat-typed lines are at least nine in ten of those found as written."""
    rng = random.Random(11)
    by_label: dict[str, list[str]] = {}
    for ex in load_corpus():
        if ex.label in VIOLATIONS and ex.label not in ("misstated_balance", "third_party_disclosure"):
            by_label.setdefault(ex.label, []).append(ex.text)
    as_written = as_typed = 0
    for label, lines in by_label.items():
        for text in lines[::9][:12]:
            if label in _flagged(scorer, text):
                as_written += 1
                if label in _flagged(scorer, _chat(text, rng)):
                    as_typed += 1
    assert as_written >= 100
    assert as_typed / as_written >= 0.9, (as_typed, as_written)


def _flagged(scorer: Scorer, text: str) -> set[str]:
    turn = scorer.score(text)
    return turn.violation_ids | {d.id for d in turn.possible}


# ---- a learned detection explains itself ------------------------------------------------------------------


def test_a_learned_detection_names_its_sentence_and_the_corpus_line_it_is_like(scorer: Scorer) -> None:
    # (a line no rule pattern matches: "Everyone in your street is going to find out" now has one)
    typed = "Thanks for holding. We will be letting your neighbours know how much you owe."
    turn = scorer.score(typed)
    found = [d for d in (*turn.violations, *turn.possible) if d.source != "rule"]
    assert found, turn.as_dict()
    d = found[0]
    assert d.example  # the nearest corpus line of that violation
    assert d.evidence[0].text == "We will be letting your neighbours know how much you owe."
    assert 0.0 < d.confidence <= 1.0


def test_a_push_only_the_pressing_head_reads_is_shown_as_learned_not_as_a_rule(scorer: Scorer) -> None:
    # The pressing head reads the reply after the debtor's line; what only it found was once shown as a rule
    # at full confidence, with no example. Now: learned, at the head's probability, like a corpus push.
    pushes = (Path(lrn.__file__).parent.parent / "data" / "corpus" / "train" /
              "pressure_after_vulnerability.txt").read_text(encoding="utf-8").splitlines()
    turn = scorer.score("Sorry to hear that. Can we say Friday for the payment?",
                        ScoringContext(debtor_line="I'm in hospital and I can't think straight."))
    [d] = [v for v in turn.violations if v.id == "pressure_after_vulnerability"]
    assert d.source == "learned" and 0.5 <= d.confidence <= 1.0, d
    assert d.example in pushes
    # A push the rules find in the sentence the head points at is both, and as sure as a rule.
    turn = scorer.score("Sorry to hear that, but I need £50 today.",
                        ScoringContext(debtor_line="I'm in hospital and I can't think straight."))
    [d] = [v for v in turn.violations if v.id == "pressure_after_vulnerability"]
    assert d.source == "rule+learned" and d.confidence >= 0.99, d


def test_possible_violations_never_fail_and_are_in_the_json(scorer: Scorer) -> None:
    for text in ("It would be a shame if your neighbours heard about this.",
                 "Well, it's not like we have forever, is it?"):
        turn = scorer.score(text)
        data = turn.as_dict()
        assert "possible" in data and "understanding" in data
        assert not ({d.id for d in turn.possible} & turn.violation_ids)


# ---- no gaming -------------------------------------------------------------------------------------------


def test_the_same_sentence_pasted_again_earns_less_each_time(scorer: Scorer) -> None:
    line = "I'm so sorry to hear that, it sounds like an incredibly hard few months for you."
    debtor = "I lost my job in March and I've been struggling ever since."
    first = scorer.score(line, ScoringContext(debtor_line=debtor))
    second = scorer.score(line, ScoringContext(debtor_line=debtor, earlier_replies=(line,)))
    third = scorer.score(line, ScoringContext(debtor_line=debtor, earlier_replies=(line, line)))
    assert first.empathy > second.empathy > third.empathy
    assert any("repeats" in n for n in second.notes)
    fresh = scorer.score("That must have been such a shock, losing the job so suddenly.",
                         ScoringContext(debtor_line=debtor, earlier_replies=(line,)))
    assert not any("repeats" in n for n in fresh.notes)


# ---- training ----------------------------------------------------------------------------------------------


def test_logistic_regression_learns_a_separable_rule() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(200, 5)).astype(np.float32)
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).astype(float)
    coef, bias = fit_logistic(x, y, np.ones(200), l2=0.01)
    pred = (x @ coef + bias) > 0
    assert (pred == (y == 1)).mean() > 0.97
    assert coef[0] > abs(coef[2]) and coef[0] > abs(coef[3])


def test_fit_keeps_the_examples_for_evidence() -> None:
    from callsim.core.understanding.corpus import Example

    examples = [Example("You will go to prison.", "threat_arrest_or_crime", None, "t.txt:1"),
                Example("Nobody is going to prison over this.", None, "threat_arrest_or_crime", "c.txt:1"),
                Example("How are you coping?", "exploration", None, "e.txt:1")]
    x = enc.get_encoder().encode([e.text for e in examples])
    heads = fit(examples, x, labels=("threat_arrest_or_crime", "exploration", "validation"), digest="d")
    assert list(heads.example_label) == [0, -1, 1]
    assert heads.bias[2] == -10.0  # no examples: never fires
    assert heads.example_where[1] == "c.txt:1"


def test_a_line_of_another_file_can_also_show_an_empathy_behaviour(tmp_path: Path) -> None:
    """also/<id>.txt labels a contrast or good-practice line as showing an empathy behaviour: a positive for
    that head, a negative for no overlapping empathy head, still a contrast of its violation."""
    from callsim.core.understanding.corpus import CorpusError, is_negative, load_corpus
    from callsim.core.understanding.train import targets

    (tmp_path / "contrast").mkdir()
    (tmp_path / "also").mkdir()
    (tmp_path / "contrast" / "pressure_after_vulnerability.txt").write_text(
        "I'm so sorry about your dad; please don't think about the account today.\nNothing is due today.\n")
    (tmp_path / "good_practice.txt").write_text("I'll send the plan in writing.\n")
    (tmp_path / "also" / "emotional_reaction.txt").write_text(
        "# warm contrast lines\ni'm so sorry about your dad; please don't think about the account today.\n")
    examples = load_corpus(tmp_path)
    plan, warm, flat = examples  # root files first, then contrast/
    assert warm.also == {"emotional_reaction"} and warm.contrast_of == "pressure_after_vulnerability"
    assert warm.shows("emotional_reaction") and not flat.shows("emotional_reaction")
    assert not is_negative(warm, "emotional_reaction") and not is_negative(warm, "interpretation")
    assert is_negative(warm, "pressure_after_vulnerability") and is_negative(plan, "emotional_reaction")
    y, w = targets(examples, "emotional_reaction")
    assert list(y) == [0.0, 1.0, 0.0] and all(w > 0)
    y, w = targets(examples, "interpretation")
    assert w[1] == 0.0 and w[0] > 0 and w[2] > 0  # overlapping: left out, not taught as "no understanding"

    before = corpus_digest(tmp_path)
    (tmp_path / "also" / "emotional_reaction.txt").write_text("Nothing is due today.\n")
    assert corpus_digest(tmp_path) != before  # stale heads are caught when a label moves
    (tmp_path / "also" / "emotional_reaction.txt").write_text("Nothing is due on Friday.\n")
    with pytest.raises(CorpusError, match=r"also/emotional_reaction\.txt:1:1: no corpus line reads"):
        load_corpus(tmp_path)
    (tmp_path / "also" / "emotional_reaction.txt").unlink()
    (tmp_path / "also" / "warmth.txt").write_text("Nothing is due today.\n")
    with pytest.raises(CorpusError, match="unknown label file"):
        load_corpus(tmp_path)


def test_the_shipped_also_labels_name_lines_of_the_corpus() -> None:
    """Every line of the shipped also/ files is a corpus line of another file (load_corpus checks), and the
    heads were trained with them (the digest covers also/)."""
    examples = load_corpus()
    assert sum(1 for e in examples if e.also) >= 100
    assert all(e.label is None or e.label not in ("emotional_reaction", "interpretation") for e in examples if e.also)


def test_coaching_shows_possible_violations_and_the_rules_only_note() -> None:
    from callsim.tui import render

    scores = {"empathy": 10, "deescalation": 40, "behaviours": [], "violations": [],
              "possible": [{"id": "undue_pressure", "label": "Undue pressure", "confidence": 0.93,
                            "evidence": [{"text": "Well, it's not like we have forever", "start": 0, "end": 35}],
                            "example": "We can't wait around forever on this."}],
              "understanding": "Scored by rules only: the encoder file x is missing (reinstall callsim)."}
    text = render.feedback(scores).plain
    assert "POSSIBLE Undue pressure" in text and "93% sure" in text
    assert "reads like: \u201cWe can't wait around forever on this.\u201d" in text
    assert "Scored by rules only" in text


def test_coaching_shows_why_for_a_violation_only_the_learned_layer_found() -> None:
    from callsim.core.coaching import as_text, items
    from callsim.tui import render

    def violation(source: str) -> dict[str, object]:
        return {"id": "undue_pressure", "label": "Undue pressure", "severity": "major", "why": "CONC 7.3.10R.",
                "confidence": 0.81, "source": source, "example": "We can't wait around forever on this.",
                "evidence": [{"text": "Clock's ticking, mate", "start": 0, "end": 21}]}

    learned = {"empathy": 0, "deescalation": 30, "behaviours": [], "violations": [violation("learned")]}
    assert "reads like: \u201cWe can't wait around forever on this.\u201d" in render.feedback(learned).plain
    assert "reads like \u201cWe can't wait around forever on this.\u201d" in "\n".join(map(as_text, items(learned)))
    # a rule's own words are the reason: no corpus line beside them
    ruled = {"empathy": 0, "deescalation": 30, "behaviours": [], "violations": [violation("rule+learned")]}
    assert "reads like" not in render.feedback(ruled).plain


def test_the_debrief_lists_possible_violations_for_review() -> None:
    from callsim.core import report
    from callsim.core.engine import CompiledScenario
    from callsim.core.loader import load_scenario

    from .conftest import SCENARIOS

    scenario = load_scenario(SCENARIOS / "job_loss_us.yaml").scenario
    assert scenario is not None
    call = CompiledScenario(scenario, Scorer()).new_call()
    call.respond("Hi, this is Sam from Orchard Lane. Am I speaking with the account holder?")
    possible = {"turn": 1, "id": "undue_pressure", "label": "Undue pressure",
                "evidence": [{"text": "not like we have forever"}]}
    record = call.record()
    record = record.model_copy(update={"compliance": record.compliance.model_copy(update={"possible": (possible,)})})
    text = report.debrief(record, scenario)
    assert "turn 1: possible Undue pressure (for review, not a fail)" in text


def test_the_violation_net_reads_words_the_embedding_cannot_see() -> None:
    """With an embedding that carries nothing, the word features alone must tell the classes apart."""
    from callsim.core.understanding.violations import fit_net

    threats = [f"the magistrate will hear about this {w}" for w in ("today", "soon", "now", "mate", "ok", "then")]
    lawful = [f"we can set up a plan {w}" for w in ("today", "soon", "now", "mate", "ok", "then")]
    texts = threats + lawful
    y = np.array([0] * len(threats) + [1] * len(lawful))
    net = fit_net(np.zeros((len(texts), 4), np.float32), texts, y, np.ones(len(texts)), ("threat_arrest_or_crime",),
                  epochs=60)
    p = net.probabilities(np.zeros((2, 4), np.float32), ["the magistrate will hear about this", "a plan we can set up"])
    assert p.shape == (2, 1)
    assert p[0, 0] > 0.8 > 0.2 > p[1, 0]


def test_saved_heads_keep_the_violation_net(tmp_path: Path) -> None:
    heads = Heads.load()
    assert heads.net is not None and set(heads.net.labels) == set(VIOLATIONS)
    heads.save(tmp_path / "h.npz")
    again = Heads.load(tmp_path / "h.npz")
    texts = ["Pay today or the police will be round.", "Take all the time you need."]
    x = enc.get_encoder().encode(texts)
    assert np.allclose(heads.probabilities(x, texts), again.probabilities(x, texts), atol=1e-3)
    cols = [heads.labels.index(v) for v in ("threat_arrest_or_crime",)]
    assert heads.probabilities(x, texts)[0, cols[0]] > 0.5 > heads.probabilities(x, texts)[1, cols[0]]


def _split_signals(text: str, shares: tuple[tuple[str, float], ...]) -> dict[str, lrn.Signal]:
    return {lab: lrn.Signal(lab, p, 0, len(text), ("a corpus line", "x.txt:1"), shares) for lab, p in shares}


class _Stub:
    thresholds = lrn.Thresholds(violation_possible=0.25, violation_confident=0.7)


def _decide(text: str, shares: tuple[tuple[str, float], ...]) -> tuple[dict, dict, dict[str, lrn.Signal]]:
    found: dict = {}
    unsure: dict = {}
    signals = _split_signals(text, shares)
    Scorer()._apply_learned(_Stub(), signals, text, [], ScoringContext(), [], found, unsure)  # type: ignore[arg-type]
    return found, unsure, signals


def test_a_violation_split_between_close_ids_counts_on_their_sum_and_is_named_by_the_largest() -> None:
    text = "if this isnt sorted ur neighbours will hear about it"
    found, unsure, signals = _decide(text, (("third_party_disclosure", 0.39), ("coercive_shaming", 0.36)))
    assert list(found) == ["third_party_disclosure"] and not unsure
    assert signals["third_party_disclosure"].prob == pytest.approx(0.75)


def test_a_share_the_checks_refuse_does_not_count_towards_the_sum() -> None:
    # A denied threat is no threat, so only the dispute share is left: possible, not confident.
    text = "Nobody is going to take you to court over this."
    found, unsure, _ = _decide(text, (("threat_unintended_action", 0.5), ("denies_dispute_rights", 0.3)))
    assert not found and list(unsure) == ["denies_dispute_rights"]


def test_a_share_spread_thinly_over_many_ids_is_not_a_violation() -> None:
    # "When do you think you'll be able to pay something towards it?" once read like this: most of the
    # head's mass on violations, none of them near the others. Only the two largest shares are summed.
    text = "When will you be able to pay something towards it?"
    shares = (("denies_dispute_rights", 0.25), ("false_credit_claim", 0.21), ("implies_survivor_liability", 0.11),
              ("coercive_shaming", 0.1), ("misstated_balance", 0.07))
    found, unsure, _ = _decide(text, shares)
    assert not found and list(unsure) == ["denies_dispute_rights"]


def test_a_learned_threat_needs_no_future_tense_frame() -> None:
    # The rules' threat frame (will, could, unless, ...) is for regex matches; the head already tells a
    # threat from a mention, and imminence has many tenses.
    for text in ("Our legal people have the claim form drawn up and ready.",
                 "honestly the solicitors are just waiting on my say so"):
        found, unsure, _ = _decide(text, (("threat_unintended_action", 0.9),))
        assert list(found) == ["threat_unintended_action"], text


def test_a_sentence_only_about_the_past_is_no_learned_threat() -> None:
    # A reflection of what happened to them names the repossession but threatens nothing.
    for text in ("Losing the van meant you lost your work as well.",
                 "They took the car back in March, and that was hard."):
        found, unsure, _ = _decide(text, (("threat_unintended_action", 0.9),))
        assert not found and not unsure, text
    found, _, _ = _decide("They took the car, and the house is next.", (("threat_unintended_action", 0.9),))
    assert list(found) == ["threat_unintended_action"]


def test_learned_undue_pressure_straight_after_a_crisis_signal_is_pressure_after_vulnerability() -> None:
    text = "ok so what are you putting towards it this month"
    shares = (("undue_pressure", 0.6), ("pressure_after_vulnerability", 0.15))
    for line, expected in (("my brother passed on sunday and i'm all over the place", "pressure_after_vulnerability"),
                           ("I get paid on the 28th.", "undue_pressure")):
        found: dict = {}
        unsure: dict = {}
        Scorer()._apply_learned(_Stub(), _split_signals(text, shares), text, [],  # type: ignore[arg-type]
                                ScoringContext(debtor_line=line), [], found, unsure)
        assert list(found) == [expected], line


def test_a_learned_violation_in_a_sentence_that_only_denies_the_act_does_not_count() -> None:
    for text, label in (("We're not going to contact your employer about this.", "third_party_disclosure"),
                        ("No, your daughter won't have to pay any of it.", "implies_survivor_liability"),
                        ("we wont be phoning you at work again", "ignores_contact_limits")):
        found, unsure, _ = _decide(text, ((label, 0.9),))
        assert not found and not unsure, text
    # A denial turned round, or one of an act that is not the violation's, still counts.
    for text, label in (("We won't call your boss, but if it isn't paid by Friday we will.", "third_party_disclosure"),
                        ("I'm not going to wait around forever for this.", "undue_pressure"),
                        ("We don't send out copies of agreements.", "denies_dispute_rights")):
        found, _, _ = _decide(text, ((label, 0.9),))
        assert list(found) == [label], text


def test_a_question_that_steers_them_to_borrow_is_pressure_not_an_ask() -> None:
    found, _, _ = _decide("Have you thought about a quick loan to clear it?", (("undue_pressure", 0.9),))
    assert list(found) == ["undue_pressure"]
    found, unsure, _ = _decide("What could you manage each month?", (("undue_pressure", 0.9),))
    assert not found and not unsure


def test_without_a_scenario_a_rules_threat_needs_the_learned_layer_to_agree() -> None:
    from callsim.core.nlp import Evidence
    from callsim.core.scorer import _Reading

    text = "Only a court could order that, and nothing has been filed."
    for share, counts in ((0.02, False), (0.4, True)):
        r = _Reading(text, ScoringContext())
        r.found = {"threat_unintended_action": [Evidence(text, 0, len(text))]}
        r.rule_ids = {"threat_unintended_action"}
        r.signals = {"threat_unintended_action": lrn.Signal("threat_unintended_action", share, 0, len(text))}
        r.learned = _Stub()  # type: ignore[assignment]
        Scorer()._confirm_rule_threats(r)
        assert ("threat_unintended_action" in r.found) is counts
        assert ("threat_unintended_action" in r.unsure) is not counts


def test_a_stored_npz_member_is_mapped_not_read_and_a_compressed_one_is_not(tmp_path: Path) -> None:
    table = np.arange(24, dtype=np.int8).reshape(6, 4)
    np.savez(tmp_path / "stored.npz", other=np.ones(3, np.float32), words=table)
    mapped = enc._mapped(tmp_path / "stored.npz", "words")
    assert isinstance(mapped, np.memmap) and np.array_equal(mapped, table) and mapped.dtype == np.int8
    np.savez_compressed(tmp_path / "packed.npz", words=table)
    assert enc._mapped(tmp_path / "packed.npz", "words") is None  # read as before
    assert enc._mapped(tmp_path / "stored.npz", "missing") is None
    (tmp_path / "broken.npz").write_bytes(b"not a zip")
    assert enc._mapped(tmp_path / "broken.npz", "words") is None


def test_the_shipped_word_table_is_mapped_and_matches_the_file() -> None:
    e = enc.get_encoder()
    assert isinstance(e._words_q, np.memmap)
    with np.load(enc.WEIGHTS) as z:
        assert np.array_equal(z["embeddings.word_embeddings.weight.q"][[0, 101, 2023, 30521]],
                              e._words_q[[0, 101, 2023, 30521]])


def test_a_signals_nearest_corpus_line_is_found_when_first_read() -> None:
    calls: list[int] = []

    def find() -> tuple[str, str]:
        calls.append(1)
        return "You'll be arrested.", "threats.txt:3"

    sig = lrn.Signal("threat_arrest_or_crime", 0.9, 0, 5, find)
    assert calls == []
    assert (sig.example, sig.example_where, sig.example) == ("You'll be arrested.", "threats.txt:3",
                                                            "You'll be arrested.")
    assert calls == [1]
    learned = lrn.get_learned()
    assert learned is not None
    got = learned.analyse("If you don't pay, the police will arrest you.", [])["threat_arrest_or_crime"]
    assert got.example and re.fullmatch(r".+\.txt:\d+", got.example_where)


def test_the_grounded_calibration_table_scores_lawful_replies_at_their_nodes(tmp_path: Path) -> None:
    """Per threshold, the share of lawful replies at scenario nodes falsely failed, per kind; a reply that
    misreads only at a low threshold shows up only there (here, a plain lawful line stays clean throughout)."""
    import json

    from callsim.core.understanding import calibrate

    path = tmp_path / "grounded.jsonl"
    rows = [{"scenario": "job-loss-us", "node": "verified", "text": "Thanks, Dale. How have things been since the "
             "layoff?", "label": "compliant", "kind": "excellent"},
            {"scenario": "job-loss-us", "node": "verified", "text": "thanks dale, whats changed for u lately",
             "label": "compliant", "kind": "newhire"},
            {"scenario": "job-loss-us", "node": "verified", "text": "You'll go to jail.",
             "label": "threat_arrest_or_crime", "kind": "harmful"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    table = calibrate.grounded_table(rows, lrn.Thresholds.load(), path)
    assert [r["threshold"] for r in table] == list(calibrate.GRID)
    assert all(set(r) == {"threshold", "excellent", "newhire"} for r in table)  # harmful lines are not counted
    assert all(r["excellent"] == 0.0 and r["newhire"] == 0.0 for r in table)


def test_the_life_event_threshold_is_chosen_on_the_rows_the_scorer_asks_in_that_tier() -> None:
    """``press_life`` is chosen over the pairs after a life event in words only: a crisis line is the pressing
    head's (here a push it cannot see, with no word of money: counted, it would halve the recall)."""
    from callsim.core.understanding import calibrate

    rows = [{"debtor": "I got laid off last week.", "press": True,
             "reply": "You'll have a final pay packet, so put all of it towards this today."},
            {"debtor": "I got laid off last week.", "press": False,
             "reply": "Let's go through your income and essentials first, and only then see if a small plan fits."},
            {"debtor": "My husband died on Sunday.", "press": True, "reply": "Right. So when can you sort it?"}]
    table = calibrate.life_table(rows, crisis=0.95)
    assert [r["threshold"] for r in table] == list(calibrate.DEBTOR_GRID)
    assert table[0]["recall"] == 1.0 and table[-1]["false"] == 0.0


def test_the_contact_thresholds_are_chosen_as_the_scorer_asks_the_heads() -> None:
    """``contact`` is chosen over the pairs as the scorer reads them: a breach the rules fail counts as found at
    every threshold, a reply after a line that sets no limit is never asked (here a call booked after a question,
    which the head alone might read as a breach), and the limit head's own table counts the rules' words."""
    from callsim.core.understanding import calibrate

    rows = [{"debtor": "Please stop calling me.", "reply": "We'll keep ringing until this is paid.",
             "limit": True, "ignore": True},
            {"debtor": "What's the balance on this?", "limit": False, "ignore": False,
             "reply": "It's £410. I'll call you on Friday to see how you got on."}]
    table = calibrate.contact_table(rows, limit=0.99)
    assert [r["threshold"] for r in table] == list(calibrate.DEBTOR_GRID)
    assert all(r["recall"] == 1.0 and r["false"] == 0.0 for r in table)
    limits = calibrate.limit_table(rows)
    assert limits[-1]["recall"] == 1.0 and limits[-1]["false"] == 0.0


def test_learned_warmth_is_warmth_for_them(scorer: Scorer) -> None:
    """The emotional-reaction head also reads feelings in general ("I was devastated", a peer's own story, at
    0.9 before the gate): learned warmth counts only when said to them or as a reaction to what they told."""
    own = scorer.score("I was devastated.", ScoringContext(debtor_line="My dad died last month."))
    assert "emotional_reaction" not in own.behaviour_ids and own.epitome["ER"] == 0
    general = scorer.score("Many wonderful things happen in the good times.", ScoringContext(debtor_line="I feel low."))
    assert general.epitome["ER"] == 0
    reaction = scorer.score("The waiting must be agony.",
                            ScoringContext(debtor_line="We're still waiting for the scan results."))
    warm = next(d for d in reaction.behaviours if d.id == "emotional_reaction")
    assert warm.source == "learned" and reaction.epitome["ER"] >= 1


def test_normalising_shows_understanding_only_when_it_takes_up_their_words(scorer: Scorer) -> None:
    """Validation is its own behaviour (+10); it raises the interpretation level (EPITOME IP) only when it picks
    up what they said: generic normalising is not understanding of their situation."""
    generic = scorer.score("Lots of people feel like that, honestly.",
                           ScoringContext(debtor_line="I feel like such an idiot about all this."))
    assert "validation" in generic.behaviour_ids and generic.epitome["IP"] == 0
    echoed = scorer.score("Lots of people stop opening the letters when it gets too much.",
                          ScoringContext(debtor_line="I just stopped opening the letters, I couldn't face them."))
    assert "validation" in echoed.behaviour_ids and echoed.epitome["IP"] == 2


def test_a_question_is_the_rules_to_read(scorer: Scorer) -> None:
    """The heads learned coping and safety questions as warmth ("OK. How have you been coping?" was a strong
    emotional reaction: empathy 100); a question is an exploration, or not, as the rules read it."""
    turn = scorer.score("OK. How have you been coping?")
    assert "exploration" in turn.behaviour_ids
    assert "emotional_reaction" not in turn.behaviour_ids and turn.epitome["ER"] == 0


def test_saved_heads_keep_only_the_examples_shown_as_evidence(tmp_path: Path) -> None:
    """A saved file holds the lines of a label (what ``nearest`` can show), not those of none, and reads
    back the same texts, places and vectors."""
    from callsim.core.understanding.corpus import Example
    from callsim.core.understanding.train import Heads

    examples = [Example("You will go to prison.", "threat_arrest_or_crime", None, "t.txt:1"),
                Example("Nobody is going to prison over this.", None, "threat_arrest_or_crime", "c.txt:1"),
                Example("How are you coping?\u2014ça va?", "exploration", None, "e.txt:1")]
    x = enc.get_encoder().encode([e.text for e in examples])
    heads = fit(examples, x, labels=("threat_arrest_or_crime", "exploration", "validation"), digest="d")
    heads.save(tmp_path / "heads.npz")
    back = Heads.load(tmp_path / "heads.npz")
    assert list(back.example_label) == [0, 1]
    assert list(back.example_text) == ["You will go to prison.", "How are you coping?\u2014ça va?"]
    assert list(back.example_where) == ["t.txt:1", "e.txt:1"]
    assert np.array_equal(back.vectors, heads.vectors[[0, 2]])
    assert np.array_equal(back.coef, heads.coef) and back.digest == "d"
