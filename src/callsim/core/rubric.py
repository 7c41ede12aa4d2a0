"""The rubric: behaviour definitions shipped as data (``data/rubric.yaml``), loaded once."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from callsim.core.nlp import Gated

Category = Literal["empathy", "deescalation", "transparency", "compliance"]
SeverityName = Literal["blocker", "major", "minor"]


class Behaviour(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    category: Category
    kind: Literal["reward", "penalty"]
    severity: SeverityName | None = None
    label: str
    why: str
    tip: str
    example: str = ""
    mood: dict[str, float] = Field(default_factory=dict)
    negatable: bool = False
    patterns: list[str] = Field(default_factory=list)

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
