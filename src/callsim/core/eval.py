"""Measuring the scorer against human labels: EPITOME (empathy levels), ESConv (supporter strategies) and
AnnoMI (expert-coded reflections and questions in motivational-interviewing sessions).

The metrics are plain Python (no numpy/scipy): balanced accuracy, macro-F1, precision/recall/F1 and
Spearman's rank correlation with average ranks for ties. The data files are read by path and never
shipped; see ``docs/scoring.md`` for the numbers and ``callsim eval --help`` for the commands.
"""

from __future__ import annotations

import csv
import math
import re
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from callsim.core.epitome import IP_WEAK
from callsim.core.nlp import normalise, sentences
from callsim.core.scorer import Scorer, ScoringContext, TurnScore, default_scorer

EPITOME_COLUMNS = ("seeker_post", "response_post", "ER", "IP", "EX")
ESCONV_COLUMNS = ("strategy", "response", "last_seeker_utterance")
ANNOMI_COLUMNS = ("id", "behaviour", "mi_quality", "text", "context")
# AnnoMI behaviour -> the callsim behaviours that stand for it.
ANNOMI_MAP: dict[str, tuple[str, ...]] = {
    "reflection": ("interpretation", "paraphrase"),
    "question": ("exploration",),
}
MECHANISMS = ("ER", "IP", "EX")

# ESConv strategy -> the callsim behaviour(s) that stand for it ("advice" is the scorer's advice signal).
ESCONV_MAP: dict[str, tuple[str, ...]] = {
    "Questions": ("exploration",),
    "Reflection of feelings": ("interpretation",),
    "Restatement or Paraphrasing": ("paraphrase",),
    "Affirmation and Reassurance": ("validation", "emotional_reaction"),
    "Providing Suggestions": ("advice",),
}


ESCONV_STRATEGIES = (
    "Questions", "Reflection of feelings", "Restatement or Paraphrasing", "Affirmation and Reassurance",
    "Providing Suggestions", "Self-disclosure", "Information", "Other",
)

# Reassurance and encouragement (ESConv "Affirmation and Reassurance": affirm their strengths, motivation and
# capabilities, reassure and encourage). A reply that reassures is mainly affirming, even when it also names
# a feeling ("That must be a lot to manage; I'm sure you're doing a great job").
REASSURANCE = re.compile(
    r"\b(you can do (it|this)|you('ll| will) (be (ok|okay|fine|alright)|get through|make it|find|figure)|"
    r"i('m| am) (so )?sure (you|it|things|that|he|she|they)|i believe (in )?you|you('re| are) (doing (great|well|"
    r"the right thing|your best|a great job|amazing)|(so |very |really |a )?(strong|brave|capable|resilient|smart|good|"
    r"amazing|great|wonderful|kind|caring|not alone))|(things|it|everything) (will|'ll|is going to|are going to) "
    r"(get better|be (ok|okay|fine|alright)|work out|improve)|don'?t worry|(be|stay) (strong|positive)|"
    r"proud of you|you deserve|good (for you|job|idea|start|choice|decision)|great (job|idea|start|choice|decision|"
    r"step)|(the|a) (right|good|great|wise) (thing|decision|choice|step|move)|you('ve| have) got this|"
    r"keep (it up|going|your head up)|that'?s (great|good|wonderful|amazing|awesome|fantastic)|"
    r"it'?s (ok|okay|normal|natural|understandable) to|not (your fault|alone))\b",
    re.I,
)
_STOCK = [g.rx for g in IP_WEAK.parts]


def _stock(text: str) -> bool:
    """A stock phrase of understanding ("I understand", "I hear you"), not a reflection of their feeling."""
    return any(rx.fullmatch(text) for rx in _STOCK)


