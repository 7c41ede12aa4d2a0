"""The jurisdiction rules the drills check, loaded from ``data/channel_rules.yaml`` (versioned data: each rule
has its citation and the date it took effect; a changed rule is a new entry, the old one gets ``until``)."""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

DrillKind = Literal["written", "voicemail", "schedule", "call"]  # "call": a rule a scenario trains
Channel = Literal["sms", "email", "letter"]


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    jurisdiction: str = Field(pattern=r"^(US|UK|US-[A-Z]{2})$")
    drills: tuple[DrillKind, ...]
    channels: tuple[Channel, ...] = ()
    citation: str
    effective: dt.date | None = None
    until: dt.date | None = None
    severity: Literal["breach", "advice"]
    title: str
    meaning: str
    fix: str

    @property
    def country(self) -> str:
        """US or UK (a state overlay such as US-MA belongs to the US)."""
        return self.jurisdiction.split("-")[0]

    def in_force(self, on: dt.date) -> bool:
        return (self.effective is None or self.effective <= on) and (self.until is None or on < self.until)

    def applies(self, kind: DrillKind, country: str, channel: str | None = None, on: dt.date | None = None) -> bool:
        """Does this rule apply to a drill of ``kind`` in ``country`` (US/UK) on ``channel`` (written drills)?"""
        if kind not in self.drills or self.country != country:
            return False
        if channel is not None and self.channels and channel not in self.channels:
            return False
        return on is None or self.in_force(on)


class RuleBook(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int
    checked: dt.date
    rules: tuple[Rule, ...]

    def get(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(f"no drill rule {rule_id!r} (see `callsim drill rules`)")

    def ids(self) -> set[str]:
        return {r.id for r in self.rules}

    def applicable(self, kind: DrillKind, country: str, channel: str | None = None,
                   on: dt.date | None = None) -> list[Rule]:
        return [r for r in self.rules if r.applies(kind, country, channel, on)]


@cache
def rulebook() -> RuleBook:
    text = resources.files("callsim.core").joinpath("data/channel_rules.yaml").read_text(encoding="utf-8")
    book = RuleBook.model_validate(yaml.safe_load(text))
    seen: set[str] = set()
    for r in book.rules:
        if r.id in seen:
            raise ValueError(f"channel_rules.yaml: the rule id {r.id!r} is used twice")
        seen.add(r.id)
    return book
