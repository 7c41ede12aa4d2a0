"""A call as Markdown, for the trainee to keep or share. Nothing here imports Textual."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from callsim.core.models import Scenario
from callsim.core.money import format_money
from callsim.core.paths import exports_dir
from callsim.core.record import CallRecord
from callsim.core.text import safe_text

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def md_escape(text: str) -> str:
    """Trainee or author text made inert in Markdown (no headings, links, emphasis or HTML)."""
    return _MD_SPECIAL.sub(r"\\\1", safe_text(text))


def _quote(text: str) -> str:
    return "\n".join("> " + line if line else ">" for line in md_escape(text).splitlines() or [""])


def transcript_markdown(record: CallRecord, scenario: Scenario, *, trainee: str | None = None,
                        when: datetime | None = None, coaching: bool = True) -> str:
    name = scenario.persona.name
    first = scenario.persona.voice
    d = scenario.debt
    out = [f"# {md_escape(scenario.title)}", ""]
    facts = [f"Debtor: {md_escape(name)}", f"Creditor: {md_escape(d.creditor)}",
             f"Balance: {format_money(d.balance, d.symbol)}", f"Seed: {record.seed}"]
    if trainee:
        facts.insert(0, f"Trainee: {md_escape(trainee)}")
    if when:
        facts.append(f"Date: {when:%Y-%m-%d %H:%M}")
    out += [f"- {f}" for f in facts] + ["", "## Transcript", ""]
    from callsim.core.engine import final_line
    from callsim.core.verdict import overall_arithmetic, why_not_passed

    final = final_line(scenario, record)
    for t in record.turns:
        cues = ", ".join(safe_text(c) for c in t.debtor.cues)
        out.append(f"**{md_escape(first)}**" + (f" *({md_escape(cues)})*" if cues else ""))
        out.append("")
        out.append(_quote(t.debtor.text))
        out.append("")
        out.append(f"**You** (turn {t.index})")
        out.append("")
        out.append(_quote(t.reply))
        out.append("")
        if coaching:
            s = t.scores
            good = [b["label"] for b in s["behaviours"] if b["kind"] == "reward"]
            bad = [b["label"] for b in s["behaviours"] if b["kind"] == "penalty"]
            bad += [f"{v['label']} ({v.get('severity', '')})" for v in s["violations"]]
            line = f"*Empathy {s['empathy']:.0f}, de-escalation {s['deescalation']:.0f}.*"
            if good:
                line += " Did well: " + ", ".join(md_escape(g) for g in good) + "."
            if bad:
                line += " Hurt the call: " + ", ".join(md_escape(b) for b in bad) + "."
            out += [line, ""]
            better = s.get("better")
            if better and better.get("model_answer"):
                out += [f"*Better:* {md_escape(better['model_answer'])}", ""]
    if final is not None:
        cues = ", ".join(safe_text(c) for c in final.cues)
        out += [f"**{md_escape(first)}**" + (f" *({md_escape(cues)})*" if cues else ""), "", _quote(final.text), ""]
    outcome = record.outcome
    if outcome:
        out += ["## Result", "", f"- Outcome: {md_escape(outcome.label)} ({outcome.result})"]
        scores = record.scores
        verdict = "passed" if record.passed else "did not pass: " + "; ".join(why_not_passed(record))
        out += [
            f"- Overall: {scores.overall:.0f}/100 (pass mark {record.pass_mark:g}), {md_escape(verdict)}",
            f"- How: {md_escape(overall_arithmetic(record))}",
            f"- Empathy: {scores.empathy:.0f}/100",
            f"- De-escalation: {scores.deescalation:.0f}/100",
        ]
        comp = record.compliance
        out.append("- Compliance: " + ("passed" if comp.passed else f"failed ({len(comp.violations)} violation(s))"))
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def export_path(scenario_id: str, when: datetime) -> Path:
    return exports_dir() / f"{scenario_id}-{when:%Y%m%d-%H%M%S}.md"


def write_transcript(record: CallRecord, scenario: Scenario, *, when: datetime, trainee: str | None = None,
                     coaching: bool = True) -> Path:
    path = export_path(scenario.id, when)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(transcript_markdown(record, scenario, trainee=trainee, when=when, coaching=coaching),
                    encoding="utf-8")
    return path