def primary_act(score: TurnScore, reply: str) -> str:
    """The one ESConv strategy a reply mainly performs, from the behaviours the scorer found in it.

    ESConv labels each supporter turn with its main act, while the scorer reports every behaviour a reply
    shows. Precedence (first that applies):

    1. **Restatement or Paraphrasing**: it checks back their facts (``paraphrase``), even if a question follows.
    2. **Reflection of feelings**: it names their feeling or what the situation means to them
       (``interpretation`` beyond a stock "I understand"), and does not go on to reassure them.
    3. **Questions**: its final sentence is a genuine question about them (``exploration``) and it makes no
       suggestion anywhere.
    4. **Providing Suggestions**: it suggests what to do (the scorer's advice signal, including suggestions
       asked as questions: "Have you tried ...?").
    5. **Self-disclosure**: it shares the speaker's own experience (``self_disclosure``).
    6. **Questions**: a genuine question elsewhere in the reply.
    7. **Affirmation and Reassurance**: reassurance or encouragement, ``validation``, warmth
       (``emotional_reaction``), or a stock "I understand".
    8. **Other** (greetings, thanks, small talk). "Information" has no detector and is never predicted.
    """
    text = normalise(reply)
    spans = sentences(text)
    last = spans[-1] if spans else (0, len(text))
    ev = {d.id: d.evidence for d in score.behaviours}
    reassures = bool(REASSURANCE.search(text))
    reflects = any(not _stock(e.text) for e in ev.get("interpretation", ()))
    if "paraphrase" in ev:
        return "Restatement or Paraphrasing"
    if reflects and not reassures:
        return "Reflection of feelings"
    if any(last[0] <= e.start < last[1] for e in ev.get("exploration", ())) and not score.advice:
        return "Questions"
    if score.advice:
        return "Providing Suggestions"
    if "self_disclosure" in ev:
        return "Self-disclosure"
    if "exploration" in ev:
        return "Questions"
    if reassures or ev.keys() & {"validation", "emotional_reaction", "interpretation"}:
        return "Affirmation and Reassurance"
    return "Other"


class EvalDataError(Exception):
    """The evaluation file is missing, unreadable or not in the expected format."""


# --------------------------------------------------------------------------- reading


def read_rows(path: str | Path, required: Sequence[str], what: str) -> list[dict[str, str]]:
    """Rows of a CSV file with a header, checking that the ``required`` columns are there."""
    p = Path(path)
    if not p.exists():
        raise EvalDataError(f"no such file: {p}")
    if not p.is_file():
        raise EvalDataError(f"not a file: {p}")
    try:
        with p.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            header = [h.strip() for h in (reader.fieldnames or [])]
            missing = [c for c in required if c not in header]
            if not header:
                raise EvalDataError(f"{p} is empty: expected a {what} CSV with columns {', '.join(required)}")
            if missing:
                raise EvalDataError(
                    f"{p} is not a {what} file: missing column(s) {', '.join(missing)} "
                    f"(found: {', '.join(header) or 'none'}; expected at least: {', '.join(required)})"
                )
            reader.fieldnames = header
            rows = [{k: (v or "") for k, v in row.items() if k is not None} for row in reader]
    except UnicodeDecodeError:
        raise EvalDataError(f"{p} is not UTF-8 text") from None
    except csv.Error as e:
        raise EvalDataError(f"{p} is not valid CSV: {e}") from None
    except OSError as e:
        raise EvalDataError(f"cannot read {p}: {e.strerror}") from None
    if not rows:
        raise EvalDataError(f"{p} has a header but no rows")
    return rows


def _level(row: dict[str, str], col: str, line: int) -> int:
    raw = row[col].strip()
    try:
        value = int(float(raw))
    except ValueError:
        raise EvalDataError(f"row {line}: {col} must be 0, 1 or 2, got {raw!r}") from None
    if value not in (0, 1, 2):
        raise EvalDataError(f"row {line}: {col} must be 0, 1 or 2, got {raw!r}")
    return value


# --------------------------------------------------------------------------- metrics


def balanced_accuracy(truth: Sequence[bool], pred: Sequence[bool]) -> float:
    """Mean of the recall of the positive class and the recall of the negative class."""
    recalls = []
    for cls in (True, False):
        n = sum(1 for t in truth if t is cls)
        if n:
            recalls.append(sum(1 for t, p in zip(truth, pred, strict=True) if t is cls and p is cls) / n)
    return sum(recalls) / len(recalls) if recalls else 0.0


