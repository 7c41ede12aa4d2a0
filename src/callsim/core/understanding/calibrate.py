"""Choosing the learned layer's thresholds on the held-out split, written by a different hand.

``scripts/calibrate-understanding`` scores ``heldout/collector.jsonl`` (violations of every id and compliant
lines, some empathic) and ``heldout/reflections.jsonl`` at a grid of thresholds and picks:

- ``violation_confident``: the lowest threshold at which at most ``MAX_FALSE`` of compliant lines are flagged
  (a confident violation fails a call, so a false one costs a trainee's trust), no shipped model answer is
  (``confident_floor``), and lawful replies at the shipped scenarios' nodes (``heldout/grounded/dev.jsonl``,
  by another hand) stay within ``GROUNDED_MAX_FALSE`` per kind (``grounded_table``);
- ``violation_possible``: the lowest threshold at which at most ``MAX_POSSIBLE`` of compliant lines get a
  *possible* violation (shown with its evidence, counted for review, never a fail), on the threshold split and
  on the grounded split per kind;
- ``penalty``: the same rule as ``violation_confident`` for the minor penalties, on compliant lines;
- ``empathy_weak`` / ``empathy_strong``: the thresholds that maximise F1 of reflection -> interpretation on
  the held-out reflections, and the higher one at precision >= 0.8;
- ``dispute``: the dispute head's threshold (understanding/debtor.py) with the largest recall minus false rate
  (Youden's J; on a tie the higher) on ``heldout/debtor/dispute.jsonl``, 300 debtor lines by a helper that
  never saw the head's corpus (120 disputes, 180 not, 76 of them near words).
- ``brush``: the brush-aside head's threshold (understanding/context.py) by the same rule, on
  ``heldout/context/dispute_replies.jsonl``, 320 (debtor line, reply) pairs by a helper that never saw the head's
  corpus (110 disputes brushed aside, 110 taken up, 100 lines that are no dispute); a pair counts as flagged when
  the dispute head passes the debtor's line (at the threshold just chosen), the rules do not rule the reply out
  (``scorer.may_brush_aside``: it takes the dispute up in words they know), and the head passes the pair: as
  in the scorer without a scenario.
- ``press_crisis``: the threshold of the crisis head from which a debtor line counts as a disclosure before the
  pressing head is asked (the plain words always count), by Youden's J among the thresholds that mark at most
  ``PRESS_MAX_FALSE`` of the lines that are none, on ``heldout/debtor/vulnerable.jsonl`` (300 debtor lines by a
  helper that never saw the corpus: 150 disclosures; 150 of hardship, anger, disputes and everyday talk).
- ``press``: the pressing head's threshold (understanding/context.py) by the same rule, on
  ``heldout/context/vulnerable_replies.jsonl`` (300 pairs by another helper: each disclosure answered by a
  push and by a lawful reply), asked as the scorer asks it: after that signal, unless the debtor offered a sum
  themselves, the reply says nothing of money (``scorer.speaks_of_money``) or it puts money aside in words the
  rules know (``scorer.puts_money_aside``).
- ``press_life``: the life-event head's threshold (understanding/context.py), asked after a life event short of a
  crisis (``scorer.life_event_words``: a job or hours lost, an eviction, a baby, a relationship ended), by the
  same rule, on
  ``heldout/context/life_replies.jsonl`` (200 pairs by a helper that never saw the corpus: each life event
  answered by a push and by lawful money talk) and ``life_near.jsonl`` (by a third hand: lawful money talk after a
  life event, sums, dates and plans in it, and some pushes), counted over the rows the scorer asks in that tier.

- ``limit`` and ``contact``: the contact-limit head's threshold on the debtor's line (Youden's J, as
  ``dispute``), then the contact-limit reply head's (as ``press``: a breach fails the call), on
  ``heldout/context/contact_replies.jsonl`` (pairs by a helper that never saw either head's corpus: limits ignored,
  limits honoured in words of calls and times, and lines that set no limit), asked as the scorer asks it: after
  a limit in the rules' words or the head's, where the rules found no breach themselves.

- ``acts`` (run alone: ``python -m callsim.core.understanding.calibrate acts``): each learned dialogue act's
  threshold, the best F1 of the scorer's decision (its rules, or the act head from the threshold) on
  ``heldout/acts/acts.jsonl`` (replies labelled with their acts by a helper that never saw the act corpus),
  written to ``data/understanding/act_thresholds.json``.

It writes ``data/understanding/thresholds.json`` and prints the calibration table that docs/scoring.md shows.
Once chosen, the thresholds are left alone: re-run only when the corpus or the heads change.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from callsim.core.acts import LEARNED_ACTS
from callsim.core.eval import read_jsonl
from callsim.core.nlp import sentences
from callsim.core.scorer import Scorer, ScoringContext, TurnScore
from callsim.core.understanding.acts import THRESHOLDS as ACT_THRESHOLDS
from callsim.core.understanding.acts import load as load_acts
from callsim.core.understanding.learned import THRESHOLDS, Thresholds, get_learned
from callsim.core.understanding.typing import expand

HELDOUT = Path(__file__).resolve().parents[4] / "heldout"
GROUNDED = HELDOUT / "grounded" / "dev.jsonl"
DEBTOR_DISPUTE = HELDOUT / "debtor" / "dispute.jsonl"
CONTEXT_BRUSH = HELDOUT / "context" / "dispute_replies.jsonl"
CONTEXT_PRESS = HELDOUT / "context" / "vulnerable_replies.jsonl"
DEBTOR_VULNERABLE = HELDOUT / "debtor" / "vulnerable.jsonl"
CONTEXT_CONTACT = HELDOUT / "context" / "contact_replies.jsonl"
CONTEXT_LIFE = (HELDOUT / "context" / "life_replies.jsonl", HELDOUT / "context" / "life_near.jsonl")
ACTS_HELDOUT = HELDOUT / "acts" / "acts.jsonl"
PRESS_MAX_FALSE = 0.05
DEBTOR_GRID = (0.3, 0.4, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)
GROUNDED_MAX_FALSE = {"excellent": 0.02, "newhire": 0.03}
MAX_FALSE = 0.015
MAX_POSSIBLE = 0.06
GRID = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7,
        0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99, 0.995, 0.998, 0.999)


def _score_all(scorer: Scorer, rows: list[dict[str, Any]]) -> list[TurnScore]:
    return [scorer.score(str(r["text"]), ScoringContext(debtor_line=str(r.get("context") or ""))) for r in rows]


def violation_table(rows: list[dict[str, Any]], base: Thresholds) -> list[dict[str, float]]:
    learned = get_learned()
    assert learned is not None, "the learned layer is not available"
    scorer = Scorer()
    table = []
    for t in GRID:
        learned.thresholds = replace(base, violation_confident=t, violation_possible=t, penalty=t)
        scores = _score_all(scorer, rows)
        bad = [(r, s) for r, s in zip(rows, scores, strict=True) if r["label"] != "compliant"]
        good = [s for r, s in zip(rows, scores, strict=True) if r["label"] == "compliant"]
        penalised = [s for s in good if any(d.kind == "penalty" for d in s.behaviours)]
        table.append({
            "threshold": t,
            "recall": sum(bool(s.violations) for _, s in bad) / len(bad),
            "right_id": sum(r["label"] in s.violation_ids for r, s in bad) / len(bad),
            "false_flags": sum(bool(s.violations) for s in good) / len(good),
            "penalised_compliant": len(penalised) / len(good),
        })
    learned.thresholds = base
    return table


def model_answers() -> list[tuple[str, ScoringContext]]:
    """Every shipped scenario's model answers with the context a call at their node scores them in: lines the
    authors wrote as good practice, a second compliant set (tests/test_nodestate.py holds them to it)."""
    from callsim.core.library import shipped_dir
    from callsim.core.loader import load_scenario
    from callsim.core.nodestate import states
    from callsim.core.walkthrough import compiled_for

    out: list[tuple[str, ScoringContext]] = []
    for path in sorted(shipped_dir().glob("*.yaml")):
        scenario = load_scenario(path, run_walkthroughs=False).scenario
        if scenario is None:
            continue
        compiled = compiled_for(scenario)
        found = states(compiled)
        for nid, node in scenario.nodes.items():
            ctx = found[nid].call(compiled).scoring_context()
            out.extend((answer.text, ctx) for answer in node.model_answers)
    return out


def confident_floor(answers: list[tuple[str, ScoringContext]], base: Thresholds) -> float:
    """The lowest grid threshold from which up no model answer gets a confident violation. Below it the
    violation head flags what authors wrote as good practice (a mini-Miranda read as false identity, "the
    account can wait" as pressure)."""
    learned = get_learned()
    assert learned is not None, "the learned layer is not available"
    scorer = Scorer()
    floor = GRID[-1]
    for t in reversed(GRID):
        learned.thresholds = replace(base, violation_confident=t, violation_possible=t)
        if any(scorer.score(text, ctx).violations for text, ctx in answers):
            break
        floor = t
    learned.thresholds = base
    return floor


def grounded_table(rows: list[dict[str, Any]], base: Thresholds, path: Path) -> list[dict[str, float]]:
    """Per threshold: the share of lawful replies at the shipped scenarios' nodes (``heldout/grounded/dev``,
    scored in each call's state there) that get a confident violation, per kind (excellent, newhire)."""
    from callsim.core.eval import NodePlaces

    learned = get_learned()
    assert learned is not None, "the learned layer is not available"
    scorer = Scorer()
    places = NodePlaces(scorer, path)
    good = [(r, places.context(r, n)) for n, r in enumerate(rows, 1) if r["label"] == "compliant"]
    kinds = sorted({str(r.get("kind") or "all") for r, _ in good})
    table = []
    for t in GRID:
        learned.thresholds = replace(base, violation_confident=t, violation_possible=t)
        flagged = [(str(r.get("kind") or "all"), bool(scorer.score(str(r["text"]), ctx).violations)) for r, ctx in good]
        row: dict[str, float] = {"threshold": t}
        for k in kinds:
            mine = [f for kind, f in flagged if kind == k]
            row[k] = sum(mine) / len(mine)
        table.append(row)
    learned.thresholds = base
    return table


def lowest_within(table: list[dict[str, float]], limits: dict[str, float], default: float) -> float:
    """The lowest threshold of ``table`` from which every row up keeps each column within its limit."""
    ok = {r["threshold"] for r in table if all(r.get(k, 0.0) <= limit for k, limit in limits.items())}
    return min((t for t in ok if all(t2 in ok for t2 in GRID if t2 >= t)), default=default)


def empathy_table(reflections: list[dict[str, Any]], collector: list[dict[str, Any]], base: Thresholds
                  ) -> list[dict[str, float]]:
    """Per threshold: reflection -> interpretation or paraphrase (held-out reflections), and the share of
    held-out empathic replies at empathy >= 50 and of plain procedural ones above 0."""
    learned = get_learned()
    assert learned is not None, "the learned layer is not available"
    scorer = Scorer()
    empathic = [r for r in collector if r.get("empathic")]
    plain = [r for r in collector if r["label"] == "compliant" and not r.get("empathic")]
    table = []
    for t in (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98):
        learned.thresholds = replace(base, empathy_weak=t, empathy_strong=max(t, 0.9))
        scores = _score_all(scorer, reflections)
        truth = [r["label"] == "reflection" for r in reflections]
        pred = [bool(s.behaviour_ids & {"interpretation", "paraphrase"}) for s in scores]
        tp = sum(a and b for a, b in zip(truth, pred, strict=True))
        p, r = tp / max(1, sum(pred)), tp / max(1, sum(truth))
        emp = _score_all(scorer, empathic)
        pl = _score_all(scorer, plain)
        table.append({"threshold": t, "precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
                      "empathic_50": sum(s.empathy >= 50 for s in emp) / len(emp),
                      "plain_empathy_mean": sum(s.empathy for s in pl) / len(pl)})
    learned.thresholds = base
    return table


def _rates(p: list[float], truth: list[bool]) -> list[dict[str, float]]:
    """Recall (of the lines that are of the kind) and false rate (of those that are not) at each threshold of
    ``DEBTOR_GRID``, for the probabilities ``p``."""
    pos = [q for q, y in zip(p, truth, strict=True) if y]
    neg = [q for q, y in zip(p, truth, strict=True) if not y]
    return [{"threshold": t, "recall": sum(q >= t for q in pos) / len(pos),
             "false": sum(q >= t for q in neg) / len(neg)} for t in DEBTOR_GRID]


def dispute_table(rows: list[dict[str, Any]]) -> list[dict[str, float]]:
    """The dispute head on debtor lines labelled ``dispute`` true/false: recall and false rate per threshold."""
    learned = get_learned()
    assert learned is not None, "the learned layer is not available"
    p = [learned.dispute(str(r["text"])) for r in rows]
    return _rates(p, [bool(r["dispute"]) for r in rows])


def choose_dispute(table: list[dict[str, float]]) -> float:
    """The threshold with the largest recall minus false rate (to three places); on a tie, the higher one."""
    return max(table, key=lambda r: (round(r["recall"] - r["false"], 3), r["threshold"]))["threshold"]


def brush_table(rows: list[dict[str, Any]], dispute: float) -> list[dict[str, float]]:
    """The brush-aside head on (debtor, reply) pairs labelled ``brush`` true/false, behind the dispute head at
    ``dispute``: recall and false rate per threshold."""
    from callsim.core.scorer import may_brush_aside
    from callsim.core.understanding.typing import expand

    learned = get_learned()
    assert learned is not None, "the learned layer is not available"
    replies = [expand(str(r["reply"])).text for r in rows]
    p = [learned.brushes_aside(t, str(r["debtor"]))
         if learned.dispute(str(r["debtor"])) >= dispute and may_brush_aside(t) else 0.0
         for r, t in zip(rows, replies, strict=True)]
    return _rates(p, [bool(r["brush"]) for r in rows])


choose_brush = choose_dispute  # the same rule: Youden's J, on a tie the higher


def signal_table(rows: list[dict[str, Any]]) -> list[dict[str, float]]:
    """The vulnerability signal the pressing head is asked after (the rules' words, or the crisis head from a
    threshold) on debtor lines labelled ``vulnerable`` true/false: recall and false rate per threshold."""
    from callsim.core.scorer import vulnerable_words

    learned = get_learned()
    assert learned is not None, "the learned layer is not available"
    p = [1.0 if vulnerable_words(str(r["text"])) else learned.crisis(str(r["text"])) for r in rows]
    return _rates(p, [bool(r["vulnerable"]) for r in rows])


def press_table(rows: list[dict[str, Any]], crisis: float, signal: Callable[[str], bool] | None = None,
                head: Callable[[str, str], float] | None = None) -> list[dict[str, float]]:
    """The pressing head on (debtor, reply) pairs labelled ``press`` true/false, asked as the scorer asks it
    without a scenario: after a vulnerability signal (the words, or the crisis head at ``crisis``), unless the
    debtor offered a sum themselves, or the reply says nothing of money or that they need not pay; recall and
    false rate per threshold."""
    from callsim.core.scorer import debtor_offers, puts_money_aside, speaks_of_money, vulnerable_words
    from callsim.core.understanding.typing import expand

    learned = get_learned()
    assert learned is not None, "the learned layer is not available"
    replies = [expand(str(r["reply"])).text for r in rows]
    signal = signal or (lambda line: bool(vulnerable_words(line)) or learned.crisis(line) >= crisis)
    asked = [signal(str(r["debtor"]))
             and not debtor_offers(str(r["debtor"])) and speaks_of_money(t) and not puts_money_aside(t)
             for r, t in zip(rows, replies, strict=True)]
    head = head or learned.presses
    p = [head(t, str(r["debtor"])) if a else 0.0 for r, t, a in zip(rows, replies, asked, strict=True)]
    return _rates(p, [bool(r["press"]) for r in rows])


def life_table(rows: list[dict[str, Any]], crisis: float) -> list[dict[str, float]]:
    """The life-event head after a life event short of a crisis, on the (debtor, reply) pairs whose debtor line the
    scorer reads so (``scorer.life_event_words``, and neither the crisis words nor the crisis head at ``crisis``),
    asked as ``press_table`` asks it: recall and false rate per threshold."""
    from callsim.core.scorer import life_event_words, vulnerable_words

    learned = get_learned()
    assert learned is not None, "the learned layer is not available"
    tier = [r for r in rows if life_event_words(str(r["debtor"])) and not vulnerable_words(str(r["debtor"]))
            and learned.crisis(str(r["debtor"])) < crisis]
    return press_table(tier, crisis, signal=lambda line: True, head=learned.presses_after_life_event)


def limit_table(rows: list[dict[str, Any]]) -> list[dict[str, float]]:
    """The contact-limit head on the pairs' debtor lines, labelled ``limit`` true/false (the rules' words count
    as 1): recall and false rate per threshold."""
    from callsim.core.scorer import limits_contact_words

    learned = get_learned()
    assert learned is not None, "the learned layer is not available"
    p = [1.0 if limits_contact_words(str(r["debtor"])) else learned.limits_contact(str(r["debtor"])) for r in rows]
    return _rates(p, [bool(r["limit"]) for r in rows])


def _at_least(head: Callable[[str], float], line: str, threshold: float) -> bool:
    return head(line) >= threshold


def contact_table(rows: list[dict[str, Any]], limit: float) -> list[dict[str, float]]:
    """The contact-limit reply head on (debtor, reply) pairs labelled ``ignore`` true/false, asked as the scorer
    asks it without a scenario (``scorer.may_ignore_limit``, with the limit head at ``limit``), when the rules found
    no breach themselves; recall and false rate per threshold (a pair the rules fail counts as found)."""
    from callsim.core.scorer import ScoringContext, may_ignore_limit

    learned = get_learned()
    assert learned is not None, "the learned layer is not available"
    scorer = Scorer(use_learned=False)
    reads_limit = learned.limits_contact
    p = []
    for r in rows:
        debtor, reply = str(r["debtor"]), str(r["reply"])
        text = expand(reply).text
        if "ignores_contact_limits" in scorer.score(reply, ScoringContext(debtor_line=debtor)).violation_ids:
            p.append(1.0)
        elif may_ignore_limit(text, debtor, functools.partial(_at_least, reads_limit, debtor, limit)):
            p.append(learned.ignores_limit(text, debtor))
        else:
            p.append(0.0)
    return _rates(p, [bool(r["ignore"]) for r in rows])


def choose_press(table: list[dict[str, float]]) -> float:
    """Youden's J as for the dispute heads, among thresholds that fail at most ``PRESS_MAX_FALSE`` of the lawful
    replies (a pressing reply fails the call, so a false one costs more than a missed one); else the highest."""
    within = [r for r in table if r["false"] <= PRESS_MAX_FALSE]
    return choose_dispute(within) if within else table[-1]["threshold"]


def _printed(what: str, table: list[dict[str, float]]) -> list[dict[str, float]]:
    """``table`` (threshold, recall, false), after printing it."""
    print(f"{'threshold':>9} {what + ' recall':>17} {'false':>6}")
    for r in table:
        print(f"{r['threshold']:>9} {r['recall']:>17.3f} {r['false']:>6.3f}")
    return table


def act_table(rows: list[tuple[str, frozenset[str]]]) -> dict[str, list[dict[str, float]]]:
    """For each learned act, on replies labelled with their acts: precision, recall and F1 of the scorer's
    decision (the rules, or the act head at the threshold) at each threshold of ``DEBTOR_GRID``."""
    learned = get_learned()
    assert learned is not None, "the learned layer is not available"
    kept = learned.act_thresholds
    learned.act_thresholds = dict.fromkeys(kept, 2.0)  # the rules alone: no head reaches 2
    try:
        scorer = Scorer()
        ruled = [set(scorer.score(text).acts) for text, _ in rows]
    finally:
        learned.act_thresholds = kept
    texts = [expand(text).text for text, _ in rows]
    probs = [learned.acts(t, sentences(t)) for t in texts]
    out: dict[str, list[dict[str, float]]] = {}
    for act in LEARNED_ACTS:
        truth = [act in acts for _, acts in rows]
        table = []
        for t in DEBTOR_GRID:
            pred = [act in r or (p.get(act, 0.0) >= t and (act != "states_balance" or "states_amount" in r))
                    for r, p in zip(ruled, probs, strict=True)]
            tp = sum(a and b for a, b in zip(pred, truth, strict=True))
            precision, recall = tp / max(sum(pred), 1), tp / max(sum(truth), 1)
            table.append({"threshold": t, "precision": precision, "recall": recall,
                          "f1": 2 * precision * recall / max(precision + recall, 1e-9)})
        out[act] = table
    return out


def choose_acts(tables: dict[str, list[dict[str, float]]]) -> dict[str, float]:
    """Each act's threshold: the best F1 (to two places; on a tie the higher threshold)."""
    return {act: max(table, key=lambda r: (round(r["f1"], 2), r["threshold"]))["threshold"]
            for act, table in tables.items()}


def calibrate_acts() -> int:
    """Choose the act thresholds on ``heldout/acts/acts.jsonl`` and write ``act_thresholds.json``."""
    tables = act_table(load_acts(ACTS_HELDOUT))
    chosen = choose_acts(tables)
    print(f"{'act':>20} {'threshold':>9} {'precision':>9} {'recall':>7} {'F1':>6}")
    for act, table in tables.items():
        row = next(r for r in table if r["threshold"] == chosen[act])
        print(f"{act:>20} {chosen[act]:>9} {row['precision']:>9.3f} {row['recall']:>7.3f} {row['f1']:>6.3f}")
    ACT_THRESHOLDS.write_text(json.dumps(chosen, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {ACT_THRESHOLDS}")
    return 0


def main() -> int:
    dispute = choose_dispute(_printed("dispute", dispute_table(
        read_jsonl(DEBTOR_DISPUTE, ("text", "dispute"), "debtor line"))))
    brush = choose_brush(_printed("brush", brush_table(
        read_jsonl(CONTEXT_BRUSH, ("debtor", "reply", "brush"), "pair"), dispute)))
    press_crisis = choose_press(_printed("vulnerable", signal_table(
        read_jsonl(DEBTOR_VULNERABLE, ("text", "vulnerable"), "debtor line"))))
    press = choose_press(_printed("press", press_table(
        read_jsonl(CONTEXT_PRESS, ("debtor", "reply", "press"), "pair"), press_crisis)))
    press_life = choose_press(_printed("life", life_table(
        [r for path in CONTEXT_LIFE for r in read_jsonl(path, ("debtor", "reply", "press"), "pair")], press_crisis)))
    contact_rows = read_jsonl(CONTEXT_CONTACT, ("debtor", "reply", "limit", "ignore"), "pair")
    limit = choose_dispute(_printed("limit", limit_table(contact_rows)))
    contact = choose_press(_printed("contact", contact_table(contact_rows, limit)))
    rows = read_jsonl(HELDOUT / "collector.jsonl", ("text", "label"), "collector")
    reflections = read_jsonl(HELDOUT / "reflections.jsonl", ("text", "label"), "reflection")
    base = replace(Thresholds.load(), dispute=dispute, brush=brush, press=press,
                   press_crisis=press_crisis, press_life=press_life, limit=limit, contact=contact)
    etable = empathy_table(reflections, rows, base)
    print(f"{'threshold':>9} {'refl P':>7} {'refl R':>7} {'refl F1':>7} {'empathic>=50':>12} {'plain mean':>10}")
    for r in etable:
        print(f"{r['threshold']:>9} {r['precision']:>7.3f} {r['recall']:>7.3f} {r['f1']:>7.3f} "
              f"{r['empathic_50']:>12.3f} {r['plain_empathy_mean']:>10.1f}")
    weak = max(etable, key=lambda r: (round(r["f1"], 2), r["threshold"]))["threshold"]
    # Strong (EPITOME level 2) asks for more: the heads were trained on behaviours, not on levels, so a
    # learned sign stands for a strong reflection only at 0.9 or above, and only where reflections are
    # still recognised with precision >= 0.95 there.
    strong = next((r["threshold"] for r in etable if r["precision"] >= 0.95 and r["threshold"] >= max(weak, 0.9)),
                  max(weak, 0.95))
    base = replace(base, empathy_weak=weak, empathy_strong=strong)
    table = violation_table(rows, base)
    print(f"{'threshold':>9} {'recall':>7} {'right id':>8} {'false':>6} {'penalised':>9}")
    for r in table:
        print(f"{r['threshold']:>9} {r['recall']:>7.3f} {r['right_id']:>8.3f} {r['false_flags']:>6.3f} "
              f"{r['penalised_compliant']:>9.3f}")
    floor = confident_floor(model_answers(), base)
    print(f"lowest threshold that leaves every shipped model answer clean: {floor}")
    grounded = read_jsonl(GROUNDED, ("text", "label"), "collector")
    gtable = grounded_table(grounded, base, GROUNDED)
    print(f"{'threshold':>9} " + " ".join(f"{k + ' false':>15}" for k in gtable[0] if k != "threshold"))
    for r in gtable:
        print(f"{r['threshold']:>9} " + " ".join(f"{v:>15.3f}" for k, v in r.items() if k != "threshold"))
    # The split above holds lines without a call around them; lawful replies at scenario nodes (identity
    # checked or not, a crisis told, a plan agreed) are where false flags cost most. From here up, the
    # issue's targets hold on the grounded dev split: at most 2% of excellent and 3% of new-hire replies.
    grounded_floor = lowest_within(gtable, GROUNDED_MAX_FALSE, GRID[-1])
    print(f"lowest threshold from which the grounded split's false flags stay within {GROUNDED_MAX_FALSE}: "
          f"{grounded_floor}")
    floor = max(floor, grounded_floor)
    confident = next((r["threshold"] for r in table if r["false_flags"] <= MAX_FALSE and r["threshold"] >= floor),
                     GRID[-1])
    possible = next((r["threshold"] for r in table if r["false_flags"] <= MAX_POSSIBLE), confident)
    # The same budget for *possible* on the grounded split: a trainee shown "possible" on one lawful reply in
    # nine stops reading it.
    grounded_possible = lowest_within(gtable, dict.fromkeys(GROUNDED_MAX_FALSE, MAX_POSSIBLE), confident)
    print(f"lowest threshold at which the grounded split's lawful replies get at most {MAX_POSSIBLE} possible: "
          f"{grounded_possible}")
    possible = max(possible, grounded_possible)
    penalty = next((r["threshold"] for r in table if r["penalised_compliant"] <= MAX_FALSE * 2), GRID[-1])
    chosen = replace(base, violation_confident=confident, violation_possible=min(possible, confident),
                     penalty=penalty)
    data = {k: v for k, v in asdict(chosen).items() if v is not None}
    THRESHOLDS.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {THRESHOLDS}: {data}")
    return 0


if __name__ == "__main__":
    import sys

    raise SystemExit(calibrate_acts() if sys.argv[1:] == ["acts"] else main())
