"""`callsim eval`: the metrics (written by hand, checked against worked examples), the readers' errors,
and both reports on tiny CSV fixtures written for these tests (never the shared evaluation data)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from types import ModuleType

import pytest

from callsim.cli import main
from callsim.core.eval import (
    ESCONV_STRATEGIES,
    EvalDataError,
    balanced_accuracy,
    eval_epitome,
    eval_esconv,
    format_epitome,
    format_esconv,
    macro_f1,
    precision_recall_f1,
    primary_act,
    read_rows,
    spearman,
)
from callsim.core.scorer import ScoringContext, default_scorer

FIX = Path(__file__).resolve().parent / "fixtures" / "eval"
EPITOME = FIX / "epitome-tiny.csv"
ESCONV = FIX / "esconv-tiny.csv"


# --------------------------------------------------------------------------- metrics


def test_balanced_accuracy_averages_the_two_recalls() -> None:
    truth = [True, True, True, True, False, False]
    pred = [True, True, True, False, True, False]
    # recall on positives 3/4, on negatives 1/2
    assert balanced_accuracy(truth, pred) == pytest.approx((0.75 + 0.5) / 2)
    assert balanced_accuracy(truth, truth) == 1.0
    assert balanced_accuracy(truth, [True] * 6) == 0.5


def test_precision_recall_f1_and_macro_f1() -> None:
    truth = [True, True, False, False, False]
    pred = [True, False, True, False, False]
    p, r, f = precision_recall_f1(truth, pred)
    assert (p, r) == (0.5, 0.5) and f == pytest.approx(0.5)
    # negative class: precision 2/3, recall 2/3
    assert macro_f1(truth, pred) == pytest.approx((0.5 + 2 / 3) / 2)
    assert precision_recall_f1([False, False], [False, False]) == (0.0, 0.0, 0.0)


def test_spearman_matches_worked_examples() -> None:
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    # Ties take the average rank: x ranks 1.5,1.5,3,4; y ranks 1,2,3,4 -> rho = 0.9486833
    assert spearman([1, 1, 2, 3], [1, 2, 3, 4]) == pytest.approx(3 / math.sqrt(10), abs=1e-6)
    assert spearman([1, 1, 1], [1, 2, 3]) == 0.0  # a constant has no order
    with pytest.raises(ValueError):
        spearman([1, 2], [1])


# --------------------------------------------------------------------------- readers


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(EvalDataError, match="no such file"):
        read_rows(tmp_path / "nope.csv", ("a",), "EPITOME")


def test_wrong_columns_name_what_is_missing(tmp_path: Path) -> None:
    f = tmp_path / "x.csv"
    f.write_text("id,text\n1,hello\n", encoding="utf-8")
    with pytest.raises(EvalDataError) as e:
        read_rows(f, ("seeker_post", "response_post"), "EPITOME")
    assert "seeker_post" in str(e.value) and "found: id, text" in str(e.value)


def test_empty_and_bad_labels_are_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(EvalDataError, match="empty"):
        eval_epitome(empty)
    bad = tmp_path / "bad.csv"
    bad.write_text("seeker_post,response_post,ER,IP,EX\nhi,hello,3,0,0\n", encoding="utf-8")
    with pytest.raises(EvalDataError, match="row 2: ER must be 0, 1 or 2"):
        eval_epitome(bad)


# --------------------------------------------------------------------------- reports


def test_epitome_report_on_the_tiny_fixture() -> None:
    r = eval_epitome(EPITOME)
    assert r["rows"] == 8
    assert set(r["mechanisms"]) == {"ER", "IP", "EX"}
    ex = r["mechanisms"]["EX"]
    assert ex["human_positive"] == 2
    assert ex["balanced_accuracy"] == 1.0  # the two genuine questions, and no others
    assert r["mechanisms"]["ER"]["balanced_accuracy"] >= 0.75
    assert r["mechanisms"]["IP"]["balanced_accuracy"] >= 0.75
    assert r["empathy_spearman"] > 0.5
    assert r["median_ms"] >= 0
    text = format_epitome(r)
    assert "Spearman(empathy score, ER+IP+EX)" in text and "EX" in text


def test_esconv_report_on_the_tiny_fixture() -> None:
    r = eval_esconv(ESCONV)
    q = r["strategies"]["Questions"]
    assert (q["support"], q["recall"]) == (2, 1.0)
    assert r["strategies"]["Reflection of feelings"]["recall"] == 1.0
    assert r["strategies"]["Providing Suggestions"]["recall"] == 1.0
    assert r["strategies"]["Restatement or Paraphrasing"]["recall"] == 1.0
    assert set(r["empathy_by_strategy"]) >= {"Other", "Questions", "Information"}
    assert r["empathy_by_strategy"]["Reflection of feelings"]["mean_empathy"] > \
        r["empathy_by_strategy"]["Information"]["mean_empathy"]
    assert "Reflection of feelings" in format_esconv(r)


def test_cli_eval_json_and_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "epitome", str(EPITOME), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["rows"] == 8 and "empathy_spearman" in data
    assert main(["eval", "esconv", str(ESCONV)]) == 0
    assert "Questions" in capsys.readouterr().out


def test_cli_eval_errors_are_messages_not_tracebacks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "epitome", str(tmp_path / "missing.csv")]) == 1
    err = capsys.readouterr().err
    assert "no such file" in err and "Traceback" not in err
    assert main(["eval", "esconv", str(EPITOME)]) == 1
    assert "missing column(s) strategy" in capsys.readouterr().err


# --------------------------------------------------------------------------- one main act per reply


@pytest.mark.parametrize(("reply", "act"), [
    ("How have you been coping since you moved?", "Questions"),
    ("I'm so sorry. How are you holding up?", "Questions"),  # warmth, then the question it leads to
    ("It sounds like you're exhausted and scared. How are you sleeping?", "Reflection of feelings"),
    ("You must be feeling really let down by her.", "Reflection of feelings"),
    ("So you moved here in May and haven't met anyone yet?", "Restatement or Paraphrasing"),
    ("Have you tried joining a club? It could help you meet people.", "Providing Suggestions"),
    ("You could try a walking group. What do you think?", "Providing Suggestions"),  # a suggestion, then a check
    ("I went through the same thing when I lost my job.", "Self-disclosure"),
    ("I'm sure you'll get through this, you're stronger than you think.", "Affirmation and Reassurance"),
    ("I understand. That must be hard, but I'm sure things will get better.", "Affirmation and Reassurance"),
    ("I understand.", "Affirmation and Reassurance"),  # a stock phrase does not describe their feeling
    ("Hello there!", "Other"),
])
def test_primary_act_follows_the_documented_precedence(reply: str, act: str) -> None:
    score = default_scorer().score(reply, ScoringContext(debtor_line="I moved here in May and feel so alone."))
    assert primary_act(score, reply) == act
    assert act in ESCONV_STRATEGIES


def test_esconv_report_has_multi_label_and_primary_act_numbers() -> None:
    r = eval_esconv(ESCONV)
    primary = r["primary"]
    assert set(primary["strategies"]) == set(ESCONV_STRATEGIES)
    assert primary["strategies"]["Questions"]["support"] == 2
    assert primary["strategies"]["Questions"]["recall"] == 1.0
    assert primary["strategies"]["Information"]["predicted"] == 0  # no detector: never predicted
    assert sum(v["predicted"] for v in primary["strategies"].values()) == r["rows"]  # exactly one act per reply
    assert 0.5 <= primary["accuracy"] <= 1.0
    text = format_esconv(r)
    assert "Multi-label" in text and "Primary act" in text


# --------------------------------------------------------------------------- the ESConv ceiling bench


def _ceiling() -> ModuleType:
    """bench/esconv_ceiling.py, loaded by path (bench/ is not a package)."""
    import importlib.util

    path = Path(__file__).parent.parent / "bench" / "esconv_ceiling.py"
    spec = importlib.util.spec_from_file_location("esconv_ceiling", path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_ceiling_curve_points_read_precision_and_recall_off_the_ranking() -> None:
    import numpy as np

    bench = _ceiling()
    y = np.array([1, 0, 1, 0, 0, 1, 0, 0], dtype=np.float32)
    scores = np.array([8, 7, 6, 5, 4, 3, 2, 1], dtype=np.float32)
    best_f1, p_at_half, r_at_40 = bench.curve_points(scores, y)
    # top 3 = 1,0,1: P 0.667 R 0.667; top 6 = all three positives: P 0.5 R 1.0 (F1 0.667)
    assert best_f1 == pytest.approx(2 / 3)
    assert p_at_half == pytest.approx(2 / 3)  # the top one alone has recall 1/3; the top 3 are the first past 0.5
    assert r_at_40 == pytest.approx(1.0)  # all three are in by the 6th, at precision 0.5


def test_ceiling_bench_learns_a_separable_label_and_runs_on_the_fixture(capsys: pytest.CaptureFixture[str]) -> None:
    import numpy as np

    bench = _ceiling()
    texts = [f"how are you {i}?" for i in range(20)] + [f"that is sad number {i}" for i in range(20)]
    x = bench._features(texts)
    y = np.array([1] * 20 + [0] * 20, dtype=np.float32)
    best_f1, _, _ = bench.curve_points(bench.cross_validated(x, y, 4, 0), y)
    assert best_f1 == pytest.approx(1.0)
    assert bench.main([str(ESCONV), "--folds", "2"]) == 0
    out = capsys.readouterr().out
    assert "Reflection of feelings" in out and "trained" in out and "callsim" in out


def _jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_collector_lines_at_a_scenario_node_are_scored_in_the_calls_state(tmp_path: Path) -> None:
    """Reading the balance is a disclosure to whoever picked up at the opening, and lawful once Dale has
    confirmed who he is: the same words, judged against the state a call has at each node."""
    from callsim.core.eval import eval_collector

    balance = "The balance on the Cedar Valley card is $3,184.62."
    path = _jsonl(tmp_path / "grounded.jsonl", [
        {"scenario": "job-loss-us", "node": "opening", "text": balance, "label": "third_party_disclosure",
         "kind": "harmful"},
        {"scenario": "job-loss-us", "node": "verified", "text": balance, "label": "compliant", "kind": "excellent"},
        {"scenario": "job-loss-us", "node": "verified", "text": "The balance is $9,000.", "label": "misstated_balance",
         "kind": "harmful"},
        {"text": "You'll go to jail over this.", "label": "threat_arrest_or_crime"},
    ])
    report = eval_collector(path)
    assert report["per_violation"]["third_party_disclosure"]["right_id"] == 1
    assert report["per_violation"]["misstated_balance"]["right_id"] == 1  # the scenario's facts reached the scorer
    assert report["false_flag_rate"] == 0.0
    assert report["by_kind"]["harmful"]["right_id_recall"] == 1.0
    assert report["by_kind"]["excellent"]["compliant"] == 1
    assert "threat_arrest_or_crime" not in report["by_kind"]["harmful"]["per_violation"]  # no kind: no kind row
    from callsim.core.eval import format_collector

    table = format_collector(report)
    assert "harmful" in table and "excellent" in table


def test_collector_line_naming_an_unknown_scenario_or_node_names_the_line(tmp_path: Path) -> None:
    from callsim.core.eval import EvalDataError, eval_collector

    ok = {"text": "Hello.", "label": "compliant"}
    path = _jsonl(tmp_path / "a.jsonl", [ok, {"scenario": "no-such-scenario", **ok}])
    with pytest.raises(EvalDataError, match=r"a\.jsonl:2: no scenario 'no-such-scenario'"):
        eval_collector(path)
    path = _jsonl(tmp_path / "b.jsonl", [{"scenario": "job-loss-us", "node": "nowhere", **ok}])
    with pytest.raises(EvalDataError, match=r"b\.jsonl:1: no node 'nowhere'"):
        eval_collector(path)


def test_collector_report_counts_empathy_credited_where_the_set_says_there_is_none(tmp_path: Path) -> None:
    from callsim.core.eval import eval_collector, format_collector

    sorry = "I'm so sorry, that sounds like an awful few months, and it must have been frightening."
    path = _jsonl(tmp_path / "e.jsonl", [
        {"text": sorry, "label": "compliant", "empathic": True},
        {"text": sorry, "label": "compliant", "empathic": False},  # marked plain: its 50+ is counted against it
        {"text": "The account number is on the letter.", "label": "compliant", "empathic": False},
        {"text": "One moment please.", "label": "compliant"},  # not marked either way: in neither share
    ])
    report = eval_collector(path)
    assert (report["empathic"], report["empathic_50"]) == (1, 1.0)
    assert (report["plain"], report["plain_50"]) == (2, 0.5)
    assert "Not empathic, yet >= 50:    0.500 of 2" in format_collector(report)
    unmarked = eval_collector(_jsonl(tmp_path / "u.jsonl", [{"text": "One moment please.", "label": "compliant"}]))
    assert "Not empathic" not in format_collector(unmarked)  # no "0.000 of 0" for a set that marks nothing
