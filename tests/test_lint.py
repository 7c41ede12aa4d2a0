"""Linting: every diagnostic code has a broken fixture, reported at the offending token, with a useful hint.

Each file in ``fixtures/broken/`` is a copy of ``fixtures/tiny.yaml`` (which lints clean) with one kind of
mistake. ``EXPECTED`` says, for each fixture, every diagnostic it must produce: the code, the line and
column, the text found at that line and column in the file, and words the message or hint must contain.
A fixture must produce exactly those diagnostics, no more.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

import pytest

from callsim import cli
from callsim.core.diagnostics import BY_NAME, CODES, Diagnostic, Severity, did_you_mean
from callsim.core.loader import MAX_FILE_BYTES, LoadResult, ScenarioFileError, load_scenario, load_text

from .conftest import FIXTURES, ROOT, SCENARIOS

BROKEN = FIXTURES / "broken"
TINY = FIXTURES / "tiny.yaml"


class Expect(NamedTuple):
    code: str
    line: int
    col: int
    token: str  # what the file has at line:col
    says: str  # words the message or the hint must contain


EXPECTED: dict[str, list[Expect]] = {
    "E001_yaml_syntax": [Expect("E001", 57, 14, ": not now", "must be quoted")],
    "E002_unknown_key": [Expect("E002", 14, 3, "speaking_stile:", "Did you mean 'speaking_style'?")],
    "E003_invalid_value": [
        Expect("E003", 7, 13, "7", "less than or equal to 5"),
        Expect("E003", 13, 14, "job_lost", "Did you mean 'job_loss'?"),
    ],
    "E003_name_clash": [Expect("E003", 31, 3, "turn:", "same name as a built-in")],
    "E004_missing_key": [Expect("E004", 17, 1, "debt:", "'balance' is required in debt")],
    "E005_unsafe_yaml": [Expect("E005", 14, 19, "!!python/object/apply:os.system", "not allowed")],
    "E006_duplicate_key": [Expect("E006", 7, 1, "version:", "first on line 6")],
    "E101_undefined_target": [Expect("E101", 50, 15, "hangup", "Did you mean 'hung_up'?")],
    "E102_duplicate_node": [Expect("E102", 59, 3, "agreed:", "first on line 53")],
    "E103_no_exit": [Expect("E103", 53, 3, "waiting:", "no routes")],
    "E104_no_default_route": [Expect("E104", 45, 5, "routes:", "Add a last route with no 'when'")],
    "E105_final_without_outcome": [Expect("E105", 56, 3, "hung_up:", "Add outcome:")],
    "E106_final_with_routes": [Expect("E106", 56, 5, "routes:", "Remove the routes")],
    "E107_undeclared_variable": [
        Expect("E107", 49, 29, "angr > 8", "Did you mean 'anger'?"),  # inside a quoted condition
        Expect("E107", 51, 16, "angr: 1", "Did you mean 'anger'?"),  # a route's mood change
    ],
    "E108_undeclared_flag": [
        Expect("E108", 48, 15, "identity_verifed: true", "Did you mean 'identity_verified'?"),
        Expect("E108", 49, 19, "identity_verifed and", "Did you mean 'identity_verified'?"),
    ],
    "E109_unknown_behaviour": [
        Expect("E109", 43, 15, "verifies_identiy]", "Did you mean 'verifies_identity'?"),
        Expect("E109", 49, 38, "verifies_identiy", "Did you mean 'verifies_identity'?"),  # after seen.
    ],
    "E110_bad_condition": [
        Expect("E110", 46, 48, "= 0", "write '=='"),
        Expect("E110", 49, 24, "'", "ends too early"),
    ],
    "E111_unknown_name": [Expect("E111", 51, 15, "weather > 2", "Declare it under 'mood:' or 'flags:'")],
    "E112_unknown_fact": [Expect("E112", 42, 17, "lost_jobs", "Did you mean 'lost_job'?")],
    "E113_inconsistent_debt": [
        Expect("E113", 21, 5, "- {label: Bills", "adds up to £305, not the balance £300"),
        Expect("E113", 25, 32, "bailiffs", "'bailiffs' is intended but not listed as lawful"),
    ],
    "E113_time_barred": [Expect("E113", 25, 30, "legal_action", "time-barred")],
    "E114_duplicate_outcome": [Expect("E114", 61, 19, "hung_up,", "its own outcome id")],
    "E115_no_way_out": [Expect("E115", 53, 3, "waiting:", "never ends")],
    "E116_unknown_placeholder": [Expect("E116", 41, 45, "{balanse} I told", "Did you mean 'balance'?")],
    "E118_unearned_outcome": [Expect("E118", 46, 15, "verifies_identity and not", "seen.affordability_check")],
    "E119_unknown_act": [
        Expect("E119", 49, 19, "states_balanse", "Did you mean 'states_balance'?"),
        Expect("E119", 57, 23, "stated_amount]", "Did you mean 'states_amount'?"),
    ],
    "E120_unmet_presupposition": [
        Expect("E120", 46, 15, "verifies_identity and not", "seen.act.states_balance"),
    ],
    "E121_unknown_answer": [
        Expect("E121", 41, 16, "says_who_they_ar,", "Did you mean 'says_who_they_are'?"),
        Expect("E121", 43, 9, "press:", "Add `asks: [...]`"),
        Expect("E121", 59, 9, "asks:", "Remove `asks`"),
    ],
    "E122_unknown_realism_target": [Expect("E122", 39, 35, "hangup,", "Did you mean 'hung_up'?")],
    "E123_unknown_rule": [Expect("E123", 10, 9, "uk_statute_barred_stop_demandng",
                                 "Did you mean 'uk_statute_barred_stop_demanding'?"),
                          Expect("E123", 10, 42, "us_time_barred_no_suit", "own jurisdiction")],
    "E201_walkthrough_failed": [
        Expect("E201", 60, 5, "name: checks who", "reached 'agreed' instead of 'hung_up'")
    ],
    "E202_walkthrough_bad_outcome": [Expect("E202", 62, 23, "agred", "Did you mean 'agreed'?")],
    "W301_unreachable_node": [Expect("W301", 59, 3, "voicemail:", "never be reached")],
    "W302_routes_after_default": [Expect("W302", 50, 9, "when: anger > 5", "Move the route with no 'when'")],
    "W303_no_model_answer": [Expect("W303", 38, 3, "opening:", "model_answers")],
    "W304_no_schema_comment": [Expect("W304", 1, 1, "# Broken on purpose", "# yaml-language-server: $schema=")],
    "W305_no_walkthroughs": [Expect("W305", 4, 5, "tiny", "Add walkthroughs")],
    "W306_single_variant": [Expect("W306", 39, 5, "say:", "Add a variant")],
    "W307_answer_uses_untold_name": [Expect("W307", 44, 21, '"Hi, it\'s Jo from Acme Energy, sorry', "add a variant")],
    "W308_hang_up_at_high_trust": [Expect("W308", 52, 15, "turn >= 2", "when: trust >= 7 and not violations")],
    "W309_warm_line_when_angry": [Expect("W309", 43, 15, "warm", "say it only when anger is lower")],
    "many_cross_reference_problems": [
        Expect("E107", 42, 15, "angre > 4", "Did you mean 'anger'?"),
        Expect("E112", 43, 17, "lost_jobb", "Did you mean 'lost_job'?"),
        Expect("E109", 44, 15, "verify_identity", "Did you mean 'verifies_identity'?"),
        Expect("E108", 49, 15, "identity_checked", "Did you mean 'identity_verified'?"),
        Expect("E111", 50, 28, "moon_phase", "'moon_phase' is not a mood variable"),
        Expect("E101", 51, 15, "hungup", "Did you mean 'hung_up'?"),
    ],
    "many_format_problems": [
        Expect("E004", 4, 1, "id: tiny", "'title' is required at the top level"),
        Expect("E003", 11, 8, "forty", "Write a number in digits"),
        Expect("E004", 52, 3, "agreed:", "'say' is required in nodes.agreed"),
        Expect("E002", 53, 5, "says:", "Did you mean 'say'?"),
        Expect("E003", 57, 56, "fail}", "Did you mean 'failed'?"),
    ],
}


def _lint(name: str) -> LoadResult:
    return load_scenario(BROKEN / f"{name}.yaml")


def _at(path: Path, line: int, col: int) -> str:
    return path.read_text(encoding="utf-8").splitlines()[line - 1][col - 1 :]


def test_tiny_base_scenario_is_clean() -> None:
    result = load_scenario(TINY)
    assert result.ok
    assert result.diagnostics == []


def test_every_code_has_a_broken_fixture() -> None:
    covered = {e.code for expects in EXPECTED.values() for e in expects}
    # E000 is a file that cannot be read at all: no fixture can be one (test_lint_json_reports_an_unreadable_file);
    # E117 is two files with one id, not one broken file (test_cli: test_two_files_with_one_id_*)
    assert covered == set(CODES) - {"E000", "E117"}
    for name in EXPECTED:
        if name[:4] in CODES:
            assert any(e.code == name[:4] for e in EXPECTED[name]), name


def test_every_broken_fixture_is_checked() -> None:
    assert sorted(p.stem for p in BROKEN.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_fixture_reports_each_problem_at_its_token(name: str) -> None:
    path = BROKEN / f"{name}.yaml"
    result = load_scenario(path)
    got = sorted((d.code, d.line, d.col) for d in result.diagnostics)
    assert got == sorted((e.code, e.line, e.col) for e in EXPECTED[name]), [d.format() for d in result.diagnostics]
    by_place = {(d.code, d.line, d.col): d for d in result.diagnostics}
    for e in EXPECTED[name]:
        d = by_place[(e.code, e.line, e.col)]
        assert _at(path, e.line, e.col).startswith(e.token), (e, _at(path, e.line, e.col))
        assert e.says in f"{d.message} {d.hint}", d.format()
        assert d.format().startswith(f"{path}:{e.line}:{e.col}: {e.code}: ")
        assert d.hint, f"{d.code} has no hint"
        assert "  " not in d.hint and d.hint == d.hint.strip(), repr(d.hint)
    errors = [d for d in result.diagnostics if d.is_error]
    assert result.ok is (not errors)


def test_each_code_is_reported_with_its_own_name_and_severity() -> None:
    for code in CODES.values():
        d = Diagnostic("f.yaml", 3, 4, code.code, "message", "hint")
        assert d.name == code.name and BY_NAME[code.name] is code
        assert d.severity is (Severity.WARNING if code.code.startswith("W") else Severity.ERROR)
        assert d.as_dict()["severity"] == d.severity.value
        assert d.format() == f"f.yaml:3:4: {code.code}: message [{code.name}]\n    hint: hint"


def test_did_you_mean_only_suggests_close_words() -> None:
    assert did_you_mean("goto", ["goto", "say"]) == " Did you mean 'goto'?"
    assert did_you_mean("zzz", ["goto", "say"]) == ""


def test_the_first_problem_does_not_hide_the_rest() -> None:
    codes = [d.code for d in _lint("many_cross_reference_problems").diagnostics]
    assert len(codes) == 6 and len(set(codes)) == 6
    codes = [d.code for d in _lint("many_format_problems").diagnostics]
    assert sorted(codes) == ["E002", "E003", "E003", "E004", "E004"]


def test_walkthroughs_run_only_when_the_file_has_no_errors() -> None:
    result = _lint("E201_walkthrough_failed")
    assert [d.code for d in result.diagnostics] == ["E201"]
    assert load_scenario(BROKEN / "E201_walkthrough_failed.yaml", run_walkthroughs=False).diagnostics == []
    # E101 stops the scenario from running, so its (passing) walkthroughs are not tried
    assert "E201" not in {d.code for d in _lint("E101_undefined_target").diagnostics}


# --------------------------------------------------------------------------- odd input never tracebacks

SCHEMA_LINE = "# yaml-language-server: $schema=../schema/scenario.schema.json\n"


def _codes(text: str) -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.col) for d in load_text(SCHEMA_LINE + text, "odd.yaml").diagnostics]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "the file is empty"),
        ("# only a comment\n", "the file is empty"),
        ("- id: x\n- title: y\n", "the file holds a list"),
        ("just some words\n", "the file holds the text 'just some words'"),
        ("42\n", "the file holds the number 42"),
    ],
)
def test_a_file_that_is_not_a_mapping(text: str, says: str) -> None:
    result = load_text(SCHEMA_LINE + text, "odd.yaml")
    assert result.scenario is None
    [d] = result.diagnostics
    assert d.code == "E003" and says in d.message


def _tiny_with(old: str, new: str) -> str:
    text = TINY.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


def test_a_node_that_is_just_text() -> None:
    text = _tiny_with('  agreed:\n    say: "Fine, go on then."\n    outcome: {id: agreed, label: Sam listened, '
                      'result: resolved}\n', "  agreed: Fine, go on then.\n")
    [d] = load_text(text, "t.yaml").diagnostics
    assert (d.code, d.line, d.col) == ("E003", 53, 11)
    assert "should be a set of key: value lines, not the text 'Fine, go on then.'" in d.message


def test_nodes_null_and_nodes_empty() -> None:
    head, _ = TINY.read_text(encoding="utf-8").split("nodes:\n")
    for value in (" null", ""):
        [d] = load_text(head + f"nodes:{value}\n", "t.yaml").diagnostics
        assert (d.code, d.line, d.col) == ("E003", 37, 1), d.format()
        assert "nodes: this should be a set of key: value lines, not empty" in d.message


def test_keys_that_are_not_words() -> None:
    # numbers, null and yes/no as keys are kept as written, never crash, and are named in the message
    for key in ("1", "null", "yes", "Title", "~"):
        text = _tiny_with("title: Tiny call\n", f"title: Tiny call\n{key}: x\n")
        [d] = load_text(text, "t.yaml").diagnostics
        assert (d.code, d.line, d.col) == ("E002", 6, 1) and f"unknown key '{key}'" in d.message
    [d] = load_text(_tiny_with("title: Tiny call\n", "title: Tiny call\nTitel: x\n"), "t.yaml").diagnostics
    assert "Did you mean 'title'?" in d.hint
    # a node id YAML would read as a number or yes/no is reported at the key
    text = _tiny_with("  agreed:\n", "  12:\n").replace("goto: agreed", "goto: '12'")
    found = {(d.code, d.line, d.col): d.message for d in load_text(text, "t.yaml").diagnostics}
    assert "'12' cannot be used as an id" in found["E003", 53, 3]
    assert "'12' is not a valid id" in found["E003", 47, 15]


def test_a_list_as_a_key_is_a_syntax_error_not_a_crash() -> None:
    [d] = load_text(SCHEMA_LINE + "? [a, b]\n: 1\n", "t.yaml").diagnostics
    assert (d.code, d.line, d.col) == ("E001", 2, 3) and "must be plain text" in d.message


def test_text_where_yaml_reads_a_number_or_yes_no_suggests_quotes() -> None:
    [d] = load_text(_tiny_with("title: Tiny call", "title: 1984"), "t.yaml").diagnostics
    assert (d.code, d.line, d.col) == ("E003", 5, 8)
    assert "should be text, not the number 1984" in d.message and "Put it in quotes" in d.hint
    [d] = load_text(_tiny_with("creditor: Acme Energy", "creditor: yes"), "t.yaml").diagnostics
    assert "'true' (a yes/no value)" in d.message


@pytest.mark.parametrize(
    ("text", "where", "says"),
    [
        ("a:\n\tb: 1\n", (3, 1), "spaces, not tabs"),
        ("a: [1, 2\n", (3, 1), "indentation"),
        ("a: 1\n---\nb: 2\n", (3, 1), "second document"),
        ("a: *nowhere\n", (2, 4), "&anchor"),
        ("a: \x07\n", (2, 4), "not allowed"),
        ("a: &a [*a]\n", (2, 4), "refers to"),
        ("a: " + "[" * 3000 + "]" * 3000 + "\n", None, "nested too deeply"),
    ],
)
def test_yaml_problems_are_reported_with_a_position(text: str, where: tuple[int, int] | None,
                                                    says: str) -> None:
    [d] = load_text(SCHEMA_LINE + text, "t.yaml").diagnostics
    assert d.code == "E001"
    assert says in f"{d.message} {d.hint}", d.format()
    if where:
        assert (d.line, d.col) == where, d.format()


def test_an_alias_bomb_is_refused_quickly() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    [d] = load_text(SCHEMA_LINE + "\n".join(lines) + "\n", "bomb.yaml").diagnostics
    assert d.code == "E001" and "aliases" in d.message


@pytest.mark.parametrize(
    "tagged",
    ["!!python/object/apply:os.system ['ls']", "!!python/name:os.system", "!!set {a, b}", "!local 3",
     "!!binary aGk="],
)
def test_tags_that_build_objects_are_refused(tagged: str) -> None:
    [d] = load_text(_tiny_with("title: Tiny call", f"title: {tagged}"), "t.yaml").diagnostics
    assert (d.code, d.line, d.col) == ("E005", 5, 8)
    assert tagged.split()[0] in d.message


# --------------------------------------------------------------------------- files that are not scenarios


def test_missing_file_folder_and_binary_file_raise_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioFileError, match="no such file"):
        load_scenario(tmp_path / "nope.yaml")
    with pytest.raises(ScenarioFileError, match="is a folder"):
        load_scenario(tmp_path)
    binary = tmp_path / "picture.yaml"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(ScenarioFileError, match="binary"):
        load_scenario(binary)
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("title: caf\xe9\n".encode("latin-1"))
    with pytest.raises(ScenarioFileError, match="not UTF-8"):
        load_scenario(latin)
    huge = tmp_path / "huge.yaml"
    huge.write_text("# " + "x" * MAX_FILE_BYTES + "\n")
    with pytest.raises(ScenarioFileError, match="too big"):
        load_scenario(huge)


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(["lint", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("kind", ["missing", "folder-of-nothing", "binary", "empty"])
def test_lint_on_files_that_are_not_scenarios(kind: str, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "thing.yaml"
    if kind == "folder-of-nothing":
        target = tmp_path / "empty-folder"
        target.mkdir()
    elif kind == "binary":
        target.write_bytes(bytes(range(256)))
    elif kind == "empty":
        target.write_text("")
    code, out, err = _run(capsys, str(target))
    assert code == 1
    assert "Traceback" not in out + err
    words = {"missing": "no such file", "folder-of-nothing": "no scenario files", "binary": "binary",
             "empty": "the file is empty"}[kind]
    assert words in out + err


# --------------------------------------------------------------------------- the lint command


def test_lint_exits_1_on_errors_and_prints_file_line_col(capsys: pytest.CaptureFixture[str]) -> None:
    path = BROKEN / "E101_undefined_target.yaml"
    code, out, err = _run(capsys, str(path))
    assert code == 1
    assert out.startswith(f"{path}:50:15: E101: route goes to 'hangup', which does not exist [undefined-target]\n"
                          "    hint: Did you mean 'hung_up'?")
    assert "1 file(s): 1 error(s), 0 warning(s)" in err


def test_lint_exits_0_on_warnings_unless_strict(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(BROKEN / "W306_single_variant.yaml")
    code, out, err = _run(capsys, path)
    assert code == 0 and "W306" in out and "0 error(s), 1 warning(s)" in err
    code, out, _ = _run(capsys, "--strict", path)
    assert code == 1 and "W306" in out
    assert _run(capsys, "--strict", str(TINY))[0] == 0


def _own_id(src: Path, folder: Path) -> Path:
    """A copy of a broken fixture under its own scenario id (they are all copies of 'tiny', and two files
    with one id linted together are an error of their own, E117); the lines do not move."""
    out = folder / src.name
    out.write_text(src.read_text(encoding="utf-8").replace("\nid: tiny\n", f"\nid: {src.stem[:4].lower()}\n"),
                   encoding="utf-8")
    return out


def test_lint_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = [_own_id(BROKEN / "E113_inconsistent_debt.yaml", tmp_path),
             _own_id(BROKEN / "W303_no_model_answer.yaml", tmp_path)]
    code, out, _ = _run(capsys, "--json", *map(str, files))
    assert code == 1
    items = json.loads(out)
    assert [(i["file"], i["line"], i["col"], i["code"]) for i in items] == [
        (str(files[0]), 21, 5, "E113"), (str(files[0]), 25, 32, "E113"), (str(files[1]), 38, 3, "W303"),
    ]
    for item in items:
        assert set(item) == {"file", "line", "col", "code", "name", "severity", "message", "hint"}
        assert item["name"] == CODES[item["code"]].name
        assert item["severity"] == ("warning" if item["code"].startswith("W") else "error")
    code, out, _ = _run(capsys, "--json", str(TINY))
    assert code == 0 and json.loads(out) == []


def test_lint_json_reports_an_unreadable_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 15: `lint --json` printed [] for a file it could not read (the error only on stderr)."""
    gone = tmp_path / "gone.yaml"
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00\x00garbage")
    code, out, err = _run(capsys, "--json", str(gone), str(binary), str(TINY))
    assert code == 1
    items = json.loads(out)
    assert [(i["file"], i["code"], i["name"], i["severity"]) for i in items] == [
        (str(gone), "E000", "unreadable-file", "error"), (str(binary), "E000", "unreadable-file", "error")]
    assert all(i["hint"] and i["message"] for i in items) and "gone.yaml" in err


