"""Walkthroughs: scripted replies that must reach an outcome (and score bounds). ``callsim test`` runs them."""

from __future__ import annotations

from dataclasses import dataclass, field

from callsim.core.engine import CompiledScenario
from callsim.core.models import Scenario, Walkthrough
from callsim.core.record import CallRecord


@dataclass
class WalkthroughResult:
    name: str
    passed: bool
    problems: list[str] = field(default_factory=list)
    record: CallRecord | None = None


_COMPILED: dict[int, tuple[Scenario, CompiledScenario]] = {}
_KEEP = 64  # compiled machines kept; a preview that reloads a file all day must not grow without bound


def compiled_for(scenario: Scenario) -> CompiledScenario:
    """One compiled machine per scenario object, reused across walkthroughs and calls."""
    hit = _COMPILED.get(id(scenario))
    if hit is None or hit[0] is not scenario:
        while len(_COMPILED) >= _KEEP:
            del _COMPILED[next(iter(_COMPILED))]  # the oldest
        hit = _COMPILED[id(scenario)] = (scenario, CompiledScenario(scenario))
    return hit[1]


def run_walkthrough(scenario: Scenario, walkthrough: Walkthrough) -> WalkthroughResult:
    call = compiled_for(scenario).new_call(walkthrough.seed)
    used = 0
    for reply in walkthrough.replies:
        if call.ended:
            break
        call.respond(reply)
        used += 1
    record = call.record()
    problems: list[str] = []
    exp = walkthrough.expect
    if not call.ended:
        problems.append(f"the call had not ended after {used} replies (at node '{call.node_id}')")
    elif used < len(walkthrough.replies):
        problems.append(f"the call ended after {used} of {len(walkthrough.replies)} replies")
    got = record.outcome.id if record.outcome else None
    if call.ended and got != exp.outcome:
        path = " -> ".join(t.node for t in record.turns) + f" -> {call.node_id}"
        problems.append(f"reached '{got}' instead of '{exp.outcome}' (path: {path})")
    scores = record.scores
    for key in ("empathy", "deescalation", "overall"):
        lo, hi = getattr(exp, f"min_{key}"), getattr(exp, f"max_{key}")
        value = getattr(scores, key)
        if lo is not None and value < lo:
            problems.append(f"{key} {value} is below {lo}")
        if hi is not None and value > hi:
            problems.append(f"{key} {value} is above {hi}")
    if exp.passed is not None and record.passed != exp.passed:
        problems.append(f"expected the call to {'pass' if exp.passed else 'fail'}, but it "
                        f"{'passed' if record.passed else 'failed'} (overall {scores.overall})")
    if exp.compliance is not None:
        ok = record.compliance.passed
        if (exp.compliance == "pass") != ok:
            ids = sorted({v["id"] for v in record.compliance.violations})
            problems.append(f"expected compliance to {exp.compliance}, got {'pass' if ok else 'fail'}"
                            + (f" ({', '.join(ids)})" if ids else ""))
    raised = {v["id"] for v in record.compliance.violations}
    for v in exp.violations:
        if v not in raised:
            problems.append(f"expected violation '{v}' was not raised")
    return WalkthroughResult(walkthrough.name, not problems, problems, record)


def turn_by_turn(record: CallRecord) -> list[str]:
    """A played call as lines to read: each reply, what was found in it, the route it took and what moved
    (what `callsim test` prints for a failing walkthrough, or every one with --verbose)."""
    out: list[str] = []
    for t in record.turns:
        s = t.scores
        found = [b["id"] for b in s.get("behaviours", [])]
        broke = [f"{v['id']} ({v.get('severity', '')})" for v in s.get("violations", [])]
        out.append(f"  {t.index}. at {t.node}: {t.reply}")
        out.append(f"     empathy {s['empathy']:.0f}, de-escalation {s['deescalation']:.0f}; found: "
                   f"{', '.join(found) or 'nothing'}" + (f"; violations: {', '.join(broke)}" if broke else ""))
        if t.route is not None:
            when = f'when "{t.route.when}"' if t.route.when else "the default route"
            which = "an end_when rule" if t.route.index is None else f"route {t.route.index + 1}"
            out.append(f"     {which}, {when} -> {t.route.goto}" + (f" ({t.route.note})" if t.route.note else ""))
        moved = [f"{k} {t.mood_before.get(k, v):g} -> {v:g}" for k, v in t.mood.items() if t.mood_before.get(k) != v]
        if moved:
            out.append(f"     mood: {', '.join(moved)}")
    if record.outcome is not None:
        out.append(f"  ended: {record.outcome.id} ({record.outcome.result}), overall {record.scores.overall:.0f}, "
                   f"{'passed' if record.passed else 'not passed'}")
    return out


def run_all(scenario: Scenario) -> list[WalkthroughResult]:
    return [run_walkthrough(scenario, w) for w in scenario.walkthroughs]
