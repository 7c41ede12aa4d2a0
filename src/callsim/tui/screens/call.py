"""The call: transcript, persona panel, mood meters, timer, and the reply box (or numbered choices).

Sending a reply shows it at once; the engine scores it in a thread worker, and the answer arrives as a
:class:`TurnScored` message. The turn then goes to the store (another worker) as it happens, so a call
cut off by closing the terminal can be resumed. In coaching mode each reply is followed by what was
detected (evidence highlighted in the reply), any violation, and the better alternative; in assessment
mode nothing is shown until the debrief, and the mood meters are hidden too.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from callsim.core.coaching import unanswered
from callsim.core.text import MAX_REPLY_CHARS, clean_reply
from callsim.tui import keys, render
from callsim.tui.messages import PasteTruncated, ReplySubmitted, TurnScored
from callsim.tui.services import TraineeServices, services
from callsim.tui.widgets import MoodMeters, PersonaPanel, ReplyBox, Transcript

if TYPE_CHECKING:
    from callsim.core.engine import Call
    from callsim.core.record import CallRecord
    from callsim.core.store_thread import SessionLog


class CallScreen(Screen[None]):
    BINDINGS = keys.bindings("Call")  # type: ignore[assignment]

    def __init__(self, call: Call, sessionlog: SessionLog, *, coaching: bool, guided: bool, note: str = "") -> None:
        super().__init__()
        self.call = call
        self.sessionlog = sessionlog
        self.coaching = coaching
        self.guided = guided
        self.note = note
        self.pending = False
        self.started = 0.0
        self.latencies: list[float] = []  # seconds from sending a reply to the answer painted (bench/)
        self._sent_at = 0.0
        self._pending_entry: Static | None = None
        self._debtor = call.scenario.persona.voice
        from callsim.core.rubric import load_rubric

        self._labels = {b.id: b.label for b in load_rubric().behaviours}

    @property
    def callsim(self) -> TraineeServices:
        return services(self.app)

    def compose(self) -> ComposeResult:
        yield Static(id="callbar")
        with Horizontal(id="call-body"):
            yield Transcript(id="transcript")
            with Vertical(id="sidebar"):  # the mood stays in view; what they have told you scrolls below it
                yield MoodMeters(id="mood")
                with VerticalScroll(id="persona-scroll"):
                    yield PersonaPanel(id="persona")
        with Vertical(id="answer"):
            yield OptionList(id="choices")
            with Horizontal(id="reply-row"):
                yield ReplyBox(id="reply", soft_wrap=True, tab_behavior="focus", show_line_numbers=False,
                               placeholder="Type your reply. Enter sends; a pasted block is one reply.")
                yield Button("Send", id="send", variant="primary")
            yield Button("Call over: see the debrief", id="to-debrief", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        self.started = self.callsim.clock()
        reply = self.query_one(ReplyBox)
        reply.cursor_blink = self.callsim.settings.cursor_blink
        self.query_one("#to-debrief").display = False
        self.watch(self.app, "guided", self._guided_changed, init=False)
        transcript = self.query_one(Transcript)
        if self.note:
            transcript.add(Content.styled(f"({render.clean(self.note)})", "italic $text-muted"), "note")
        for turn in self.call.turns:  # resumed or rewound: show what was said so far
            transcript.add(render.debtor(self._debtor, turn.debtor.text, turn.debtor.cues), "debtor")
            transcript.add(render.reply(turn.reply, turn.scores if self.coaching else None), "reply")
            if self.coaching:
                transcript.add(render.feedback(turn.scores, self._labels, question=unanswered(turn)), "coach")
        last = self.call.turns[-1].mood_before if self.call.turns else None
        self._show_state(last)
        if self.call.ended:
            self._ended()
        else:
            self._show_line()
        self._tick()
        self.set_interval(1.0, self._tick)

    # ---------------------------------------------------------------------------------- display
    def _tick(self) -> None:
        elapsed = self.callsim.clock() - self.started
        mode = "coaching" if self.coaching else "assessment"
        entry = "guided" if self.guided else "typing"
        self.query_one("#callbar", Static).update(Content.assemble(
            (render.clock(elapsed), "bold $text-primary"),
            f" · turn {len(self.call.turns) + (0 if self.call.ended else 1)} · {mode} · {entry} · ",
            (render.clean(self.call.scenario.title), "bold"),
        ))

    def _show_state(self, before: dict[str, float] | None) -> None:
        self.query_one(PersonaPanel).show(self.call.scenario, self.call.disclosed)
        self.query_one(MoodMeters).show(self.call.scenario, self.call.mood, before, hidden=not self.coaching)

    def _show_line(self) -> None:
        line = self.call.line
        self.query_one(Transcript).add(render.debtor(self._debtor, line.text, line.cues), "debtor")
        self._show_entry()

    def _show_entry(self) -> None:
        """Numbered choices (guided, where the node has them) or the reply box."""
        choices = self.call.choices if self.guided else []
        options = self.query_one("#choices", OptionList)
        options.clear_options()
        if choices:
            options.add_options([Option(Content.assemble((f"{i}. ", "bold"), render.clean(c.text)), id=str(i))
                                 for i, c in enumerate(choices, 1)])
            options.highlighted = 0
        options.display = bool(choices)
        self.query_one("#reply-row").display = not choices
        if self.guided and not choices and not self.call.ended:
            self.query_one(Transcript).add(Content.styled("(no numbered replies here: type your own)",
                                                          "italic $text-muted"), "note")
        (options if choices else self.query_one(ReplyBox)).focus()

    def on_key(self, event: events.Key) -> None:
        """Text typed while something else has focus (the transcript, scrolled with the mouse or tab) goes to
        the reply box rather than being lost: the box takes the focus and the letter. Keys the reply box
        handles itself never get here; bound keys (digits in guided mode, F-keys, ctrl) are left alone."""
        if not (event.is_printable and event.character) or event.key in self._bound:
            return
        box = self.query_one(ReplyBox)
        if box.has_focus or box.read_only or self.call.ended or not self.query_one("#reply-row").display:
            return
        self.set_focus(box)  # at once: the rest of a fast burst, queued for the old focus, follows it here
        box.insert(event.character)
        event.stop()
        event.prevent_default()

    @property
    def _bound(self) -> frozenset[str]:
        return frozenset(k.key for k in keys.KEYS if k.scope in ("Call", "Everywhere")) if self.guided \
            else frozenset(k.key for k in keys.KEYS if k.scope in ("Call", "Everywhere") and not k.key.isdigit())

    # ---------------------------------------------------------------------------------- a turn
    @on(ReplySubmitted)
    def _submitted(self, message: ReplySubmitted) -> None:
        self.send(message.text)

    @on(Button.Pressed, "#send")
    def _send_pressed(self) -> None:
        self.action_send()

    def action_send(self) -> None:
        self.send(self.query_one(ReplyBox).text)

    @on(PasteTruncated)
    def _truncated(self, message: PasteTruncated) -> None:
        self.notify(f"That paste was {message.original:,} characters; a reply can be {MAX_REPLY_CHARS:,}, "
                    f"so only the first {message.kept:,} were kept.", severity="warning", markup=False)

    def send(self, raw: str, choice: int | None = None) -> None:
        if self.pending or self.call.ended:
            return
        if choice is not None:
            text = self.call.choices[choice].text
        else:
            text, warning = clean_reply(raw)
            if not text:
                self.notify("Type a reply first (or F4 to end the call).", severity="warning")
                return
            if warning:
                self.notify(warning, severity="warning", markup=False)
            self.query_one(ReplyBox).clear()
        self.pending = True
        self._sent_at = time.perf_counter()
        self._pending_entry = self.query_one(Transcript).add(render.reply(text), "reply")
        self.score(text, choice)

    @work(thread=True, exclusive=True, group="score", exit_on_error=False)
    def score(self, text: str, choice: int | None) -> None:
        turn = self.call.respond(text, choice=choice)
        self.post_message(TurnScored(turn, self.call.state()))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "score" and event.state == WorkerState.ERROR:
            self.pending = False
            self.notify(f"That reply could not be scored: {event.worker.error}", severity="error", markup=False)

    @on(TurnScored)
    def _scored(self, message: TurnScored) -> None:
        turn = message.turn
        transcript = self.query_one(Transcript)
        if self.coaching and self._pending_entry is not None:
            self._pending_entry.update(render.reply(turn.reply, turn.scores))
            transcript.add(render.feedback(turn.scores, self._labels, question=unanswered(turn)), "coach")
        self.callsim.store_task(self.sessionlog.turn(turn, message.state), "saving the turn")
        self._show_state(turn.mood_before)
        self.pending = False
        if self.call.ended:
            if self.call.node.is_final:
                line = self.call.line
                transcript.add(render.debtor(self._debtor, line.text, line.cues), "debtor")
            self._ended()
        else:
            self._show_line()
        self._tick()
        sent = self._sent_at
        self.call_after_refresh(lambda: self.latencies.append(time.perf_counter() - sent))

    def _ended(self) -> None:
        record = self.call.record()
        if not self.sessionlog.finished:
            self.callsim.store_task(self.sessionlog.finish(record), "saving the call")
        self.query_one(Transcript).add(Content.assemble(
            ("Call over: ", "bold"), render.clean(record.outcome.label if record.outcome else "ended")), "note")
        self.query_one("#choices").display = False
        self.query_one("#reply-row").display = False
        button = self.query_one("#to-debrief", Button)
        button.display = True
        button.focus()

    @on(Button.Pressed, "#to-debrief")
    def _to_debrief(self) -> None:
        self.app.run_worker(self.callsim.show_debrief(self.call.record(), self.call.scenario,
                                                      session_id=self.sessionlog.session_id,
                                                      coaching=self.coaching), group="nav")

    # ---------------------------------------------------------------------------------- keys
    def action_choose(self, n: int) -> None:
        if self.guided and 1 <= n <= len(self.call.choices):
            self.send("", choice=n - 1)

    @on(OptionList.OptionSelected, "#choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.action_choose(int(event.option.id))

    def action_hint(self) -> None:
        if not self.coaching:
            self.notify("No hints in assessment mode: the debrief shows everything at the end.")
            return
        if self.call.ended:
            return
        rubric_ids = [b for b in self.call.node.expects if b in self._labels]
        from callsim.core.rubric import load_rubric

        rubric = load_rubric()
        rows = [Content.styled("Hint: a good reply here would show", "bold")]
        for bid in rubric_ids:
            b = rubric.get(bid)
            rows.append(Content.assemble(("\u2022 ", "bold"), (render.clean(b.label), "bold"), ": ",
                                         render.clean(b.tip)))
        if not rubric_ids:
            rows.append(Content("Listen, and respond to what they just said."))
        self.query_one(Transcript).add(Content("\n").join(rows), "hint")

    def _guided_changed(self, guided: bool) -> None:
        """F3 here (or g, or the palette) switches the app's own setting, saved like the library's g, so the
        choice holds after this call and on resume; this screen follows it."""
        self.guided = guided
        if not self.call.ended:
            self._show_entry()
        self._tick()

    def action_end_call(self) -> None:
        if self.call.ended or self.pending:
            return
        from callsim.tui.screens.dialogs import ConfirmDialog

        def answer(yes: bool | None) -> None:
            if yes and not self.call.ended and not self.pending:
                self.call.end_by_trainee()
                self._tick()
                self._ended()

        self.app.push_screen(ConfirmDialog("End the call now? It is scored as ended by you.", "End call"), answer)

    def action_restart(self) -> None:
        if self.pending:
            return
        if not self.call.ended:
            self.call.end_by_trainee()
            self.callsim.store_task(self.sessionlog.finish(self.call.record()), "saving the call")
        self.callsim.retry(self.call.scenario)

    def action_export(self) -> None:
        self._export(self.call.record())

    @work(thread=True, group="export")
    def _export(self, record: CallRecord) -> None:
        from callsim.core.exports.markdown import write_transcript

        path = write_transcript(record, self.call.scenario, when=self.callsim.now(), trainee=self.callsim.trainee,
                                coaching=self.coaching or self.call.ended)
        self.app.call_from_thread(self.notify, f"Transcript saved to {path}", markup=False)
