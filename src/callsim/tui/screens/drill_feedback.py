"""The feedback on a drill attempt: the verdict and score; for a draft, the draft with the problems marked,
each finding with its rule's title, citation and fix, and a better message; for "may I contact them now?",
each question right or wrong with the computed reasons and the earliest allowed time.

The same data as ``callsim.core.drills.render.feedback`` (the CLI's text), styled; meaning never rests on
colour alone (marks are numbered and underlined, verdicts are words). The app stores the attempt
(``save_drill_attempt``, which calls :meth:`DrillFeedbackScreen.saved`); where it went is shown at the end.
``r`` tries the drill again from what was written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from callsim.tui import keys, render
from callsim.tui.services import AttemptSaved, TraineeServices, services

if TYPE_CHECKING:
    from callsim.core.drills.attempt import DrillAttempt
    from callsim.core.drills.model import Drill

_MARK = {"breach": ("BREACH", "bold $text-error"), "advice": ("advice", "bold $text-warning"),
         "possible": ("possible", "bold $text-warning")}
_SPAN = {"breach": render.BAD, "advice": render.WEAK, "possible": render.WEAK}


def verdict_content(attempt: DrillAttempt) -> Content:
    mark = ("\u2713 Passed", "bold $text-success") if attempt.passed else ("\u2717 Not passed", "bold $text-error")
    return Content.assemble(mark, " ", (f"{attempt.score:.0f}/100", "bold"), "  ",
                            (render.clean(attempt.title), "$text-primary"))


def marked_draft(text: str, findings: list[dict[str, Any]]) -> Content:
    """The draft with each finding's words marked (underlined or reversed) and its number after them. Offsets
    are trusted only on the exact text that was checked; overlapping marks keep the first."""
    if render.clean(text) != text:
        return Content(render.clean(text))
    spans: list[tuple[int, int, int, str]] = []
    for n, f in enumerate(findings, 1):
        start, end = int(f.get("start", -1)), int(f.get("end", -1))
        if 0 <= start < end <= len(text) and not any(not (end <= a or start >= b) for a, b, _, _ in spans):
            spans.append((start, end, n, _SPAN.get(str(f.get("severity")), render.WEAK)))
    parts: list[str | tuple[str, str]] = []
    at = 0
    for start, end, n, style in sorted(spans):
        parts += [text[at:start], (text[start:end], style), (f"({n})", "bold")]
        at = end
    parts.append(text[at:])
    return Content.assemble(*parts)


Block = tuple[Content, str]
"""One paragraph of the feedback and its CSS class ("" or "indent": a finding's detail, hanging under it)."""


def draft_blocks(drill: Drill | None, attempt: DrillAttempt) -> list[Block]:
    from callsim.core.drills.rules import rulebook

    r = attempt.result
    findings: list[dict[str, Any]] = list(r.get("findings", []))
    book = rulebook()
    grade = f" · reading grade {r['grade']:.0f}" if r.get("grade") is not None else ""
    out: list[Block] = [
        (Content.assemble(("Tone  ", render.MUTED), f"empathy {r['empathy']:.0f} · de-escalation "
                                                    f"{r['deescalation']:.0f}{grade}"), ""),
        (Content.styled("Your message, with what to change marked" if findings else "Your message",
                        "bold underline"), "head"),
        (marked_draft(str(r["text"]), findings), "draft"),
    ]
    if findings:
        out.append((Content.styled("What to change", "bold underline"), "head"))
        for i, f in enumerate(findings, 1):
            word, style = _MARK.get(str(f["severity"]), (str(f["severity"]), "bold"))
            try:
                rule = book.get(str(f["rule"]))
                title, citation, fix = rule.title, rule.citation, rule.fix
            except KeyError:
                title, citation, fix = str(f["rule"]), "", ""
            out.append((Content.assemble((f"({i}) ", "bold"), (word, style), ": ", (render.clean(title), "bold"),
                                         (f"  [{citation}]" if citation else "", render.MUTED)), ""))
            message = render.clean(str(f["message"]))
            out.append((Content(message), "indent"))
            if fix and fix not in message:
                out.append((Content.assemble(("Fix: ", "bold"), render.clean(fix)), "indent"))
    else:
        out.append((Content.assemble(("\u2713 ", "bold $text-success"),
                                     "Nothing to change: every rule of this channel is met."), "head"))
    if drill is not None and drill.model:
        out.append((Content.styled("A better message", "bold underline"), "head"))
        if drill.model_subject:
            out.append((Content.assemble(("Subject: ", "bold"), render.clean(drill.model_subject)), ""))
        out.append((Content.styled(render.reflow(drill.model), "italic"), ""))
    return out


def schedule_blocks(attempt: DrillAttempt) -> list[Block]:
    from callsim.core.drills.rules import rulebook

    book = rulebook()
    questions = attempt.result.get("questions", [])
    right = sum(1 for q in questions if q["right"])
    out: list[Block] = [(Content.assemble(("Fully right  ", render.MUTED), f"{right} of {len(questions)}"), "")]
    for i, q in enumerate(questions, 1):
        ans = q["answer"]
        said = "yes" if ans["allowed"] else "no" + (f" ({', '.join(ans['rules'])})" if ans["rules"] else "")
        if ans.get("when"):
            said += f", from {ans['when'].replace('T', ' ')}"
        truth = "yes, you may" if q["allowed"] else "no"
        if q["right"]:
            mark = ("\u2713 Right", "bold $text-success")
        elif q["yes_no_right"]:
            mark = ("\u00bd Half right", "bold $text-warning")
        else:
            mark = ("\u2717 Wrong", "bold $text-error")
        out.append((Content.assemble((f"{i}. ", "bold"), (render.clean(q["ask"]), "bold")), "head"))
        out.append((Content.assemble(mark, f": you said {render.clean(said)}; the answer is ", (truth, "bold"), "."),
                    "indent"))
        if ans["rules"] and not q["rules_right"]:
            named = ", ".join(ans["rules"])
            out.append((Content.styled(f"The rules you named ({render.clean(named)}) are not the ones that forbid "
                                       "it, or not all of them do.", "$text-warning"), "indent"))
        for b in q["breaches"]:
            try:
                title = book.get(b["rule"]).title
            except KeyError:
                title = b["rule"]
            out.append((Content.assemble("- ", (render.clean(title), "bold"), (f" ({b['rule']})", render.MUTED),
                                         ": ", render.clean(b["reason"]),
                                         (f"  [{b.get('citation', '')}]", render.MUTED)), "indent"))
        if not q["allowed"]:
            nxt = q["next_allowed"]
            out.append((Content.assemble("Earliest allowed: ", (nxt.replace("T", " "), "bold"), " (office time)")
                        if nxt else Content("Not allowed at any time in the next 92 days."), "indent"))
            if ans.get("when") and not q["when_right"]:
                out.append((Content.styled(f"Your time, {ans['when'].replace('T', ' ')}, is not allowed either.",
                                           "$text-warning"), "indent"))
    return out


def feedback_text(drill: Drill | None, attempt: DrillAttempt) -> str:
    """The feedback as plain text (what the screen shows, without styles)."""
    blocks = schedule_blocks(attempt) if attempt.kind == "schedule" else draft_blocks(drill, attempt)
    return "\n".join(c.plain for c, _ in blocks)


def saved_content(saved: AttemptSaved | None) -> Content:
    if saved is None:
        return Content.styled("Saving this attempt…", "italic")
    if saved.id is not None:
        return Content.styled("Saved in your drill attempts (callsim drill attempts).", render.MUTED)
    if saved.kept is not None:
        return Content.assemble(("Not saved to the session store ", "bold $text-error"),
                                f"({render.clean(saved.problem)}). It is kept on this computer: ",
                                (str(saved.kept), "bold"))
    return Content.assemble(("Not saved ", "bold $text-error"),
                            f"({render.clean(saved.problem)}), and it could not be kept on this computer "
                            f"({render.clean(saved.lost)}).")


class DrillFeedbackScreen(Screen[None]):
    BINDINGS = keys.bindings("Drill feedback")  # type: ignore[assignment]

    def __init__(self, drill: Drill, attempt: DrillAttempt) -> None:
        super().__init__()
        self.drill = drill
        self.attempt = attempt
        self.saved_as: AttemptSaved | None = None

    @property
    def callsim(self) -> TraineeServices:
        return services(self.app)

    def compose(self) -> ComposeResult:
        a = self.attempt
        blocks = schedule_blocks(a) if a.kind == "schedule" else draft_blocks(self.drill, a)
        yield Static(verdict_content(a), id="feedback-bar", classes="bar")
        with VerticalScroll(id="feedback-body"):
            for content, kind in blocks:
                yield Static(content, classes=f"said {kind}".strip())
            yield Static(saved_content(self.saved_as), id="feedback-saved")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#feedback-body", VerticalScroll).focus()
        self.query_one("#feedback-saved", Static).update(saved_content(self.saved_as))  # it may have come already

    def saved(self, saved: AttemptSaved) -> None:
        """Where the app stored the attempt (called by the app once the store has answered)."""
        self.saved_as = saved
        if self.is_mounted and self.query("#feedback-saved"):
            self.query_one("#feedback-saved", Static).update(saved_content(saved))

    def action_retry(self) -> None:
        answer = self.attempt.answer
        if self.attempt.kind == "schedule":
            self.callsim.open_drill(self.drill, answers=[_answer_text(a) for a in answer.get("answers", [])])
        else:
            self.callsim.open_drill(self.drill, text=str(answer.get("text", "")),
                                    subject=str(answer.get("subject", "")))

    def action_back(self) -> None:
        self.app.pop_screen()


def _answer_text(answer: dict[str, Any]) -> str:
    """A stored answer back as the trainee would type it."""
    if answer.get("allowed"):
        return "yes"
    when = f" when {answer['when'].replace('T', ' ')}" if answer.get("when") else ""
    return " ".join(["no", *answer.get("rules", [])]) + when
