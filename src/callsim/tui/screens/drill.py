"""One drill: the brief at the top, then the trainee's answer.

- written and voicemail drills: a draft (and a subject line for email), submitted with ctrl+s;
- "may I contact them now?" drills: the contact log, the rule ids that may be named, and one answer per
  question ("yes", or "no RULE_IDS when YYYY-MM-DD HH:MM"). An answer the parser cannot read shows the
  parser's message under its question, and nothing is submitted until every answer reads.

The attempt is checked in a thread (a draft goes through the scorer: a few seconds the first time), then the
app shows the feedback (``screens/drill_feedback.py``) in this screen's place and stores the attempt.
Only F-keys and ctrl+letter keys are bound here: the trainee is typing.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Static
from textual.worker import Worker, WorkerState

from callsim.core.text import MAX_REPLY_CHARS
from callsim.tui import keys, render
from callsim.tui.messages import DrillChecked, PasteTruncated
from callsim.tui.screens.drills import CHANNELS
from callsim.tui.services import TraineeServices, services
from callsim.tui.widgets import CleanTextArea

if TYPE_CHECKING:
    from callsim.core.drills.attempt import Answer
    from callsim.core.drills.model import Drill
    from callsim.core.drills.schedule import ContactCase

ANSWER_HELP = ('Answer "yes", or "no" with the rule ids that forbid it and, if you know it, "when YYYY-MM-DD HH:MM" '
               "(office time). For example: no us_hours when 2026-03-11 14:00")
_FACTS = (("agent", "You are"), ("business", "You work for"), ("message_name", "Name for messages"),
          ("creditor", "Creditor"), ("consumer", "Customer"), ("phone", "Your number"))
_MEDIUM = {"call": "calls", "sms": "texts", "email": "email", "any": "any contact"}
_EVENT = {"call": "call placed, no conversation", "conversation": "call placed: you talked",
          "incoming": "they called you: you talked", "consent": "they agreed to be called",
          "opt_out": "they asked not to be contacted", "text": "text sent", "email": "email sent"}
_SOURCE = {"consumer_used": "they used it with you", "consumer_consent": "they agreed to it",
           "creditor_notice": "from the creditor, with notice", "unknown": "source unknown"}
_PREF = {"avoid": "no {medium} {window}", "only": "{medium} only {window}", "asked": "they asked for {medium} {window}"}


def when(t: dt.datetime) -> str:
    return t.strftime("%a %d %b %Y %H:%M")


def brief_content(drill: Drill) -> Content:
    """The situation, what the customer wrote, and what is on the collector's screen (names, numbers)."""
    rows = [Content(render.reflow(drill.brief))]
    if drill.debtor_wrote:
        rows += [Content(""), Content.styled("They wrote", "bold underline"),
                 Content.styled(render.reflow(drill.debtor_wrote), "italic")]
    facts = [(label, drill.facts[key]) for key, label in _FACTS if drill.facts.get(key)]
    if facts:
        width = max(len(label) for label, _ in facts) + 2
        rows += [Content(""), Content.styled("On your screen", "bold underline")]
        rows += [Content.assemble((f"{label:<{width}}", render.MUTED), render.clean(value)) for label, value in facts]
    return Content("\n").join(rows)


def case_content(case: ContactCase) -> Content:
    """The contact log as a collector's screen shows it: places, what they said, addresses, the log."""
    rows = [Content.styled(f"Contact log (times are office time, {case.office_tz})", "bold underline")]
    places = "; ".join(f"{render.clean(p.name)} ({p.tz})" for p in case.places)
    rows.append(Content.assemble(("They may be in  ", render.MUTED), places))
    if case.state:
        rows.append(Content.assemble(("State  ", render.MUTED), f"{case.state}: its own rules apply too"))
    for p in case.preferences:
        where = f" in {render.clean(p.window.place)}" if p.window.place and len(case.places) > 1 else ""
        said = f" (said {when(p.said)})" if p.said else ""
        rows.append(Content.assemble(("They said  ", render.MUTED), (_PREF[p.kind].format(
            medium=_MEDIUM[p.medium], window=p.window.describe()) + where, "bold"), said))
        if p.words:
            rows.append(Content.styled(f"  \u201c{render.clean(p.words)}\u201d", "italic"))
    for a in case.addresses:
        rows.append(Content.assemble(("On file  ", render.MUTED), f"{a.id}: {CHANNELS.get(a.medium, a.medium)} ",
                                     render.clean(a.value), f" ({_SOURCE[a.source]}"
                                     + (", provided by their employer" if a.work else "") + ")"))
    if case.breathing_space is not None:
        bs = case.breathing_space
        end = f" to {bs.end:%a %d %b %Y}" if bs.end else ", no end date yet"
        rows.append(Content.assemble(("Breathing Space  ", render.MUTED), f"from {bs.start:%a %d %b %Y}{end}"))
    if case.events:
        rows.append(Content.styled("Log", "bold"))
        for e in sorted(case.events, key=lambda e: e.at):
            extra = [x for x in (f"by {_MEDIUM[e.medium]}" if e.kind == "opt_out" else "",
                                 f"at {e.address}" if e.address else "", render.clean(e.note)) if x]
            rows.append(Content.assemble(f"  {when(e.at)}  ", _EVENT[e.kind],
                                         (f" ({', '.join(extra)})" if extra else "", render.MUTED)))
    else:
        rows.append(Content.styled("Log: nothing yet", render.MUTED))
    return Content("\n").join(rows)


