"""The rubric: behaviour definitions shipped as data (``data/rubric.yaml``), loaded once.

``rubric.yaml`` is the registry: one entry per behaviour or violation, with its citation, the code that
detects it, and the lines that must and must not be detected as it (``tests/test_registry.py`` runs them)."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

from callsim.core.nlp import Gated

Category = Literal["empathy", "deescalation", "transparency", "compliance"]
SeverityName = Literal["blocker", "major", "minor"]


class Case(BaseModel):
    """A registry line: a reply, and the moment it is said in. Written in ``rubric.yaml`` as a plain string
    (the reply alone) or as a mapping: ``{debtor: ..., reply: ...}``, ``{scenario: ..., flags: [...], reply: ...}``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    reply: str
    debtor: str = ""  # what the debtor has just said
    scenario: str = ""  # a shipped scenario, by file name without ".yaml": its debt facts and flags apply
    flags: tuple[str, ...] = ()  # that scenario's flags that are set; the others are unset

    @model_validator(mode="before")
    @classmethod
    def _plain(cls, value: Any) -> Any:
        return {"reply": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _flags_need_a_scenario(self) -> Case:
        if self.flags and not self.scenario:
            raise ValueError("flags are a scenario's: give the scenario too")
        return self


class Behaviour(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    category: Category
    kind: Literal["reward", "penalty"]
    severity: SeverityName | None = None
    label: str
    why: str
    tip: str
    citation: str = ""  # where the rule comes from (every compliance entry has one)
    detected_by: str = ""  # the code that detects it, in one line
    examples: list[Case] = Field(default_factory=list)  # must be detected as this id; the first is shown
    counter_examples: list[Case] = Field(default_factory=list)  # close lines that must not be
    mood: dict[str, float] = Field(default_factory=dict)
    negatable: bool = False
    patterns: list[str] = Field(default_factory=list)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def example(self) -> str:
        """The line a trainee is shown: the first of ``examples``."""
        return self.examples[0].reply if self.examples else ""

    @property
    def is_violation(self) -> bool:
        return self.category == "compliance"


class Rubric(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int
    behaviours: list[Behaviour]

    def get(self, behaviour_id: str) -> Behaviour:
        return self.by_id[behaviour_id]

    @property
    def by_id(self) -> dict[str, Behaviour]:
        return _index(self)

    @property
    def ids(self) -> list[str]:
        return [b.id for b in self.behaviours]

    def compiled(self, behaviour_id: str) -> list[re.Pattern[str]]:
        return _compiled(self, behaviour_id)

    def gated(self, behaviour_id: str) -> list[Gated]:
        """The compiled patterns with literal prefilters (see :func:`callsim.core.nlp.required_literals`)."""
        return _gated(self, behaviour_id)


@cache
def _index(rubric: Rubric) -> dict[str, Behaviour]:
    return {b.id: b for b in rubric.behaviours}


@cache
def _compiled(rubric: Rubric, behaviour_id: str) -> list[re.Pattern[str]]:
    return [re.compile(p, re.IGNORECASE) for p in rubric.by_id[behaviour_id].patterns]


@cache
def _gated(rubric: Rubric, behaviour_id: str) -> list[Gated]:
    return [Gated(rx) for rx in _compiled(rubric, behaviour_id)]


def __hash_rubric(self: Rubric) -> int:
    return id(self)


Rubric.__hash__ = __hash_rubric  # type: ignore[method-assign,assignment]


# The law a citation item belongs to: an item of the other jurisdiction's law is left out of what a trainee
# practising a US (or UK) call reads ("(FDCPA 1692b/c, GDPR)" is "(FDCPA 1692b/c)" in a US call).
_LAW = {
    "US": re.compile(r"\b(FDCPA|Reg(ulation)? F|CFPB|FCRA|U\.S\.C\.|1692[a-z]?)"),
    "UK": re.compile(r"\b(CONC|FCA|FG21/1|GDPR|Consumer Duty|Breathing Space|CCA|Money Advice Trust)\b"),
}


def for_jurisdiction(text: str, jurisdiction: str) -> str:
    """``text`` (a behaviour's why) with the other jurisdiction's citations taken out of its brackets; a
    bracket left with nothing is dropped. Brackets that cite nothing are kept as they are."""
    other = [law for j, law in _LAW.items() if j != jurisdiction.upper()]
    if not other or jurisdiction.upper() not in _LAW:
        return text
    out, i = [], 0
    while i < len(text):
        if text[i] != "(":
            out.append(text[i])
            i += 1
            continue
        depth, j = 0, i
        while j < len(text):
            depth += {"(": 1, ")": -1}.get(text[j], 0)
            if depth == 0:
                break
            j += 1
        inner = text[i + 1 : j]
        items = [x.strip() for x in re.split(r"[,;](?![^(]*\))", inner)]
        cites = [any(law.search(x) for law in _LAW.values()) for x in items]
        if not any(cites):
            out.append(text[i : j + 1])
        else:
            kept = [x for x in items if not any(law.search(x) for law in other)]
            if kept:
                out.append("(" + ", ".join(kept) + ")")
            elif out and out[-1] == " ":
                out.pop()
        i = j + 1
    return "".join(out)


@cache
def load_rubric() -> Rubric:
    text = resources.files("callsim.core").joinpath("data/rubric.yaml").read_text(encoding="utf-8")
    return Rubric.model_validate(yaml.safe_load(text))


EMPATHY_IDS = (
    "emotional_reaction", "interpretation", "exploration", "validation", "paraphrase",
    "thanks_for_disclosure", "asks_permission", "self_disclosure",
)
ACKNOWLEDGING_IDS = (
    "emotional_reaction", "interpretation", "validation", "apology_for_impact", "thanks_for_disclosure",
)