def precision_recall_f1(truth: Sequence[bool], pred: Sequence[bool]) -> tuple[float, float, float]:
    tp = sum(1 for t, p in zip(truth, pred, strict=True) if t and p)
    fp = sum(1 for t, p in zip(truth, pred, strict=True) if not t and p)
    fn = sum(1 for t, p in zip(truth, pred, strict=True) if t and not p)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def macro_f1(truth: Sequence[bool], pred: Sequence[bool]) -> float:
    """F1 of the positive class and F1 of the negative class, averaged."""
    pos = precision_recall_f1(truth, pred)[2]
    neg = precision_recall_f1([not t for t in truth], [not p for p in pred])[2]
    return (pos + neg) / 2


def accuracy(truth: Sequence[object], pred: Sequence[object]) -> float:
    return sum(1 for t, p in zip(truth, pred, strict=True) if t == p) / len(truth) if truth else 0.0


def _ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks, ties sharing the average of the ranks they span."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        avg = (i + j) / 2 + 1
        for k in range(i, j + 1):
            ranks[order[k]] = avg
        i = j + 1
    return ranks


def pearson(x: Sequence[float], y: Sequence[float]) -> float:
    n = len(x)
    if n < 2:
        return 0.0
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    if sxx == 0 or syy == 0:
        return 0.0  # a constant has no rank order: report no correlation
    return sxy / math.sqrt(sxx * syy)


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    """Spearman's rho: the Pearson correlation of the (tie-averaged) ranks."""
    if len(x) != len(y):
        raise ValueError("spearman needs two sequences of the same length")
    return pearson(_ranks(x), _ranks(y))


# --------------------------------------------------------------------------- running


def _timed(scorer: Scorer, items: Sequence[tuple[str, str | ScoringContext]]
           ) -> tuple[list[TurnScore], float, float]:
    """Each (reply, the debtor's line or a whole scoring context) scored, the total seconds and the median ms."""
    scores: list[TurnScore] = []
    per: list[float] = []
    t0 = time.perf_counter()
    for text, context in items:
        ctx = context if isinstance(context, ScoringContext) else ScoringContext(debtor_line=context)
        t = time.perf_counter()
        scores.append(scorer.score(text, ctx))
        per.append(time.perf_counter() - t)
    total = time.perf_counter() - t0
    return scores, total, statistics.median(per) * 1000 if per else 0.0


def _r(x: float) -> float:
    return round(x, 3)


def eval_epitome(path: str | Path, scorer: Scorer | None = None) -> dict[str, Any]:
    """Score each ``response_post`` with its ``seeker_post`` and compare with the human levels."""
    rows = read_rows(path, EPITOME_COLUMNS, "EPITOME")
    gold = {m: [_level(r, m, i) for i, r in enumerate(rows, 2)] for m in MECHANISMS}
    scores, total, median_ms = _timed(scorer or default_scorer(),
                                      [(r["response_post"], r["seeker_post"]) for r in rows])
    out: dict[str, Any] = {"file": str(path), "rows": len(rows), "mechanisms": {}}
    for m in MECHANISMS:
        truth = gold[m]
        pred = [s.epitome[m] for s in scores]
        tb, pb = [t > 0 for t in truth], [p > 0 for p in pred]
        out["mechanisms"][m] = {
            "human_positive": sum(tb),
            "predicted_positive": sum(pb),
            "balanced_accuracy": _r(balanced_accuracy(tb, pb)),
            "macro_f1": _r(macro_f1(tb, pb)),
            "accuracy_3_level": _r(accuracy(truth, pred)),
            "spearman": _r(spearman([float(p) for p in pred], [float(t) for t in truth])),
        }
    total_gold = [float(sum(gold[m][i] for m in MECHANISMS)) for i in range(len(rows))]
    out["empathy_spearman"] = _r(spearman([s.empathy for s in scores], total_gold))
    out["seconds"] = round(total, 2)
    out["median_ms"] = round(median_ms, 3)
    return out


_LABEL = re.compile(r"\[[^\]]*\]\s*")


def _predicted(score: TurnScore, behaviours: tuple[str, ...]) -> bool:
    ids = score.behaviour_ids
    return any((b == "advice" and bool(score.advice)) or b in ids for b in behaviours)


def _agreement(truth: list[bool], pred: list[bool]) -> dict[str, Any]:
    """Support, predicted count, precision, recall and F1 of one label."""
    p, r, f = precision_recall_f1(truth, pred)
    return {"support": sum(truth), "predicted": sum(pred), "precision": _r(p), "recall": _r(r), "f1": _r(f)}


