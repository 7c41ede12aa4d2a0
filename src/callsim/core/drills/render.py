"""Feedback on a drill attempt as plain text (plain mode, ``callsim drill attempts --show``, the app's text)."""

from __future__ import annotations

import textwrap
from typing import Any

from callsim.core.drills.attempt import DrillAttempt
from callsim.core.drills.rules import rulebook
from callsim.core.text import safe_text

WIDTH = 78
_MARK = {"breach": "BREACH", "advice": "advice", "possible": "possible"}


def _wrap(text: str, indent: str = "  ") -> str:
    """Reflowed to the width: paragraphs (split by blank lines) keep apart, lines within one are joined."""
    paragraphs = [" ".join(p.split()) for p in text.replace("\r", "").split("\n\n")]
    return "\n\n".join(textwrap.fill(p, WIDTH, initial_indent=indent, subsequent_indent=indent)
                       for p in paragraphs if p) + "\n"


def marked(text: str, findings: list[dict[str, Any]]) -> str:
    """The draft with each finding's words marked [[like this]] and its number after them."""
    spans = sorted({(f["start"], f["end"], i) for i, f in enumerate(findings, 1) if f["start"] >= 0 and f["end"] > 0},
                   reverse=True)
    out = text
    taken: list[tuple[int, int]] = []
    for start, end, n in spans:
        if any(not (end <= a or start >= b) for a, b in taken):
            continue  # overlapping marks: the first keeps its brackets
        taken.append((start, end))
        out = out[:start] + "[[" + out[start:end] + f"]]({n})" + out[end:]
    return out


def feedback(drill: Any, attempt: DrillAttempt) -> str:
    verdict = "Passed" if attempt.passed else "Not passed"
    head = f"{verdict}: {attempt.score:.0f}/100\n"
    if attempt.kind == "schedule":
        return head + _schedule(attempt)
    return head + _draft(drill, attempt)


def _draft(drill: Any, attempt: DrillAttempt) -> str:
    r = attempt.result
    findings = r["findings"]
    lines = [f"Tone: empathy {r['empathy']:.0f}, de-escalation {r['deescalation']:.0f}"
             + (f"; reading grade {r['grade']:.0f}" if r.get("grade") is not None else ""), ""]
    lines.append("Your message, with what to change marked:")
    lines.append(_wrap(safe_text(marked(r["text"], findings))).rstrip("\n"))
    lines.append("")
    book = rulebook()
    if findings:
        for i, f in enumerate(findings, 1):
            rule = book.get(f["rule"])
            lines.append(f"({i}) {_MARK[f['severity']]}: {rule.title} [{rule.citation}]")
            lines.append(_wrap(safe_text(f["message"]), "    ").rstrip("\n"))
    else:
        lines.append("Nothing to change: every rule of this channel is met.")
    if drill is not None and drill.model:
        lines.append("")
        lines.append("A better message:")
        if drill.model_subject:
            lines.append(f"  Subject: {drill.model_subject}")
        lines.append(_wrap(drill.model.strip()).rstrip("\n"))
    return "\n".join(lines) + "\n"


def _schedule(attempt: DrillAttempt) -> str:
    book = rulebook()
    lines: list[str] = []
    for i, q in enumerate(attempt.result["questions"], 1):
        ans = q["answer"]
        said = "yes" if ans["allowed"] else "no" + (f" ({', '.join(ans['rules'])})" if ans["rules"] else "")
        right = "yes, you may" if q["allowed"] else "no"
        mark = "right" if q["right"] else ("half right" if q["yes_no_right"] else "wrong")
        lines.append(f"{i}. {safe_text(q['ask'])}")
        lines.append(f"   You said {said}; the answer is {right}. {mark.capitalize()}.")
        for b in q["breaches"]:
            rule = book.get(b["rule"])
            lines.append(_wrap(f"- {rule.title}: {b['reason']} [{rule.citation}]", "   ").rstrip("\n"))
        if not q["allowed"]:
            nxt = q["next_allowed"]
            lines.append(f"   Earliest allowed: {nxt.replace('T', ' ')} (office time)" if nxt
                         else "   Not allowed at any time in the next 92 days.")
            if ans["when"] and not q["when_right"]:
                lines.append(f"   Your time, {ans['when'].replace('T', ' ')}, is not allowed either.")
        lines.append("")
    return "\n".join(lines)
