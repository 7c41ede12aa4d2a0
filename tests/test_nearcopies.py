"""scripts/near-copies: a corpus line almost the same as a held-out line is found; a different one is not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from callsim.core.understanding.nearcopies import BatchError, Index, main, near_copies


def _index() -> Index:
    return Index([("I'm not saying you have to pay anything today. I'd just like to understand your situation first.",
                   "test/collector.jsonl"),
                  ("Nobody is going to arrest you over a credit card balance.", "test2/collector.jsonl")])


def test_a_reworded_copy_is_found_with_where_it_is() -> None:
    index = _index()
    found = index.nearest("I'm not saying you have to pay anything today; I just want to understand your situation.")
    assert found is not None
    text, ratio = found
    assert index.where[text] == "test/collector.jsonl" and 0.8 <= ratio < 1.0


def test_a_line_in_the_same_words_about_something_else_is_not_a_copy() -> None:
    assert _index().nearest("Nobody is going to call your employer about this balance.") is None
    assert _index().nearest("ok") is None


def test_files_are_read_as_lines_or_json_pairs(tmp_path: Path) -> None:
    txt = tmp_path / "batch.txt"
    txt.write_text("# a comment: skipped\nnobody is going to arrest you over a credit card balance\nHello there.\n",
                   encoding="utf-8")
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text(json.dumps({"debtor": "I lost my job.", "reply": "Nobody's going to arrest you over a credit "
                                 "card balance.", "label": "fine"}) + "\n", encoding="utf-8")
    found = [(p.name, n) for p, n, *_ in near_copies([txt, pairs], _index())]
    assert found == [("batch.txt", 2), ("pairs.jsonl", 1)]


def test_the_script_exits_1_when_a_batch_holds_a_copy_of_a_shipped_heldout_line(tmp_path: Path, capsys) -> None:
    held = Path(__file__).resolve().parents[1] / "heldout" / "test" / "collector.jsonl"
    line = json.loads(held.read_text(encoding="utf-8").splitlines()[0])["text"]
    batch = tmp_path / "batch.txt"
    batch.write_text(line + "\n", encoding="utf-8")
    assert main(["--file", str(batch)]) == 1
    assert "test/collector.jsonl" in capsys.readouterr().out
    batch.write_text("A sentence about the weather in Scranton, nothing like any collector line at all.\n",
                     encoding="utf-8")
    assert main(["--file", str(batch)]) == 0


def test_the_debtor_line_and_pair_corpora_hold_no_near_copy_of_a_heldout_line() -> None:
    """The heads on the debtor's line and on (debtor line, reply) pairs are chosen and measured on held-out
    lines; their corpora were cleaned of near copies (docs/scoring.md, "Seeds, near copies, and the heads on
    the debtor's line"). The reply corpus (data/corpus/train) still holds some: known debt, listed by
    scripts/near-copies."""
    from callsim.core.understanding.nearcopies import CORPUS, heldout_index

    files = sorted([*(CORPUS / "debtor").glob("*.txt"), *(CORPUS / "context").glob("*.jsonl")])
    # crisis, no_crisis, dispute, no_dispute, limit, no_limit; dispute, vulnerable, life and contact replies
    assert len(files) == 10
    found = [f"{p.name}:{n}: {text!r} ~ {held!r}" for p, n, text, held, _ in near_copies(files, heldout_index())]
    assert found == []


@pytest.mark.parametrize(("content", "says"), [
    ('{"text": "fine line"}\n{"text": "broken\n', "batch.jsonl:2:"),
    ('["a list", "not an object"]\n', "batch.jsonl:1: a JSON list"),
])
def test_a_malformed_batch_is_named_by_file_and_line_not_a_traceback(tmp_path: Path, capsys, content: str,
                                                                      says: str) -> None:
    batch = tmp_path / "batch.jsonl"
    batch.write_text(content, encoding="utf-8")
    with pytest.raises(BatchError, match=says.replace(".", r"\.")):
        list(near_copies([batch], _index()))
    assert main(["--file", str(batch)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("near-copies: ") and says in err and "Traceback" not in err


def test_a_missing_batch_file_is_one_clear_message(tmp_path: Path, capsys) -> None:
    assert main(["--file", str(tmp_path / "nope.txt")]) == 2
    err = capsys.readouterr().err
    assert "nope.txt: no such file" in err and err.count("\n") == 1


def test_no_heldout_sets_to_compare_with_is_an_error_not_zero_copies(tmp_path: Path, capsys) -> None:
    batch = tmp_path / "batch.txt"
    batch.write_text("Nobody is going to arrest you over a credit card balance.\n", encoding="utf-8")
    assert main(["--file", str(batch), "--heldout", str(tmp_path / "heldout")]) == 2
    assert "no held-out sets" in capsys.readouterr().err


def test_a_malformed_heldout_set_is_named_too(tmp_path: Path, capsys) -> None:
    (tmp_path / "heldout").mkdir()
    (tmp_path / "heldout" / "set.jsonl").write_text('{"text": "fine"}\n{oops\n', encoding="utf-8")
    batch = tmp_path / "batch.txt"
    batch.write_text("A line.\n", encoding="utf-8")
    assert main(["--file", str(batch), "--heldout", str(tmp_path / "heldout")]) == 2
    assert "set.jsonl:2:" in capsys.readouterr().err