def eval_esconv(path: str | Path, scorer: Scorer | None = None) -> dict[str, Any]:
    """Score each supporter ``response`` with the seeker's last words; compare with the strategy."""
    rows = read_rows(path, ESCONV_COLUMNS, "ESConv")
    items = [(r["response"], _LABEL.sub("", r["last_seeker_utterance"])) for r in rows]
    scores, total, median_ms = _timed(scorer or default_scorer(), items)
    strategies = [r["strategy"].strip() for r in rows]
    out: dict[str, Any] = {"file": str(path), "rows": len(rows), "strategies": {}}
    for strategy, behaviours in ESCONV_MAP.items():
        truth = [s == strategy for s in strategies]
        pred = [_predicted(sc, behaviours) for sc in scores]
        out["strategies"][strategy] = {"behaviour": " or ".join(behaviours), **_agreement(truth, pred)}
    # One main act per reply, compared with ESConv's one label per turn.
    primary = [primary_act(sc, text) for sc, (text, _) in zip(scores, items, strict=True)]
    out["primary"] = {"accuracy": _r(accuracy(strategies, primary)), "strategies": {}}
    for strategy in ESCONV_STRATEGIES:
        out["primary"]["strategies"][strategy] = _agreement([s == strategy for s in strategies],
                                                            [p == strategy for p in primary])
    means: dict[str, dict[str, float]] = {}
    for strategy in sorted(set(strategies)):
        vals = [sc.empathy for sc, s in zip(scores, strategies, strict=True) if s == strategy]
        means[strategy] = {"n": len(vals), "mean_empathy": round(sum(vals) / len(vals), 1)}
    out["empathy_by_strategy"] = means
    out["seconds"] = round(total, 2)
    out["median_ms"] = round(median_ms, 3)
    return out


def eval_annomi(path: str | Path, scorer: Scorer | None = None) -> dict[str, Any]:
    """Score each counsellor utterance (``text``) with the client's previous words (``context``): reflections
    should read as interpretation or paraphrase, questions as exploration, and sessions rated high-quality
    MI should get a higher mean empathy than low-quality ones (per utterance and per session)."""
    rows = read_rows(path, ANNOMI_COLUMNS, "AnnoMI")
    items = [(r["text"], r["context"]) for r in rows]
    scores, total, median_ms = _timed(scorer or default_scorer(), items)
    labels = [r["behaviour"].strip() for r in rows]
    out: dict[str, Any] = {"file": str(path), "rows": len(rows), "behaviours": {}}
    for label, behaviours in ANNOMI_MAP.items():
        out["behaviours"][label] = {"callsim": " or ".join(behaviours),
                                    **_agreement([lab == label for lab in labels],
                                                 [_predicted(sc, behaviours) for sc in scores])}
    quality: dict[str, Any] = {}
    for q in ("high", "low"):
        vals = [sc.empathy for sc, row in zip(scores, rows, strict=True) if row["mi_quality"].strip() == q]
        sessions: dict[str, list[float]] = {}
        for sc, row in zip(scores, rows, strict=True):
            if row["mi_quality"].strip() == q:
                sessions.setdefault(row["id"].split("-")[0], []).append(sc.empathy)
        per_session = [sum(v) / len(v) for v in sessions.values()]
        quality[q] = {
            "utterances": len(vals),
            "sessions": len(sessions),
            "mean_empathy": round(sum(vals) / len(vals), 1) if vals else 0.0,
            "mean_session_empathy": round(sum(per_session) / len(per_session), 1) if per_session else 0.0,
        }
    out["quality"] = quality
    out["high_above_low"] = quality["high"]["mean_session_empathy"] > quality["low"]["mean_session_empathy"]
    out["seconds"] = round(total, 2)
    out["median_ms"] = round(median_ms, 3)
    return out


def read_jsonl(path: str | Path, required: Sequence[str], what: str) -> list[dict[str, Any]]:
    """Objects of a JSON-lines file, checking that each has the ``required`` keys."""
    import json

    p = Path(path)
    if not p.is_file():
        raise EvalDataError(f"no such file: {p}")
    rows = []
    for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise EvalDataError(f"{p}:{n}: not JSON ({e.msg})") from None
        missing = [k for k in required if k not in row]
        if not isinstance(row, dict) or missing:
            raise EvalDataError(f"{p}:{n}: a {what} line needs {', '.join(required)}")
        rows.append(row)
    if not rows:
        raise EvalDataError(f"{p} has no lines")
    return rows


