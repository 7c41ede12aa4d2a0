"""Drill attempts summed up for team leads: per trainee and kind, and the rules most often broken or got wrong
(the HTML report's Drills section, `callsim drill attempts --summary`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from callsim.core.drills.rules import rulebook


@dataclass
class KindStats:
    attempts: int = 0
    passed: int = 0
    score_total: float = 0.0

    def add(self, score: float, passed: bool) -> None:
        self.attempts += 1
        self.passed += bool(passed)
        self.score_total += score

    @property
    def pass_rate(self) -> float:
        return self.passed / self.attempts if self.attempts else 0.0

    @property
    def mean_score(self) -> float:
        return self.score_total / self.attempts if self.attempts else 0.0


@dataclass
class DrillSummary:
    by_trainee: dict[str, dict[str, KindStats]] = field(default_factory=dict)  # trainee -> kind -> stats
    by_kind: dict[str, KindStats] = field(default_factory=dict)
    rules: Counter[str] = field(default_factory=Counter)  # rule id -> attempts that broke it or got it wrong

    @property
    def attempts(self) -> int:
        return sum(k.attempts for k in self.by_kind.values())

    def top_rules(self, n: int = 10) -> list[tuple[str, str, str, int]]:
        """(rule id, title, citation, count), most frequent first."""
        book = rulebook()
        out = []
        for rid, count in sorted(self.rules.items(), key=lambda kv: (-kv[1], kv[0]))[:n]:
            try:
                rule = book.get(rid)
                out.append((rid, rule.title, rule.citation, count))
            except KeyError:  # an attempt stored under a rule since retired
                out.append((rid, rid, "", count))
        return out


def summarise(rows: Iterable[Mapping[str, Any]]) -> DrillSummary:
    """Rows as ``Store.list_attempts`` gives them."""
    out = DrillSummary()
    for r in rows:
        score, passed = float(r["score"]), bool(r["passed"])
        out.by_trainee.setdefault(r["trainee"], {}).setdefault(r["kind"], KindStats()).add(score, passed)
        out.by_kind.setdefault(r["kind"], KindStats()).add(score, passed)
        for rid in (r.get("data") or {}).get("rules", ()):
            if rid != "allowed":
                out.rules[rid] += 1
    return out
