"""Safe YAML with positions: where keys and values start, duplicates, refused tags, size limits."""

from __future__ import annotations

import pytest
import yaml

from callsim.core.yamlpos import MAX_VALUES, Positions, TooComplexError, UnsafeTagError, load_with_positions

DOC = """\
# a comment
id: tiny
persona:
  name: Sam Lee
  facts: {lost_job: "Lost their job"}
nodes:
  opening:
    say:
      - "Hello?"
      - Who is it?
    routes:
      - when: anger > 5
        goto: hung_up
"""


def test_values_and_keys_are_plain_python() -> None:
    data, _ = load_with_positions(DOC)
    assert data == {
        "id": "tiny",
        "persona": {"name": "Sam Lee", "facts": {"lost_job": "Lost their job"}},
        "nodes": {"opening": {"say": ["Hello?", "Who is it?"], "routes": [{"when": "anger > 5", "goto": "hung_up"}]}},
    }


def test_positions_of_keys_and_values() -> None:
    _, pos = load_with_positions(DOC)
    assert pos.keys["id",] == (2, 1)
    assert pos.values["id",] == (2, 5)
    assert pos.keys["persona", "name"] == (4, 3)
    assert pos.values["persona", "name"] == (4, 9)
    assert pos.keys["persona", "facts", "lost_job"] == (5, 11)  # inside a flow mapping
    assert pos.values["persona", "facts", "lost_job"] == (5, 21)  # the opening quote
    assert pos.values["nodes", "opening", "say", 0] == (9, 9)
    assert pos.values["nodes", "opening", "say", 1] == (10, 9)
    assert pos.values["nodes", "opening", "routes", 0] == (12, 9)  # a list item: its first key
    assert pos.values["nodes", "opening", "routes", 0, "goto"] == (13, 15)
    assert pos.values[()] == (2, 1)


def test_of_falls_back_to_the_nearest_ancestor() -> None:
    _, pos = load_with_positions(DOC)
    assert pos.of(("nodes", "opening", "routes", 0, "mood", "anger")) == (12, 9)
    assert pos.of(("nodes", "opening", "say"), key=True) == (8, 5)
    assert pos.of(("nodes", "opening", "nothing_here"), key=True) == (7, 3)
    assert pos.of(("nowhere",)) == (2, 1)  # the top-level mapping
    assert Positions().of(("x",)) == (1, 1)


def test_duplicate_keys_are_recorded_with_both_places() -> None:
    data, pos = load_with_positions("a: 1\nb:\n  c: 2\n  c: 3\na: 4\n")
    assert data == {"a": 4, "b": {"c": 3}}  # as YAML does: the last one wins
    assert pos.duplicates == [(("b", "c"), 4, 3), (("a",), 5, 1)]
    assert pos.first_keys == {("b", "c"): (3, 3), ("a",): (1, 1)}


def test_keys_stay_as_written() -> None:
    data, _ = load_with_positions("1: a\nyes: b\nnull: c\n1.50: d\n'quoted key': e\n")
    assert list(data) == ["1", "yes", "null", "1.50", "quoted key"]


def test_values_keep_their_yaml_types() -> None:
    data, _ = load_with_positions("a: 1\nb: 2.5\nc: true\nd: null\ne: '1'\nf: 2024-01-31\n")
    assert data["a"] == 1 and data["b"] == 2.5 and data["c"] is True and data["d"] is None
    assert data["e"] == "1"
    assert str(data["f"]) == "2024-01-31"


def test_anchors_aliases_and_merge_keys_work() -> None:
    data, pos = load_with_positions("base: &b {x: 1, y: 2}\ncopy: *b\nmore:\n  <<: *b\n  y: 3\n")
    assert data["copy"] == {"x": 1, "y": 2}
    assert data["more"] == {"x": 1, "y": 3}
    assert pos.duplicates == []


@pytest.mark.parametrize(
    ("text", "tag", "where"),
    [
        ("a: !!python/object/apply:os.system ['echo hacked']\n", "!!python/object/apply:os.system", (1, 4)),
        ("a: !!python/object:builtins.dict {}\n", "!!python/object:builtins.dict", (1, 4)),
        ("a: !!python/name:os.system\n", "!!python/name:os.system", (1, 4)),
        ("a: !!python/tuple [1, 2]\n", "!!python/tuple", (1, 4)),
        ("? !!python/name:os.system\n: 1\n", "!!python/name:os.system", (1, 3)),
        ("a:\n  - !custom 3\n", "!custom", (2, 5)),
        ("a: !!set {x, y}\n", "!!set", (1, 4)),
        ("a: !!omap [{x: 1}]\n", "!!omap", (1, 4)),
        ("a: !!binary aGk=\n", "!!binary", (1, 4)),
    ],
)
def test_tags_that_build_objects_are_refused(text: str, tag: str, where: tuple[int, int]) -> None:
    with pytest.raises(UnsafeTagError) as info:
        load_with_positions(text)
    assert f"'{tag}'" in str(info.value.problem)
    mark = info.value.problem_mark
    assert mark is not None and (mark.line + 1, mark.column + 1) == where


def test_explicit_plain_tags_are_fine() -> None:
    data, _ = load_with_positions("a: !!str 12\nb: !!int '3'\nc: !!map {x: 1}\nd: !!seq [1]\n")
    assert data == {"a": "12", "b": 3, "c": {"x": 1}, "d": [1]}


def test_syntax_errors_carry_a_mark() -> None:
    with pytest.raises(yaml.MarkedYAMLError) as info:
        load_with_positions("a: 1\nb: [1, 2\n")
    assert info.value.problem_mark is not None


def test_empty_document() -> None:
    assert load_with_positions("")[0] is None
    assert load_with_positions("# nothing\n")[0] is None


def test_an_alias_that_contains_itself_is_refused() -> None:
    with pytest.raises(TooComplexError, match="refers to"):
        load_with_positions("a: &a [1, *a]\n")


def test_expansion_is_capped() -> None:
    lines = ["a: &a [" + ", ".join(["x"] * 10) + "]"]
    for prev, name in zip("abcde", "bcdef", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    assert 10**6 > MAX_VALUES
    with pytest.raises(TooComplexError, match="aliases"):
        load_with_positions("\n".join(lines) + "\n")


def test_deep_nesting_is_refused_not_a_crash() -> None:
    with pytest.raises(TooComplexError, match="nested too deeply"):
        load_with_positions("a: " + "[" * 5000 + "]" * 5000 + "\n")


def test_the_fast_parser_gives_the_same_values_and_positions_and_a_bad_file_pyyamls_message() -> None:
    """libyaml's parser (when PyYAML has it) reads a scenario 12 times faster; what it gives must be exactly what
    the pure-Python parser gives, and a file that does not parse gets PyYAML's own message (lint's hints match
    its wording: "found character '\\t' that cannot start any token")."""
    from pathlib import Path

    from callsim.core import yamlpos

    if yamlpos._Parser is yamlpos._Loader:
        pytest.skip("this PyYAML was built without libyaml: there is only one parser")  # pragma: no cover
    root = Path(__file__).resolve().parents[1]
    texts = [p.read_text(encoding="utf-8") for p in sorted((root / "scenarios").glob("*.yaml"))]
    texts += [DOC, 'a: ["é😀x", b]\nc: {d: "ü", e: 2}\nf: &x [1]\ng: *x\n']
    for text in texts:
        assert yamlpos._load(yamlpos._Parser(text)) == yamlpos._load(yamlpos._Loader(text))
    with pytest.raises(yaml.YAMLError, match="found character '\\\\t' that cannot start any token"):
        load_with_positions("a:\n\tb: 1\n")
