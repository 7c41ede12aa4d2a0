"""Plain-text renderings of a call: the debrief and the transcript. Used by the plain player and `show`."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

from callsim.core.models import Scenario
from callsim.core.money import format_money
from callsim.core.record import CallRecord, Turn
from callsim.core.rubric import load_rubric
from callsim.core.text import safe_text
from callsim.core.verdict import overall_arithmetic, why_not_passed

if TYPE_CHECKING:
    from callsim.core.engine import DebtorLine

WIDTH = 78


def _wrap(text: str, indent: str = "  ") -> str:
    return textwrap.fill(safe_text(text), WIDTH, initial_indent=indent, subsequent_indent=indent)


def rules_cited(scenario: Scenario) -> list[str]:
    """The rules a scenario names (``rules:``) as the debrief cites them: title, citation and since when."""
    if not scenario.rules:
        return []
    from callsim.core.drills.rules import rulebook

    book = rulebook()
    out = []
    for rid in scenario.rules:
        if rid not in book.ids():
            continue  # lint E123 reports it
        r = book.get(rid)
        since = f", in force since {r.effective.isoformat()}" if r.effective else ""
        out.append(f"{r.title} ({r.citation}{since})")
    return out


def debrief(record: CallRecord, scenario: Scenario) -> str:
    rubric = load_rubric()
    out: list[str] = []
    sc = record.scores
    label, result = (record.outcome.label, record.outcome.result) if record.outcome else ("Not finished", "unfinished")
    out.append("=" * WIDTH)
    out.append(f"DEBRIEF: {scenario.title}")
    out.append("=" * WIDTH)
    if record.passed:
        out.append(f"Result:        PASS (overall {sc.overall:.0f}, pass mark {record.pass_mark:g}, no blocker "
                   "violation, the call did not end badly)")
    else:
        out.append("Result:        FAIL")
        for reason in why_not_passed(record):
            out.append(_wrap(reason, "    "))
    out.append(f"Outcome:       {label} [{result}]")
    out.append(f"Overall:       {sc.overall:.0f}/100")
    out.append(_wrap(overall_arithmetic(record), "    "))
    out.append(f"Empathy:       {sc.empathy:.0f}/100")
    out.append(f"De-escalation: {sc.deescalation:.0f}/100")
    out.append(f"Expected behaviours shown: {sc.expectations_met:.0f}%")
    comp = record.compliance
    if comp.passed:
        out.append("Compliance:    passed, no violations")
    else:
        out.append(f"Compliance:    FAILED, {len(comp.violations)} violation(s)")
        for v in comp.violations:
            ev = "; ".join(f'"{e["text"]}"' for e in v["evidence"][:2])
            out.append(_wrap(f"turn {v['turn']}: {v['label']} ({v['severity']}): {ev}", "    "))
            out.append(_wrap(f"why: {v['why']}", "      "))
    for v in comp.possible:
        ev = "; ".join(f'"{e["text"]}"' for e in v["evidence"][:1])
        out.append(_wrap(f"turn {v['turn']}: possible {v['label']} (for review, not a fail): {ev}", "    "))
    if record.understanding:
        out.append(_wrap(record.understanding, ""))
    plan = record.plan
    if plan and plan.agreed:
        sym = scenario.debt.symbol
        amt, aff = format_money(plan.monthly, sym), format_money(plan.affordable, sym)
        if plan.sustainable:
            out.append(_wrap(f"Plan: {amt} a month, within the {aff} they can afford. Sustainable.", ""))
        else:
            out.append(_wrap(f"Plan: {amt} a month, but they can only afford {aff}. This plan is likely to "
                             "break: agree an amount from their budget, not from the balance.", ""))
    cited = rules_cited(scenario)
    if cited:
        out.append("Rules this call trains:")
        for line in cited:
            out.append(_wrap(line, "    "))
    turns = record.turns
    if turns:
        out.append("")
        out.append("Turn by turn")
        out.append("-" * WIDTH)
    for t in turns:
        s = t.scores
        good = [b["label"] for b in s["behaviours"] if b["kind"] == "reward"]
        bad = [b["label"] for b in s["behaviours"] if b["kind"] == "penalty"] + [v["label"] for v in s["violations"]]
        e = s["epitome"]
        out.append(f"{t.index}. empathy {s['empathy']:.0f}, de-escalation {s['deescalation']:.0f} "
                   f"(ER {e['ER']} IP {e['IP']} EX {e['EX']})")
        out.append(_wrap(f"You: {t.reply}", "   "))
        if good:
            out.append(_wrap("Did well: " + ", ".join(good), "   + "))
        if bad:
            out.append(_wrap("Hurt the call: " + ", ".join(bad), "   - "))
        for note in s.get("notes", []):
            out.append(_wrap(note, "   - "))
        better = s.get("better")
        if better:
            for b in better["missed"]:
                out.append(_wrap(f"Missed: {rubric.get(b).label}", "   ! "))
            for tip in better["tips"][:3]:
                out.append(_wrap(tip, "   > "))
            if better["model_answer"]:
                out.append(_wrap(f'Better: "{better["model_answer"]}"', "   * "))
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def transcript(turns: Sequence[Turn], scenario: Scenario, seed: int, final: DebtorLine | None = None) -> str:
    """The words of the call; ``final``: what the debtor said after the last reply (``engine.final_line``)."""
    lines = [f"{scenario.title} (seed {seed})", ""]
    name = scenario.persona.voice
    said = [(t.debtor, t.reply) for t in turns] + ([(final, None)] if final is not None else [])
    for debtor, reply in said:
        cues = f" ({', '.join(debtor.cues)})" if debtor.cues else ""
        lines.append(_wrap(f"{name}{cues}: {debtor.text}", ""))
        if reply is not None:
            lines.append(_wrap(f"You: {reply}", ""))
        lines.append("")
    return "\n".join(lines)