def rules_content(rule_ids: list[str]) -> Content:
    from callsim.core.drills.rules import rulebook

    book = rulebook()
    width = max((len(r) for r in rule_ids), default=0) + 2
    rows = [Content.styled("Rules you may name", "bold underline")]
    rows += [Content.assemble((f"{r:<{width}}", "bold"), render.clean(book.get(r).title)) for r in rule_ids]
    rows.append(Content.styled(ANSWER_HELP, render.MUTED))
    return Content("\n").join(rows)


class DrillScreen(Screen[None]):
    BINDINGS = keys.bindings("Drill")  # type: ignore[assignment]

    def __init__(self, drill: Drill, *, text: str = "", subject: str = "", answers: list[str] | None = None) -> None:
        super().__init__()
        self.drill = drill
        self._text = text
        self._subject = subject
        self._answers = answers or []
        self.pending = False
        self.rule_ids: list[str] = []
        if drill.kind == "schedule":
            from callsim.core.drills.attempt import schedule_rules

            self.rule_ids = schedule_rules(drill)

    @property
    def callsim(self) -> TraineeServices:
        return services(self.app)

    @property
    def schedule(self) -> bool:
        return self.drill.kind == "schedule"

    def compose(self) -> ComposeResult:
        from callsim.core.drills.model import KIND_LABELS

        d = self.drill
        kind = CHANNELS.get(d.channel, d.channel) if d.channel else KIND_LABELS[d.kind]
        yield Static(Content.assemble((f"{d.jurisdiction} · {kind}", "bold"), "  ",
                                      (render.clean(d.title), "bold $text-primary")), id="drill-bar", classes="bar")
        if self.schedule:
            assert d.case is not None
            with VerticalScroll(id="drill-questions"):
                yield Static(Content("\n\n").join([brief_content(d), case_content(d.case),
                                                   rules_content(self.rule_ids)]), id="drill-brief")
                for i, q in enumerate(d.questions):
                    with Vertical(classes="question"):
                        yield Static(Content.assemble((f"{i + 1}. ", "bold"), render.clean(q.ask)), classes="ask")
                        yield Input(self._answers[i] if i < len(self._answers) else "", id=f"answer-{i}",
                                    placeholder="yes, or no RULE_IDS when YYYY-MM-DD HH:MM", classes="answer",
                                    select_on_focus=False)
                        yield Static(id=f"problem-{i}", classes="problem")
        else:
            with VerticalScroll(id="drill-top"):
                yield Static(brief_content(d), id="drill-brief")
            if d.channel == "email":
                yield Input(self._subject, id="subject", placeholder="Subject line")
            placeholder = ("Say the message as you would leave it" if d.kind == "voicemail"
                           else f"Write the {CHANNELS.get(d.channel or '', 'message')}")
            yield CleanTextArea(self._text, id="draft", soft_wrap=True, tab_behavior="focus", show_line_numbers=False,
                                placeholder=placeholder + ". Enter starts a new line; ctrl+s submits.")
        with Horizontal(id="drill-actions"):
            yield Button("Submit", id="submit", variant="primary", compact=True)
            yield Static(id="drill-status")
        yield Footer()

    def on_mount(self) -> None:
        if self.schedule:
            for i in range(len(self.drill.questions)):
                self.query_one(f"#problem-{i}", Static).display = False
            # The brief and the contact log come first (at 80x24 the first answer box would scroll them away);
            # typing goes to the first unanswered question (on_key).
            self.query_one("#drill-questions", VerticalScroll).focus()
        else:
            draft = self.query_one("#draft", CleanTextArea)
            draft.cursor_blink = self.callsim.settings.cursor_blink
            draft.move_cursor(draft.document.end)
            subject = self.query("#subject").results(Input)
            first = next(subject, None)
            (first if first is not None and not first.value else draft).focus()
        hint = "tab or type: the first answer · " if self.schedule else ""
        self._status(f"{hint}{keys.display(self.callsim.effective_key('drill.submit'))} submits · "
                     f"{keys.display(self.callsim.effective_key('drill.back'))} back to the drills")

    def on_key(self, event: events.Key) -> None:
        """A letter typed while the brief has the focus (read with the arrows) goes to the first unanswered
        question, not nowhere; so do the letters typed fast after it (they were queued for the brief). An
        answer box handles its own letters, which never get here."""
        if not (self.schedule and event.is_printable and event.character):
            return
        answers = list(self.query(".answer").results(Input))
        if isinstance(self.focused, VerticalScroll):
            target = next((a for a in answers if not a.value.strip()), answers[0])
        elif isinstance(self.focused, Input) and self.focused in answers:
            target = self.focused  # the rest of a fast burst, queued for the brief before the answer took focus
        else:
            return
        self.set_focus(target)
        target.insert_text_at_cursor(event.character)
        event.stop()
        event.prevent_default()

    def _status(self, text: str, style: str = render.MUTED) -> None:
        self.query_one("#drill-status", Static).update(Content.styled(text, style))

    # ------------------------------------------------------------------------------- schedule answers
    def parse(self, i: int) -> Answer | None:
        """Question ``i``'s answer, or None with the parser's message shown under it."""
        from callsim.core.drills.attempt import parse_answer

        problem = self.query_one(f"#problem-{i}", Static)
        try:
            answer = parse_answer(self.query_one(f"#answer-{i}", Input).value, valid=set(self.rule_ids))
        except ValueError as e:
            problem.update(Content.assemble(("! ", "bold $text-error"), render.clean(str(e))))
            problem.display = True
            return None
        problem.display = False
        return answer

    @on(Input.Submitted, ".answer")
    def _answered(self, event: Input.Submitted) -> None:
        """Enter in an answer checks it; a good one moves on to the next question (after the last, to Submit)."""
        i = int((event.input.id or "answer-0").rpartition("-")[2])
        if self.parse(i) is None:
            return
        n = len(self.drill.questions)
        nxt = self.query_one(f"#answer-{i + 1}", Input) if i + 1 < n else self.query_one("#submit", Button)
        nxt.focus()

    # ------------------------------------------------------------------------------- submitting
    @on(Button.Pressed, "#submit")
    def _submit_pressed(self) -> None:
        self.action_submit()

    @on(PasteTruncated)
    def _truncated(self, message: PasteTruncated) -> None:
        self.notify(f"That paste was {message.original:,} characters; a draft can be {MAX_REPLY_CHARS:,}, "
                    f"so only the first {message.kept:,} were kept.", severity="warning", markup=False)

    def action_submit(self) -> None:
        if self.pending:
            return
        if self.schedule:
            answers = [self.parse(i) for i in range(len(self.drill.questions))]
            bad = [i for i, a in enumerate(answers) if a is None]
            if bad:
                self.query_one(f"#answer-{bad[0]}", Input).focus()
                which = ", ".join(str(i + 1) for i in bad)
                what = f"answer {which} cannot" if len(bad) == 1 else f"answers {which} cannot"
                self.notify(f"Nothing was submitted: {what} be read (see under the question).",
                            severity="warning", markup=False)
                return
            self.pending = True
            self._status("Checking your answers…", "italic")
            self.check_schedule([a for a in answers if a is not None])
            return
        text = self.query_one("#draft", CleanTextArea).text
        subject = self.query_one("#subject", Input).value if self.query("#subject") else ""
        if not text.strip():
            self.notify("Write the message first (ctrl+s submits it).", severity="warning")
            return
        if len(text) > MAX_REPLY_CHARS:
            self.notify(f"Your draft is {len(text):,} characters; only the first {MAX_REPLY_CHARS:,} are checked.",
                        severity="warning", markup=False)
        self.pending = True
        self._status("Checking your draft… (a few seconds the first time)", "italic")
        self.check_draft(text, subject)

    @work(thread=True, exclusive=True, group="check", exit_on_error=False)
    def check_draft(self, text: str, subject: str) -> None:
        from callsim.core.drills.attempt import attempt_draft

        self.post_message(DrillChecked(attempt_draft(self.drill, text, subject, trainee=self.callsim.trainee or "")))

    @work(thread=True, exclusive=True, group="check", exit_on_error=False)
    def check_schedule(self, answers: list[Answer]) -> None:
        from callsim.core.drills.attempt import attempt_schedule

        self.post_message(DrillChecked(attempt_schedule(self.drill, answers, trainee=self.callsim.trainee or "")))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "check" and event.state == WorkerState.ERROR:
            self.pending = False
            self._status("Not checked: see the message.", "$text-error")
            self.notify(f"That could not be checked: {event.worker.error}", severity="error", markup=False)

    @on(DrillChecked)
    def _checked(self, message: DrillChecked) -> None:
        self.callsim.show_drill_feedback(self.drill, message.attempt)

    # ------------------------------------------------------------------------------- leaving
    def typed(self) -> bool:
        if self.schedule:
            return any(i.value.strip() for i in self.query(".answer").results(Input))
        subject = self.query("#subject").results(Input)
        return bool(self.query_one("#draft", CleanTextArea).text.strip() or any(s.value.strip() for s in subject))

    def action_back(self) -> None:
        if not self.typed() or self.pending:
            self.app.pop_screen()
            return
        from callsim.tui.screens.dialogs import ConfirmDialog

        def answer(yes: bool | None) -> None:
            if yes:
                self.app.pop_screen()

        self.app.push_screen(ConfirmDialog("Leave this drill? What you typed is not kept.", "Leave"), answer)
