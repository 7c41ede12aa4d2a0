"""How a call's overall score and its pass are made: the one definition the engine computes with and the
debriefs explain with, so what a trainee reads is the arithmetic that was done.

    overall = 35% empathy + 35% de-escalation + 30% expected behaviours shown
              - 10 for each major violation
              at most 50 when the call ended badly (an outcome whose result is "failed")
              kept within 0-100
    passed  = the call reached an outcome that is not "failed", overall >= the pass mark, and no blocker

Blocker violations do not lower the number: they fail the call whatever it is. Possible violations (the
scorer was unsure) are for review and count for nothing here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from callsim.core.record import CallRecord

WEIGHTS = (("empathy", 0.35), ("de-escalation", 0.35), ("expected behaviours shown", 0.30))
MAJOR_PENALTY = 10.0
FAILED_CAP = 50.0


def overall_score(empathy: float, deescalation: float, coverage: float, majors: int, failed: bool) -> float:
    """The overall score (``coverage``: the share of expected behaviours shown, 0-1)."""
    overall = WEIGHTS[0][1] * empathy + WEIGHTS[1][1] * deescalation + WEIGHTS[2][1] * 100 * coverage
    overall -= MAJOR_PENALTY * majors
    if failed:
        overall = min(overall, FAILED_CAP)
    return max(0.0, min(100.0, overall))


def is_passed(outcome_result: str | None, overall: float, pass_mark: float, blockers: int) -> bool:
    return outcome_result is not None and outcome_result != "failed" and overall >= pass_mark and not blockers


def _count(violations: Sequence[Mapping[str, Any]], severity: str) -> int:
    return sum(1 for v in violations if v.get("severity") == severity)


def why_not_passed(record: CallRecord, *, short: bool = False) -> list[str]:
    """Every reason the call did not pass, in words (empty when it passed); ``short`` leaves out which
    blockers (for a one-line heading)."""
    if record.passed:
        return []
    reasons = []
    blockers = [v for v in record.compliance.violations if v.get("severity") == "blocker"]
    if blockers:
        names = ", ".join(f"{v['label']} (turn {v.get('turn', '?')})" for v in blockers)
        reasons.append("a blocker violation fails the call" if short
                       else f"a blocker violation fails the call whatever the score: {names}")
    if record.outcome is None:
        reasons.append("the call did not reach an outcome")
    elif record.outcome.result == "failed":
        reasons.append(f"the call ended badly ({record.outcome.label})")
    if record.scores.overall < record.pass_mark:
        reasons.append(f"the overall score {record.scores.overall:.0f} is below the pass mark {record.pass_mark:g}")
    return reasons


def overall_arithmetic(record: CallRecord) -> str:
    """The overall score worked through from this call's numbers, in one line."""
    sc = record.scores
    parts = (sc.empathy, sc.deescalation, sc.expectations_met)
    base = sum(w * v for (_, w), v in zip(WEIGHTS, parts, strict=True))
    terms = " + ".join(f"{w:.0%} of {name} {v:.0f}" for (name, w), v in zip(WEIGHTS, parts, strict=True))
    text = f"{terms} = {base:.0f}"
    majors = _count(record.compliance.violations, "major")
    value = base
    if majors:
        value -= MAJOR_PENALTY * majors
        text += f"; minus {MAJOR_PENALTY:.0f} for each major violation ({majors}) = {value:.0f}"
    if record.outcome is not None and record.outcome.result == "failed" and value > FAILED_CAP:
        value = FAILED_CAP
        text += f"; at most {FAILED_CAP:.0f} because the call ended badly"
    if value < 0 or value > 100:
        text += "; kept within 0-100"
    return text + f". Overall {sc.overall:.0f}."
