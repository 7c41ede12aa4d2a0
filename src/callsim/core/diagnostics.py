"""Diagnostics: every problem found in a scenario, with a stable code, a position and a hint."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Code:
    """A stable diagnostic code: trainers and CI scripts may depend on these never changing."""

    code: str
    name: str
    severity: Severity
    summary: str


_CODES = [
    Code("E000", "unreadable-file", Severity.ERROR, "The file cannot be read: missing, a folder, or not text."),
    Code("E001", "yaml-syntax", Severity.ERROR, "The file is not valid YAML."),
    Code("E002", "unknown-key", Severity.ERROR, "A key the scenario format does not know."),
    Code("E003", "invalid-value", Severity.ERROR, "A value of the wrong type or out of range."),
    Code("E004", "missing-key", Severity.ERROR, "A required key is missing."),
    Code("E005", "unsafe-yaml", Severity.ERROR, "A YAML tag that could run code or build objects."),
    Code("E006", "duplicate-key", Severity.ERROR, "The same key appears twice in one mapping."),
    Code("E101", "undefined-target", Severity.ERROR, "A route or setting names a node that does not exist."),
    Code("E102", "duplicate-node", Severity.ERROR, "Two nodes share one id."),
    Code("E103", "no-exit", Severity.ERROR, "A non-final node has no routes, so the call would get stuck."),
    Code("E104", "no-default-route", Severity.ERROR, "Every route has a condition: none catches the rest."),
    Code("E105", "final-without-outcome", Severity.ERROR, "A final node has no outcome."),
    Code("E106", "final-with-routes", Severity.ERROR, "A node has an outcome and routes: it must be one."),
    Code("E107", "undeclared-variable", Severity.ERROR, "A mood variable that is not declared."),
    Code("E108", "undeclared-flag", Severity.ERROR, "A flag that is not declared."),
    Code("E109", "unknown-behaviour", Severity.ERROR, "A behaviour id not in the rubric."),
    Code("E110", "bad-condition", Severity.ERROR, "A condition that cannot be read."),
    Code("E111", "unknown-name", Severity.ERROR, "A condition uses a name that is not defined."),
    Code("E112", "unknown-fact", Severity.ERROR, "A node discloses a fact the persona does not have."),
    Code("E113", "inconsistent-debt", Severity.ERROR, "The debt facts contradict each other."),
    Code("E114", "duplicate-outcome", Severity.ERROR, "Two endings share one outcome id."),
    Code("E115", "no-way-out", Severity.ERROR, "No route from this node leads to an ending: the call loops."),
    Code("E116", "unknown-placeholder", Severity.ERROR, "A {placeholder} in a debtor line that callsim does not fill."),
    Code("E117", "duplicate-scenario-id", Severity.ERROR, "Two scenario files share one id."),
    Code("E118", "unearned-outcome", Severity.ERROR, "A route into an ending that does not require what it claims."),
    Code("E119", "unknown-act", Severity.ERROR, "A dialogue act callsim does not know."),
    Code("E120", "unmet-presupposition", Severity.ERROR,
         "A node reachable when no reply did what every one of its lines presupposes."),
    Code("E121", "unknown-answer", Severity.ERROR,
         "A line's `asks` names neither an act nor a behaviour, or it has `press` but no `asks`."),
    Code("E122", "unknown-realism-target", Severity.ERROR,
         "A realism target reaches neither a result nor an outcome id of this scenario."),
    Code("E123", "unknown-rule", Severity.ERROR,
         "A `rules:` entry names no rule in callsim's rule data (`callsim drill rules`)."),
    Code("E201", "walkthrough-failed", Severity.ERROR, "A walkthrough does not reach its expected outcome."),
    Code("E202", "walkthrough-bad-outcome", Severity.ERROR, "A walkthrough expects an outcome no node has."),
    Code("W301", "unreachable-node", Severity.WARNING, "No route leads to this node."),
    Code("W302", "routes-after-default", Severity.WARNING, "Routes after the default route never fire."),
    Code("W303", "no-model-answer", Severity.WARNING, "A non-final node has no model answer."),
    Code("W304", "no-schema-comment", Severity.WARNING, "First line does not point editors at the schema."),
    Code("W305", "no-walkthroughs", Severity.WARNING, "The scenario has no walkthroughs."),
    Code("W307", "answer-uses-untold-name", Severity.WARNING, "A model answer names what the call may not have told."),
    Code("W308", "hang-up-at-high-trust", Severity.WARNING,
         "A hang-up or complaint can be reached while trust is high, for a reply that did nothing wrong."),
    Code("W309", "warm-line-when-angry", Severity.WARNING,
         "A warm line that can only be said while anger is high."),
    Code("W306", "single-variant", Severity.WARNING, "A node has only one line: replays sound canned."),
]
CODES: dict[str, Code] = {c.code: c for c in _CODES}
BY_NAME: dict[str, Code] = {c.name: c for c in _CODES}


@dataclass(frozen=True)
class Diagnostic:
    file: str
    line: int
    col: int
    code: str
    message: str
    hint: str = ""

    @property
    def severity(self) -> Severity:
        return CODES[self.code].severity

    @property
    def name(self) -> str:
        return CODES[self.code].name

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def format(self) -> str:
        head = f"{self.file}:{self.line}:{self.col}: {self.code}: {self.message} [{self.name}]"
        return head + (f"\n    hint: {self.hint}" if self.hint else "")

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "code": self.code,
            "name": self.name,
            "severity": self.severity.value,
            "message": self.message,
            "hint": self.hint,
        }


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A " Did you mean 'x'?" suffix when one candidate is close, else ''."""
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f" Did you mean '{close[0]}'?" if close else ""


def sort_key(d: Diagnostic) -> tuple[str, int, int, str]:
    return (d.file, d.line, d.col, d.code)