def test_lint_a_folder_reports_every_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("E112_unknown_fact", "W305_no_walkthroughs"):
        _own_id(BROKEN / f"{name}.yaml", tmp_path)
    (tmp_path / "notes.txt").write_text("not a scenario")
    code, out, err = _run(capsys, str(tmp_path))
    assert code == 1
    assert "E112" in out and "W305" in out and "notes.txt" not in out
    assert "2 file(s): 1 error(s), 1 warning(s)" in err


def test_lint_keeps_going_after_an_unreadable_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, str(tmp_path / "missing.yaml"), str(BROKEN / "W306_single_variant.yaml"))
    assert code == 1
    assert "no such file" in err and "W306" in out


SHIPPED = sorted(SCENARIOS.glob("*.yaml"))


def test_there_are_shipped_scenarios() -> None:
    assert SHIPPED


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_scenario_lints_clean_with_strict(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "--strict", str(path))
    assert (code, out) == (0, "")


@pytest.mark.parametrize(
    "route",
    [
        "      - when: anger > 5 and weather > 2\n",
        "      - when: \"anger > 5 and weather > 2\"\n",
        "      - when: 'anger > 5 and weather > 2'\n",
        "      - {when: anger > 5 and weather > 2, goto: hung_up}\n      - when: anger > 6\n",
        "      - when: anger > 5 and\n          weather > 2\n",
        "      - when: \"anger > 5\n          and weather > 2\"\n",
        "      - when: |\n          anger > 5\n          and weather > 2\n",
        "      - when: >-\n          anger > 5 and\n\n          weather > 2\n",
        "      - when: |\n          anger > 5\n\n          and weather > 2\n",
        "      - when: anger > 5\n\n          and weather > 2\n",
    ],
)
def test_a_name_in_a_condition_is_found_however_the_condition_is_written(route: str) -> None:
    text = _tiny_with("      - when: anger > 5\n", route)
    [d] = load_text(text, "t.yaml").diagnostics
    assert d.code == "E111"
    assert text.splitlines()[d.line - 1][d.col - 1 :].startswith("weather > 2"), d.format()


