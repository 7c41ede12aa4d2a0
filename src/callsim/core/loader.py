"""Loading and linting scenario files: every problem reported with file:line:col, a code and a hint.

``load_scenario(path)`` returns a :class:`LoadResult` with the scenario (when it is valid enough to run)
and every diagnostic found. Nothing here raises on a bad file; only an unreadable path raises
:class:`ScenarioFileError`.

The steps, in order: read the YAML (E001, E005), the ``document`` checks, validate the format with
pydantic (E002, E003, E004), the ``scenario`` checks, and with ``run_walkthroughs`` and no errors so
far, the ``walkthroughs`` step. The checks are named functions in :mod:`callsim.core.lint`; this module
turns what they find into positions. Only the walkthroughs step imports the engine and the scorer.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from callsim.core import lint
from callsim.core.diagnostics import Diagnostic, did_you_mean, sort_key
from callsim.core.models import Scenario
from callsim.core.yamlpos import Path as YPath
from callsim.core.yamlpos import Positions, UnsafeTagError, dotted, load_with_positions

FORMAT_CODES = ("E000", "E001", "E002", "E003", "E004", "E005")
"""The codes reported here, while reading the file (E000: ``ScenarioFileError``), the YAML and the format;
lint.CHECKS report the rest."""


class ScenarioFileError(Exception):
    """The file could not be read at all (missing, a directory, not text): E000."""

    def diagnostic(self, path: str) -> Diagnostic:
        """The error as lint reports it (``lint --json`` lists it like any other)."""
        return Diagnostic(path, 0, 0, "E000", str(self), "Check the path; a scenario is a YAML text file in UTF-8.")


@dataclass
class LoadResult:
    path: str
    scenario: Scenario | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    positions: Positions = field(default_factory=Positions)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if not d.is_error]

    @property
    def ok(self) -> bool:
        return self.scenario is not None and not self.errors


# --------------------------------------------------------------------------- schema walking


def _unwrap(tp: Any) -> Any:
    """Strip Optional/Annotated so we can see the model or container underneath."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
            tp = models[0] if models else args[0]
        else:
            return tp