class NodePlaces:
    """Scoring contexts at scenario nodes, each derived once (a collector file may name many)."""

    def __init__(self, scorer: Scorer, path: Path) -> None:
        self.scorer, self.path = scorer, path
        self._compiled: dict[str, Any] = {}
        self._states: dict[tuple[str, str], Any] = {}

    def context(self, row: dict[str, Any], line: int) -> ScoringContext:
        """The context a call at the row's ``scenario`` and ``node`` (its start if none) scores a reply with."""
        from callsim.core.engine import CompiledScenario
        from callsim.core.library import NotFound, resolve
        from callsim.core.loader import ScenarioFileError
        from callsim.core.nodestate import StateError, check_node, state_at

        ref, node = row.get("scenario"), row.get("node")
        if not isinstance(ref, str) or not isinstance(node, str | None):
            raise EvalDataError(f"{self.path}:{line}: 'scenario' and 'node' are strings")
        compiled = self._compiled.get(ref)
        if compiled is None:
            try:
                result = resolve(ref)
            except (NotFound, ScenarioFileError) as e:
                raise EvalDataError(f"{self.path}:{line}: {e}") from None
            if result.scenario is None or result.errors:
                raise EvalDataError(f"{self.path}:{line}: the scenario {ref!r} has errors (callsim lint {ref})")
            compiled = self._compiled[ref] = CompiledScenario(result.scenario, self.scorer)
        node = node or compiled.scenario.start
        state = self._states.get((ref, node))
        if state is None:
            try:
                check_node(compiled.scenario, node)
            except StateError as e:
                raise EvalDataError(f"{self.path}:{line}: {e}") from None
            state = self._states[(ref, node)] = state_at(compiled, node)
        ctx: ScoringContext = state.scoring_context(compiled, str(row.get("context") or ""))
        return ctx


def eval_collector(path: str | Path, scorer: Scorer | None = None) -> dict[str, Any]:
    """Collector lines labelled with the violation they commit, or ``compliant`` (``{"text", "label",
    "context", "empathic"}`` per line): is every violation flagged, with the right id; how many compliant
    lines are falsely flagged; do clearly empathic ones reach empathy 50?

    A line may name a ``scenario`` (id or path) and a ``node``: it is then scored as a reply at that node,
    in the state a call has there (``callsim score --scenario --node``), its ``context`` (if any) over the
    debtor's line. A line's ``kind`` (any word, such as excellent, newhire, harmful) gets its own row of the
    same figures in ``by_kind``."""
    scorer = scorer or default_scorer()
    rows = read_jsonl(path, ("text", "label"), "collector")
    places = NodePlaces(scorer, Path(path))
    items: list[tuple[str, str | ScoringContext]] = [
        (str(r["text"]), places.context(r, n) if r.get("scenario") else str(r.get("context") or ""))
        for n, r in enumerate(rows, 1)]
    scores, total, median_ms = _timed(scorer, items)
    report = {"file": str(path), "rows": len(rows), **_collector_figures(rows, scores)}
    kinds = sorted({str(r["kind"]) for r in rows if r.get("kind")})
    if kinds:
        report["by_kind"] = {k: _collector_figures(*_only(rows, scores, k)) for k in kinds}
    return {**report, "seconds": round(total, 2), "median_ms": round(median_ms, 3)}


def _only(rows: list[dict[str, Any]], scores: list[TurnScore], kind: str
          ) -> tuple[list[dict[str, Any]], list[TurnScore]]:
    pairs = [(r, sc) for r, sc in zip(rows, scores, strict=True) if r.get("kind") == kind]
    return [r for r, _ in pairs], [sc for _, sc in pairs]


