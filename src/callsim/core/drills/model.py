"""The drill file format, and finding and loading drill files (shipped in ``drills/``, the user's in
``$CALLSIM_HOME/drills``). A broken file is reported with its file, line, column and what to do."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import Field, ValidationError, model_validator

from callsim.core.drills.schedule import ContactCase, Medium, Question, _Strict
from callsim.core.yamlpos import dotted, load_with_positions

DrillKindName = Literal["written", "voicemail", "schedule"]
KINDS: tuple[DrillKindName, ...] = ("written", "voicemail", "schedule")
KIND_LABELS = {"written": "Written messages", "voicemail": "Voicemail", "schedule": "May I contact them now?"}


class DrillQuestion(_Strict):
    """One question of a scheduling drill: may you contact them this way, now?"""

    at: dt.datetime  # office time
    medium: Medium = "call"
    address: str = ""
    purpose: Literal["collect", "other"] = "collect"
    ask: str  # the question as the trainee reads it

    @property
    def question(self) -> Question:
        return Question(at=self.at, medium=self.medium, address=self.address, purpose=self.purpose)


class Drill(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    kind: DrillKindName
    title: str
    jurisdiction: Literal["US", "UK"]
    brief: str  # the situation, as the trainee reads it
    # written and voicemail drills
    channel: Literal["sms", "email", "letter", "voicemail"] | None = None
    moment: str = ""  # first_reminder | hardship_followup | plan_confirmation | angry_reply | voicemail | ...
    scenario: str = ""  # a scenario id whose persona and debt facts the draft is checked against
    facts: dict[str, str] = Field(default_factory=dict)  # consumer, agent, business, message_name, creditor, phone
    debtor_wrote: str = ""  # what the debtor wrote, when the draft answers it
    model: str = ""  # a better message, shown after the attempt
    model_subject: str = ""
    # scheduling drills
    case: ContactCase | None = None
    questions: tuple[DrillQuestion, ...] = ()

    @model_validator(mode="after")
    def _fits_its_kind(self) -> Drill:
        if self.kind == "schedule":
            if self.case is None or not self.questions:
                raise ValueError("a schedule drill needs a `case` (the contact log) and `questions`")
            if self.case.jurisdiction != self.jurisdiction:
                raise ValueError(f"the case's jurisdiction ({self.case.jurisdiction}) differs from the drill's "
                                 f"({self.jurisdiction})")
        else:
            if self.channel is None or not self.model:
                raise ValueError(f"a {self.kind} drill needs a `channel` and a `model` (a better message)")
            if (self.kind == "voicemail") != (self.channel == "voicemail"):
                raise ValueError("a voicemail drill has `channel: voicemail`; a written drill has sms, email or "
                                 "letter")
            bad = set(self.facts) - {"consumer", "agent", "business", "message_name", "creditor", "phone"}
            if bad:
                raise ValueError(f"unknown fact(s) {', '.join(sorted(bad))}: facts are consumer, agent, business, "
                                 "message_name, creditor and phone")
        return self


class DrillFileError(ValueError):
    """A drill file callsim cannot read: the message names the file, line and column and what to do."""


@dataclass(frozen=True)
class DrillEntry:
    path: Path
    drill: Drill


def shipped_dir() -> Path:
    packaged = Path(str(resources.files("callsim"))) / "drills"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[4] / "drills"


def user_dir() -> Path:
    from callsim.core.paths import drills_dir

    return drills_dir()


def load_drill(path: Path) -> Drill:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise DrillFileError(f"{path}: cannot read it ({e.strerror or e})") from None
    return parse_drill(text, str(path))


def parse_drill(text: str, file: str = "<text>") -> Drill:
    try:
        data, pos = load_with_positions(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{file}:{mark.line + 1}:{mark.column + 1}" if mark else file
        raise DrillFileError(f"{where}: this is not valid YAML ({getattr(e, 'problem', e)}). Check the "
                             "indentation (spaces, not tabs) and quote text containing ': '.") from None
    if not isinstance(data, dict):
        raise DrillFileError(f"{file}:1:1: a drill file is a mapping of keys (id, kind, title, ...); see "
                             "docs/drills.md")
    try:
        return Drill.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p in ("function-after", "function-before")))
        line, col = pos.of(loc)
        msg = err["msg"].removeprefix("Value error, ")
        where = dotted(loc)
        more = f" (and {e.error_count() - 1} more problem(s))" if e.error_count() > 1 else ""
        raise DrillFileError(f"{file}:{line}:{col}: {where}: {msg}{more}. See docs/drills.md for the format.") \
            from None


def drill_files() -> list[Path]:
    out: list[Path] = []
    for d in (shipped_dir(), user_dir()):
        if d.is_dir():
            out.extend(sorted(p for p in d.glob("*.yaml")))
    return out


def load_library() -> tuple[list[DrillEntry], list[str]]:
    """Every drill that loads, and a message for each file that does not (a broken file never hides the rest)."""
    entries: list[DrillEntry] = []
    problems: list[str] = []
    seen: set[str] = set()
    for path in drill_files():
        try:
            drill = load_drill(path)
        except DrillFileError as e:
            problems.append(str(e))
            continue
        if drill.id in seen:
            problems.append(f"{path}: the drill id {drill.id!r} is already used by another drill; ids are unique")
            continue
        seen.add(drill.id)
        entries.append(DrillEntry(path, drill))
    return entries, problems


def find_drill(ref: str) -> Drill:
    """A drill by id, or a path to a drill file."""
    p = Path(ref)
    if p.suffix in (".yaml", ".yml") and p.exists():
        return load_drill(p)
    entries, _ = load_library()
    for e in entries:
        if e.drill.id == ref:
            return e.drill
    ids = ", ".join(e.drill.id for e in entries[:6])
    raise DrillFileError(f"no drill {ref!r}: `callsim drill list` shows them (for example {ids})")