# --------------------------------------------------------------------------- docs/authoring.md stays true

AUTHORING = ROOT / "docs" / "authoring.md"


def test_the_annotated_example_in_the_guide_lints_clean(tmp_path: Path) -> None:
    text = AUTHORING.read_text(encoding="utf-8")
    example = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "example.yaml"
    path.write_text(example, encoding="utf-8")
    result = load_scenario(path)
    assert result.ok and result.diagnostics == [], [d.format() for d in result.diagnostics]


def test_the_guide_explains_every_code_builtin_name_and_behaviour() -> None:
    from callsim.core.engine import BUILTIN_NAMES
    from callsim.core.rubric import load_rubric

    text = AUTHORING.read_text(encoding="utf-8")
    for code in CODES.values():
        assert f"| {code.code} | {code.name} |" in text, code.code
    for name, meaning in BUILTIN_NAMES.items():
        assert f"| `{name}` | {meaning} |" in text, name
    for b in load_rubric().behaviours:
        assert f"| `{b.id}` | {b.category} | {b.label} |" in text, b.id


def test_behaviour_ids_in_choices_and_walkthrough_violations_are_checked() -> None:
    text = _tiny_with("    expects: [verifies_identity]\n", "    expects: [verifies_identity]\n    choices:\n"
                      "      - {text: Hi, counts_as: [identifies_selff]}\n")
    text = text.replace("expect: {outcome: agreed}", "expect: {outcome: agreed, violations: [verifies_identity]}")
    found = {(d.code, d.line, d.col): d for d in load_text(text, "t.yaml").diagnostics}
    assert set(found) == {("E109", 45, 32), ("E109", 64, 44)}
    assert "Did you mean 'identifies_self'?" in found["E109", 45, 32].hint
    assert "'verifies_identity' is not a violation id" in found["E109", 64, 44].message
    assert "compliance behaviours" in found["E109", 64, 44].hint