def _model_at(path: YPath) -> type[BaseModel] | None:
    """The pydantic model that describes the mapping at ``path`` in a scenario document."""
    tp: Any = Scenario
    for part in path:
        tp = _unwrap(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            f = tp.model_fields.get(str(part))
            if f is None:
                return None
            tp = f.annotation
        elif typing.get_origin(tp) in (list, dict):
            tp = typing.get_args(tp)[-1]
        else:
            return None
    tp = _unwrap(tp)
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None


# --------------------------------------------------------------------------- the loader


class _Collector:
    def __init__(self, file: str, positions: Positions, text: str) -> None:
        self.file = file
        self.positions = positions
        self.lines = text.splitlines()
        self.items: list[Diagnostic] = []

    def add(self, path: YPath, code: str, message: str, hint: str = "", *, key: bool = False,
            offset: int | None = None) -> None:
        line, col = self.positions.of(path, key=key)
        if offset is not None:
            line, col = self.locate(line, col, offset)
        self.items.append(Diagnostic(self.file, line, col, code, message, hint))

    def locate(self, line: int, col: int, offset: int) -> tuple[int, int]:
        """Where character ``offset`` of the text value starting at ``line:col`` is in the file.

        Handles plain and quoted values on one line or folded over several, and block values
        (``when: >`` or ``|``): a line break in the file counts as one character of the value.
        """
        if not 0 < line <= len(self.lines):
            return line, col
        src = self.lines[line - 1]
        first = src[col - 1 : col] if col - 1 < len(src) else ""
        segments: list[tuple[int, int, str]] = []  # (line, col, text) pieces of the value, in order
        if first in ("|", ">"):
            indent: int | None = None
            for n in range(line, len(self.lines)):
                text = self.lines[n]
                if not text.strip():
                    if first == "|" and indent is not None:  # a blank line in a | block is a line break
                        segments.append((n + 1, indent + 1, ""))
                    continue  # (when folded, the blank line and the break around it read as one)
                here = len(text) - len(text.lstrip(" "))
                if indent is None:
                    indent = here
                if here < indent:
                    break
                segments.append((n + 1, indent + 1, text[indent:]))
        else:
            quote = 1 if first in ("'", '"') else 0
            segments.append((line, col + quote, src[col - 1 + quote :].rstrip()))
            for n in range(line, len(self.lines)):
                text = self.lines[n]
                stripped = text.lstrip(" ")
                if not stripped.strip():
                    continue
                segments.append((n + 1, len(text) - len(stripped) + 1, stripped.rstrip()))
        left = offset
        for seg_line, seg_col, text in segments:
            if left <= len(text):
                return seg_line, seg_col + left
            left -= len(text) + 1  # the line break, read as a space or newline
        return line, col + offset

    def at(self, line: int, col: int, code: str, message: str, hint: str = "") -> None:
        self.items.append(Diagnostic(self.file, line, col, code, message, hint))

    def report(self, problems: Iterable[tuple[str, lint.Problem]]) -> None:
        for code, p in problems:
            if p.at is not None:
                self.at(*p.at, code, p.message, p.hint)
            else:
                self.add(p.path, code, p.message, p.hint, key=p.key, offset=p.offset)


MAX_FILE_BYTES = 2_000_000  # the longest shipped scenario is about 25 kB


def load_scenario(path: str | Path, *, run_walkthroughs: bool = True) -> LoadResult:
    p = Path(path)
    try:
        if p.is_dir():
            raise IsADirectoryError
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScenarioFileError(f"{p}: {size:,} bytes is too big for a scenario file (the limit is "
                                    f"{MAX_FILE_BYTES:,}); is it the right file?")
        raw = p.read_bytes()
    except FileNotFoundError:
        raise ScenarioFileError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise ScenarioFileError(f"{p}: is a folder, not a scenario file") from None
    except OSError as e:
        raise ScenarioFileError(f"{p}: cannot be read ({e.strerror or e})") from None
    if b"\0" in raw:
        raise ScenarioFileError(f"{p}: is a binary file, not a scenario (YAML text) file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ScenarioFileError(f"{p}: not UTF-8 text ({e.reason} at byte {e.start}); save it as UTF-8") from None
    return load_text(text, str(p), run_walkthroughs=run_walkthroughs)


def load_text(text: str, file: str = "<text>", *, run_walkthroughs: bool = True) -> LoadResult:
    try:
        data, positions = load_with_positions(text)
    except UnsafeTagError as e:
        mark = e.problem_mark
        d = Diagnostic(file, mark.line + 1 if mark else 1, mark.column + 1 if mark else 1, "E005",
                       str(e.problem), "Scenario files hold plain data only: remove the tag.")
        return LoadResult(file, None, [d])
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        msg = (e.problem or "invalid YAML") + (f" ({e.context})" if e.context else "")
        d = Diagnostic(file, mark.line + 1 if mark else 1, mark.column + 1 if mark else 1, "E001", msg,
                       _yaml_hint(msg))
        return LoadResult(file, None, [d])
    except yaml.reader.ReaderError as e:
        before = text[: e.position]
        line, col = before.count("\n") + 1, e.position - (before.rfind("\n") + 1) + 1
        char = e.character if isinstance(e.character, str) else chr(e.character)
        d = Diagnostic(file, line, col, "E001", f"the character {char!r} (#x{ord(char):04x}) is not allowed "
                       "in a YAML file", "Delete it: it is often left behind by copying from another program.")
        return LoadResult(file, None, [d])
    except yaml.YAMLError as e:
        return LoadResult(file, None, [Diagnostic(file, 1, 1, "E001", str(e), _yaml_hint(str(e)))])
    out = _Collector(file, positions, text)
    out.report(lint.run("document", lint.Lint(text, positions)))
    if not isinstance(data, dict):
        what = "the file is empty" if data is None else f"the file holds {_describe(data)}"
        out.at(*positions.values.get((), (1, 1)), "E003",
               f"{what}, but a scenario is a set of key: value lines (id:, title:, nodes: ...)",
               "Start from the example in docs/authoring.md or a copy of a file in scenarios/.")
        return LoadResult(file, None, sorted(out.items, key=sort_key), positions)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as e:
        _report_validation(e, data, out)
        scenario = None
    if scenario is not None:
        checks = lint.Lint(text, positions, scenario)
        out.report(lint.run("scenario", checks))
        if run_walkthroughs and not any(d.is_error for d in out.items):
            out.report(lint.run("walkthroughs", checks))
    return LoadResult(file, scenario, sorted(out.items, key=sort_key), positions)


def _yaml_hint(msg: str) -> str:
    if "tab" in msg or "'\\t'" in msg:
        return "Indent with spaces, not tabs."
    if "mapping values are not allowed" in msg:
        return "A value containing ': ' must be quoted, e.g. say: \"Look: I can't pay.\""
    if "could not find expected ':'" in msg or "expected <block end>" in msg:
        return "Check the indentation of this line and the one above; quote text that starts with a quote mark."
    if "another document" in msg:
        return "A line with just '---' starts a second document: a scenario file holds one; remove it."
    if "found undefined alias" in msg:
        return "An *alias needs a matching &anchor earlier in the file."
    if "aliases" in msg or "alias (*name)" in msg:
        return "Repeat the text instead of using &anchors and *aliases, or use fewer of them."
    if "nested too deeply" in msg:
        return "Scenario files need only a few levels of indentation; is this the right file?"
    if "plain text, not a list" in msg:
        return "Keys are names such as say: or goto:; a '?' or '[' at the start of a line makes a complex key."
    return "Check indentation and quoting around this position."


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"'{str(value).lower()}' (a yes/no value)"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text '{value[:40]}{'...' if len(value) > 40 else ''}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a set of key: value lines"
    return f"'{value}'"


def _real_path(loc: tuple[int | str, ...], data: Any) -> tuple[YPath, bool]:
    """Map a pydantic error location onto the document: ``(path, is_a_key_error)``.

    Pydantic inserts parts that are not in the document (``[key]`` for a dict key that fails, and
    tags for unions or validators); they are dropped by walking the data alongside.
    """
    path: list[str | int] = []
    node = data
    for i, part in enumerate(loc):
        if part == "[key]":
            return tuple(path), True
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        elif i == len(loc) - 1 and isinstance(part, str) and not part.startswith(("function-", "[")):
            node = None  # a missing key: not in the document, but it is what the message is about
        else:
            continue
        path.append(part)
    return tuple(path), False


def _choices(ctx_expected: str) -> list[str]:
    return [a.strip(" '") for a in ctx_expected.replace(" or ", ",").split(",") if a.strip(" '")]


_TYPE_WORDS = {
    "model_type": "a set of key: value lines",
    "dict_type": "a set of key: value lines",
    "list_type": "a list (lines starting with '- ', or [a, b])",
    "string_type": "text",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
}


def _report_validation(error: ValidationError, data: Any, out: _Collector) -> None:
    seen: set[tuple[tuple[str | int, ...], str]] = set()
    for err in error.errors():
        path, key_error = _real_path(tuple(err["loc"]), data)
        kind = err["type"]
        if (path, kind) in seen:  # one message per place and kind is plenty
            continue
        seen.add((path, kind))
        value = err.get("input")
        if kind == "extra_forbidden":
            key = str(path[-1])
            model = _model_at(path[:-1])
            names = list(model.model_fields) if model else []
            close = did_you_mean(key, names).strip()
            hint = " ".join(x for x in (close, f"Allowed here: {', '.join(names)}." if names else "") if x)
            out.add(path, "E002", f"unknown key '{key}' in {dotted(path[:-1])}", hint, key=True)
        elif kind == "missing":
            where = f"in {dotted(path[:-1])}" if len(path) > 1 else "at the top level of the file"
            out.add(path[:-1], "E004", f"'{path[-1]}' is required {where}", f"Add a '{path[-1]}:' line here.",
                    key=True)
        elif key_error:
            out.add(path, "E003", f"'{path[-1]}' cannot be used as an id in {dotted(path[:-1])}",
                    "Ids use lower case letters, digits and underscores, starting with a letter "
                    "(e.g. first_offer).", key=True)
        else:
            msg = err["msg"].removeprefix("Value error, ")
            hint = ""
            if kind in _TYPE_WORDS:
                msg = f"this should be {_TYPE_WORDS[kind]}, not {_describe(value)}"
                if kind == "string_type" and isinstance(value, bool | int | float):
                    hint = ("Put it in quotes: YAML reads yes/no/on/off/true/false as a yes/no value and "
                            "digits as a number.")
                elif kind in ("model_type", "dict_type") and value is None:
                    hint = "Indent the lines that belong here under it, or remove the key."
            elif kind in ("enum", "literal_error"):
                allowed = str(err.get("ctx", {}).get("expected", ""))
                close = did_you_mean(str(value), _choices(allowed)).strip()
                hint = (close + " " if close else "") + f"Allowed: {allowed}."
            elif kind == "string_pattern_mismatch":
                msg = f"'{value}' is not a valid id"
                hint = ("Ids use lower case letters, digits and underscores, starting with a letter"
                        + (" (the scenario id may also use -)." if path == ("id",) else "."))
            elif kind in ("int_parsing", "float_parsing", "int_type", "float_type", "int_from_float"):
                hint = "Write a number in digits, e.g. 40 or 12.50, with no currency sign or words."
            elif kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
                hint = "Change the number to one in the allowed range."
            elif kind == "too_short":
                hint = "Add at least one entry here."
            if not hint:
                hint = "docs/authoring.md describes what each key takes."
            out.add(path, "E003", f"{dotted(path)}: {msg}", hint, key=value is None)
