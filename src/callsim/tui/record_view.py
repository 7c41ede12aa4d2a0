"""How a finished (or unfinished) call is shown: the verdict, the scores, the mood over the call, one turn in
detail, and the transcript. Shared by the trainee app's debrief and the review app's session screen, so
neither app imports the other's screens.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.content import Content

from callsim.core.coaching import unanswered
from callsim.tui import render

if TYPE_CHECKING:
    from callsim.core.engine import DebtorLine
    from callsim.core.models import Scenario
    from callsim.core.record import CallRecord, Turn


def verdict_content(record: CallRecord) -> Content:
    overall = record.scores.overall
    mark = record.pass_mark
    if not record.ended and record.outcome is None:
        return Content.assemble(("UNFINISHED", "bold reverse $text-warning"), f"  overall so far {overall:.0f}/100")
    if record.passed:
        head = Content.styled(" PASS \u2713 ", "bold reverse $text-success")
    else:
        head = Content.styled(" NOT PASSED \u2717 ", "bold reverse $text-error")
    from callsim.core.verdict import why_not_passed

    reasons = why_not_passed(record, short=True)
    why = f" · {reasons[0]}" if reasons else ""  # every reason, in full, is listed under the scores
    return Content.assemble(head, "  ", (f"{overall:.0f}/100", "bold"), f" (pass mark {mark:g}){why}")


def scores_content(record: CallRecord, scenario: Scenario) -> Content:
    rows: list[Content] = []
    for label, key in (("Empathy", "empathy"), ("De-escalation", "deescalation"),
                       ("Expected behaviours", "expectations_met"), ("Overall", "overall")):
        value = float(getattr(record.scores, key))
        rows.append(Content.assemble((f"{label:<20}", "bold"), (render.score_bar(value), "$text-primary"),
                                     f" {value:3.0f}/100"))
    from callsim.core.verdict import overall_arithmetic, why_not_passed

    rows.append(Content.styled("  " + overall_arithmetic(record), render.MUTED))
    for reason in why_not_passed(record):
        rows.append(Content.assemble(("  not passed: ", "bold $text-error"), render.clean(reason)))
    comp = record.compliance
    if comp.passed:
        rows.append(Content.assemble(("Compliance          ", "bold"), ("passed", "$text-success"),
                                     ": no violations"))
    else:
        rows.append(Content.assemble(("Compliance          ", "bold"),
                                     ("FAILED", "bold $text-error"), f": {len(comp.violations)} violation(s)"))
        for v in comp.violations:
            rows.append(Content.assemble(f"  turn {v.get('turn', '?')}: ", (render.clean(v["label"]), "bold"),
                                         f" ({v.get('severity', '')})"))
    for v in comp.possible:
        rows.append(Content.assemble(f"  turn {v.get('turn', '?')}: ", ("possible ", "bold $text-warning"),
                                     (render.clean(v["label"]), "bold"),
                                     (" (for review, not a fail)", render.MUTED)))
    if record.understanding:
        rows.append(Content.styled(render.clean(record.understanding), render.MUTED))
    label, result = (record.outcome.label, record.outcome.result) if record.outcome else ("not finished", "unfinished")
    rows.append(Content.assemble(("Outcome             ", "bold"), render.clean(label),
                                 (f" [{result}]", render.MUTED)))
    plan = record.plan
    if plan and plan.agreed:
        from callsim.core.money import format_money

        sym = scenario.debt.symbol
        amt, aff = format_money(plan.monthly, sym), format_money(plan.affordable, sym)
        if plan.sustainable:
            rows.append(Content.assemble(("Plan                ", "bold"),
                                         f"{amt} a month, within the {aff} they can afford: sustainable"))
        else:
            rows.append(Content.assemble(("Plan                ", "bold"),
                                         (f"{amt} a month, but they can afford {aff}: likely to break",
                                          "$text-warning")))
    from callsim.core.report import rules_cited

    for i, rule in enumerate(rules_cited(scenario)):  # the rules this call trains (the scenario's `rules:`)
        rows.append(Content.assemble(("Rules this call trains" if i == 0 else "", "bold"), "\n" if i == 0 else "",
                                     "  ", render.clean(rule)))
    return Content("\n").join(rows)


def mood_series(turns: Sequence[Turn], scenario: Scenario) -> dict[str, list[float]]:
    series: dict[str, list[float]] = {}
    for name, decl in scenario.mood.items():
        start = float(turns[0].mood_before.get(name, decl.start)) if turns else float(decl.start)
        series[name] = [start] + [float(t.mood.get(name, decl.start)) for t in turns]
    return series


def turn_detail(turn: Turn, labels: dict[str, str]) -> Content:
    head = Content.styled(f"Turn {turn.index}", "bold underline")
    debtor = render.debtor("They said", turn.debtor.text, turn.debtor.cues)
    return Content("\n").join([head, debtor, render.reply(turn.reply, turn.scores),
                               render.feedback(turn.scores, labels, question=unanswered(turn))])


def transcript_content(turns: Sequence[Turn], scenario: Scenario | None,
                       final: DebtorLine | None = None) -> Content:
    """The words of the call (without ``scenario``, the debtor is "Debtor"); ``final``: what the debtor said
    after the last reply (``engine.final_line``)."""
    name = scenario.persona.voice if scenario is not None else "Debtor"
    rows: list[Content] = []
    for t in turns:
        rows.append(render.debtor(name, t.debtor.text, t.debtor.cues))
        rows.append(render.reply(t.reply))
        rows.append(Content(""))
    if final is not None:
        rows.append(render.debtor(name, final.text, final.cues))
    if not rows:
        rows.append(Content.styled("No replies in this call.", "italic"))
    return Content("\n").join(rows)