def _collector_figures(rows: list[dict[str, Any]], scores: list[TurnScore]) -> dict[str, Any]:
    bad = [(r, sc) for r, sc in zip(rows, scores, strict=True) if r["label"] != "compliant"]
    good = [(r, sc) for r, sc in zip(rows, scores, strict=True) if r["label"] == "compliant"]
    empathic = [sc for r, sc in good if r.get("empathic")]
    plain = [sc for r, sc in good if "empathic" in r and not r["empathic"]]
    per: dict[str, dict[str, Any]] = {}
    for r, sc in bad:
        d = per.setdefault(str(r["label"]), {"n": 0, "flagged": 0, "right_id": 0, "possible": 0})
        d["n"] += 1
        d["flagged"] += bool(sc.violations)
        d["right_id"] += r["label"] in sc.violation_ids
        d["possible"] += bool(sc.possible) and not sc.violations
    false: dict[str, int] = {}
    for _row, sc in good:
        for v in sc.violation_ids:
            false[v] = false.get(v, 0) + 1
    return {
        "violations": len(bad), "compliant": len(good),
        "any_violation_recall": _r(sum(bool(sc.violations) for _, sc in bad) / len(bad)) if bad else 0.0,
        "right_id_recall": _r(sum(r["label"] in sc.violation_ids for r, sc in bad) / len(bad)) if bad else 0.0,
        "false_flag_rate": _r(sum(bool(sc.violations) for _, sc in good) / len(good)) if good else 0.0,
        "possible_on_compliant": _r(sum(bool(sc.possible) and not sc.violations for _, sc in good) / len(good))
        if good else 0.0,
        "empathic": len(empathic),
        "empathic_50": _r(sum(sc.empathy >= 50 for sc in empathic) / len(empathic)) if empathic else 0.0,
        # Lawful replies the set marks as not empathic (procedural, or kind-sounding without warmth or
        # understanding) that still reach 50: empathy credited where there is none.
        "plain": len(plain),
        "plain_50": _r(sum(sc.empathy >= 50 for sc in plain) / len(plain)) if plain else 0.0,
        "per_violation": dict(sorted(per.items())),
        "false_flags_by_id": dict(sorted(false.items(), key=lambda kv: -kv[1])),
    }


def format_collector(report: dict[str, Any]) -> str:
    lines = [f"Collector lines: {report['rows']} from {report['file']} ({report['violations']} violations, "
             f"{report['compliant']} compliant)", "",
             f"Any violation flagged:      {report['any_violation_recall']:.3f}",
             f"Flagged with the right id:  {report['right_id_recall']:.3f}",
             f"Compliant falsely flagged:  {report['false_flag_rate']:.3f}"
             f"   (shown as possible only: {report['possible_on_compliant']:.3f})",
             f"Empathic replies >= 50:     {report['empathic_50']:.3f} of {report['empathic']}"]
    if report["plain"]:  # only sets that mark lines "empathic": false say what is not empathic
        lines.append(f"Not empathic, yet >= 50:    {report['plain_50']:.3f} of {report['plain']}")
    lines += ["", f"{'violation':<30} {'n':>4} {'flagged':>8} {'right id':>9} {'possible':>9}"]
    for vid, d in report["per_violation"].items():
        lines.append(f"{vid:<30} {d['n']:>4} {d['flagged']:>8} {d['right_id']:>9} {d['possible']:>9}")
    if report["false_flags_by_id"]:
        lines += ["", "False flags on compliant lines: " + ", ".join(f"{k} {v}" for k, v in
                                                                 report["false_flags_by_id"].items())]
    if report.get("by_kind"):
        lines += ["", f"{'kind':<14} {'lines':>6} {'recall':>7} {'right id':>9} {'false flags':>12} {'possible':>9} "
                      f"{'empathic >= 50':>15}"]
        for kind, d in report["by_kind"].items():
            recall = f"{d['any_violation_recall']:.3f}" if d["violations"] else "-"
            right = f"{d['right_id_recall']:.3f}" if d["violations"] else "-"
            false = f"{d['false_flag_rate']:.3f}" if d["compliant"] else "-"
            possible = f"{d['possible_on_compliant']:.3f}" if d["compliant"] else "-"
            emp = f"{d['empathic_50']:.3f} of {d['empathic']}" if d["empathic"] else "-"
            lines.append(f"{kind:<14} {d['violations'] + d['compliant']:>6} {recall:>7} {right:>9} {false:>12} "
                         f"{possible:>9} {emp:>15}")
    lines += ["", f"Time: {report['seconds']:.2f} s, median {report['median_ms']:.2f} ms per reply"]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- text reports


def format_epitome(report: dict[str, Any]) -> str:
    lines = [f"EPITOME: {report['rows']} replies from {report['file']}", "",
             f"{'mechanism':<10} {'bal.acc':>8} {'macroF1':>8} {'acc(3)':>8} {'spearman':>9} {'human>0':>8} "
             f"{'pred>0':>7}"]
    for m, r in report["mechanisms"].items():
        lines.append(f"{m:<10} {r['balanced_accuracy']:>8.3f} {r['macro_f1']:>8.3f} {r['accuracy_3_level']:>8.3f} "
                     f"{r['spearman']:>9.3f} {r['human_positive']:>8} {r['predicted_positive']:>7}")
    lines += ["", f"Spearman(empathy score, ER+IP+EX): {report['empathy_spearman']:.3f}",
              f"Time: {report['seconds']:.2f} s, median {report['median_ms']:.2f} ms per reply"]
    return "\n".join(lines) + "\n"


def format_esconv(report: dict[str, Any]) -> str:
    lines = [f"ESConv: {report['rows']} supporter turns from {report['file']}", "",
             "Multi-label: does the reply show the behaviour the strategy stands for (among all it shows)?",
             f"{'strategy':<30} {'behaviour':<34} {'prec':>6} {'recall':>6} {'F1':>6} {'n':>5}"]
    for s, r in report["strategies"].items():
        lines.append(f"{s:<30} {r['behaviour']:<34} {r['precision']:>6.3f} {r['recall']:>6.3f} {r['f1']:>6.3f} "
                     f"{r['support']:>5}")
    primary = report.get("primary")
    if primary:
        lines += ["", f"Primary act: one main act per reply (see callsim.core.eval.primary_act), "
                      f"accuracy {primary['accuracy']:.3f}",
                  f"{'strategy':<30} {'prec':>6} {'recall':>6} {'F1':>6} {'n':>5} {'pred':>5}"]
        for s, r in primary["strategies"].items():
            lines.append(f"{s:<30} {r['precision']:>6.3f} {r['recall']:>6.3f} {r['f1']:>6.3f} {r['support']:>5} "
                         f"{r['predicted']:>5}")
    lines += ["", f"{'strategy':<30} {'mean empathy':>12} {'n':>5}"]
    for s, r in report["empathy_by_strategy"].items():
        lines.append(f"{s:<30} {r['mean_empathy']:>12.1f} {r['n']:>5}")
    lines += ["", f"Time: {report['seconds']:.2f} s, median {report['median_ms']:.2f} ms per reply"]
    return "\n".join(lines) + "\n"


def format_annomi(report: dict[str, Any]) -> str:
    lines = [f"AnnoMI: {report['rows']} counsellor utterances from {report['file']}", "",
             f"{'expert label':<14} {'callsim behaviour':<30} {'prec':>6} {'recall':>6} {'F1':>6} {'n':>5} {'pred':>5}"]
    for label, r in report["behaviours"].items():
        lines.append(f"{label:<14} {r['callsim']:<30} {r['precision']:>6.3f} {r['recall']:>6.3f} {r['f1']:>6.3f} "
                     f"{r['support']:>5} {r['predicted']:>5}")
    lines += ["", f"{'MI quality':<10} {'mean empathy':>12} {'per session':>12} {'utterances':>10} {'sessions':>8}"]
    for q, r in report["quality"].items():
        lines.append(f"{q:<10} {r['mean_empathy']:>12.1f} {r['mean_session_empathy']:>12.1f} {r['utterances']:>10} "
                     f"{r['sessions']:>8}")
    verdict = "higher" if report["high_above_low"] else "NOT higher"
    lines += ["", f"High-quality sessions score {verdict} mean empathy than low-quality ones.",
              f"Time: {report['seconds']:.2f} s, median {report['median_ms']:.2f} ms per reply"]
    return "\n".join(lines) + "\n"


RUNNERS: dict[str, tuple[Callable[..., dict[str, Any]], Callable[[dict[str, Any]], str]]] = {
    "epitome": (eval_epitome, format_epitome),
    "esconv": (eval_esconv, format_esconv),
    "annomi": (eval_annomi, format_annomi),
    "collector": (eval_collector, format_collector),
}
