"""The preview screen: play a scenario file from any node, with the debug panel, while the file is edited.

The file is checked for changes twice a second (a ``stat``, nothing more); a change reloads it in a
thread worker and keeps the place (see :mod:`callsim.core.preview`). Replies are scored in a thread
worker too. Nothing here writes to the session store: a preview is not a practice call.

The screen works in the preview app (``callsim preview``) and pushed onto any other app: its own styles
come with it (``preview.tcss``), and Esc leaves it when there is a screen to go back to.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from callsim.core.preview import Preview, Reload, Setting
from callsim.core.text import clean_reply
from callsim.tui import render
from callsim.tui.messages import ReplySubmitted
from callsim.tui.preview.panel import DebugPanel, ProblemsPanel
from callsim.tui.widgets import ReplyBox, Transcript

if TYPE_CHECKING:
    from callsim.core.record import Turn
    from callsim.core.scorer import Scorer

POLL_SECONDS = 0.5


@dataclass
class PreviewLoaded(Message):
    """The file was read (first time, on a change, or on F5); ``reload`` says what happened to the call."""

    reload: Reload


@dataclass
class PreviewTurn(Message):
    """A reply was scored and the call moved on (posted from the scoring worker)."""

    turn: Turn


class PreviewRestarted(Message):
    """The call started again where the preview started (posted from the restart worker)."""


class NodePicker(ModalScreen[str | None]):
    """Choose a node to jump to (mood and flags are kept)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="preview.picker.cancel")]
    DEFAULT_CSS = """
    NodePicker { align: center middle; }
    NodePicker > Vertical { width: 80; max-width: 95%; height: auto; max-height: 80%; padding: 1 2;
                            border: thick $primary; background: $surface; }
    NodePicker OptionList { height: auto; max-height: 24; }
    """

    def __init__(self, preview: Preview) -> None:
        super().__init__()
        self.preview = preview

    def compose(self) -> ComposeResult:
        scenario = self.preview.scenario
        with Vertical():
            yield Static(Content.styled("Go to a node (mood and flags are kept; F4 restarts fresh)", "bold"))
            options = []
            if scenario is not None:
                current = self.preview.call.node_id if self.preview.call else None
                for nid, node in scenario.nodes.items():
                    tags = [t for t, on in (("start", nid == scenario.start), ("final", node.is_final),
                                            ("here", nid == current)) if on]
                    line = render.clean(node.say[0].text.strip().splitlines()[0] if node.say else "")
                    options.append(Option(Content.assemble(
                        (render.clean(nid), "bold"), (f" [{', '.join(tags)}]" if tags else "", render.MUTED),
                        ("  " + (line[:60] + "\u2026" if len(line) > 60 else line), "italic")), id=nid))
            yield OptionList(*options, id="pv-nodes")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PreviewScreen(Screen[None]):
    """Play ``path`` from ``node`` with ``settings`` (mood values and flags), reloading it as it changes."""

    CSS_PATH = "preview.tcss"
    BINDINGS = [
        Binding("f2", "goto_node", "Go to node", id="preview.goto", tooltip="Jump to any node, keeping mood and flags"),
        Binding("f3", "model_answer", "Model answer", id="preview.model_answer",
                tooltip="Send this node's first model answer"),
        Binding("f4", "restart", "Restart", id="preview.restart",
                tooltip="Start again where the preview started, in the state a call has there"),
        Binding("ctrl+r", "reload", "Reload", id="preview.reload", tooltip="Read the file again now"),
        Binding("ctrl+s", "send", "Send", id="preview.send", show=False, tooltip="Send the reply (enter also sends)"),
        Binding("escape", "leave", "Back", id="preview.back", show=False),
    ]

    def __init__(self, path: Path, *, node: str | None = None, settings: dict[str, Setting] | None = None,
                 seed: int = 1, poll: float | None = POLL_SECONDS, closable: bool = True,
                 scorer: Scorer | None = None) -> None:
        super().__init__()
        self.closable = closable
        self.preview = Preview(Path(path), seed=seed, scorer=scorer)
        self.first_node = node
        self.settings = dict(settings or {})
        self.poll = poll
        self.pending = False
        self.reading = False
        self.last_turn: Turn | None = None
        self._pending_entry: Static | None = None
        self._shown_line: tuple[str, str] | None = None

    # ---------------------------------------------------------------------------------- layout
    def compose(self) -> ComposeResult:
        yield Static(id="pv-bar")
        with Horizontal(id="pv-body"):
            with Vertical(id="pv-main"):
                yield Transcript(id="pv-transcript")
                with Horizontal(id="pv-reply-row"):
                    yield ReplyBox(id="pv-reply", soft_wrap=True, tab_behavior="focus", show_line_numbers=False,
                                   placeholder="Type a reply. Enter sends. F3 sends the model answer.")
                    yield Button("Send", id="pv-send", variant="primary")
            with VerticalScroll(id="pv-side"):
                yield DebugPanel(id="pv-debug")
        with VerticalScroll(id="pv-problems"):
            yield ProblemsPanel(id="pv-problems-text")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(ReplyBox).cursor_blink = bool(getattr(getattr(self.app, "settings", None), "cursor_blink", True))
        self.query_one("#pv-problems").display = False
        self.query_one("#pv-reply-row").display = False
        self._bar()
        self.load(first=True)
        if self.poll:
            self.set_interval(self.poll, self._watch)

    # ---------------------------------------------------------------------------------- loading
    def _watch(self) -> None:
        if not self.reading and self.preview.changed():
            self.load()

    @work(thread=True, group="preview-load", exclusive=True, exit_on_error=False)
    def load(self, first: bool = False) -> None:
        self.reading = True
        try:
            if first:
                loaded = self.preview.read()
                report = Reload(loaded, started=loaded)
            else:
                report = self.preview.reload()
            if report.started:
                try:
                    self.preview.start(self._first_node(report), self.settings)
                except ValueError as e:  # --set values the (now loaded) file does not take
                    report.notes.append(f"{e}: starting without it.")
                    self.preview.start(self._first_node(report))
            self.post_message(PreviewLoaded(report))
        finally:
            self.reading = False

    def _first_node(self, report: Reload) -> str | None:
        scenario = self.preview.scenario
        if self.first_node and scenario is not None and self.first_node not in scenario.nodes:
            from callsim.core.diagnostics import did_you_mean

            hint = did_you_mean(self.first_node, scenario.nodes)
            report.notes.append(f"No node '{self.first_node}' in the file.{hint} Starting at '{scenario.start}'.")
            self.first_node = None
        return self.first_node

    @on(PreviewLoaded)
    def _loaded(self, message: PreviewLoaded) -> None:
        report = message.reload
        transcript = self.query_one(Transcript)
        problems = self.preview.problems
        panel = self.query_one("#pv-problems")
        panel.display = bool(problems or self.preview.file_error)
        self.query_one(ProblemsPanel).show(problems, self.preview.file_error, playing=self.preview.call is not None)
        name = render.clean(self.preview.path.name)
        if report.started:
            transcript.add(Content.styled(f"(preview of {name})", "italic $text-muted"), "note")
            transcript.add(self._started_at("starting"), "note")
        elif report.loaded:
            where = self.preview.call.node_id if self.preview.call else "?"
            transcript.add(Content.styled(f"(reloaded {name}: at node '{where}')", "italic $text-muted"), "note")
        elif self.preview.call is not None:
            what = "cannot be read" if self.preview.file_error else "has errors"
            transcript.add(Content.styled(f"({name} {what}: still playing the last version that loaded)",
                                          "italic $text-warning"), "note")
            self.notify(f"{name} {what}: see the problems below.", severity="error", markup=False)
        for note in report.notes:
            transcript.add(Content.styled(f"({render.clean(note)})", "italic $text-warning"), "note")
        if report.moved:
            self.notify(report.notes[0] if report.notes else "The node is gone: back to the start.",
                        severity="warning", markup=False, timeout=8)
        if report.loaded:
            self._show_call(force_line=report.started or report.moved)
        self._refresh()

    # ---------------------------------------------------------------------------------- the call
    def _started_at(self, verb: str) -> Content:
        """ "(starting at node 'x'; state at 'x': as reached by walkthrough ... : identity_verified)" """
        call, state = self.preview.call, self.preview.state
        where = f"{verb} at node '{call.node_id if call else '?'}'"
        if call is not None and state is not None and state.node == call.node_id:
            where += f"; {state.summary()}"
        return Content.styled(f"({render.clean(where)})", "italic $text-muted")

    def _show_call(self, *, force_line: bool = False) -> None:
        call = self.preview.call
        if call is None:
            return
        line = call.line
        key = (line.node, line.text)
        if force_line or key != self._shown_line:
            name = call.scenario.persona.voice
            self.query_one(Transcript).add(render.debtor(name, line.text, line.cues), "debtor")
            self._shown_line = key
        ended = call.ended
        self.query_one("#pv-reply-row").display = not ended
        if ended:
            outcome = call.outcome
            label = outcome.label if outcome else "ended"
            self.query_one(Transcript).add(Content.assemble(("Call over: ", "bold"), render.clean(label),
                                                            (" \u2014 F4 restarts, F2 goes to a node", render.MUTED)),
                                           "note")
        else:
            self.query_one(ReplyBox).focus()

    def _refresh(self) -> None:
        self.query_one(DebugPanel).show(self.preview, self.last_turn)
        self._bar()

    def _bar(self) -> None:
        call = self.preview.call
        bits: list[str | tuple[str, str] | Content] = [("Preview", "bold $text-primary"), "  ",
                                                       (render.clean(self.preview.path.name), "bold")]
        if call is not None:
            bits += ["  node ", (render.clean(call.node_id), "bold"), f"  turn {len(call.turns) + 1}"]
        errors = sum(1 for d in self.preview.problems if d.is_error)
        if self.preview.file_error or errors:
            bits.append(("  file has problems", "bold $text-error"))
        if self.poll:
            bits.append(("  \u00b7 reloads on save", render.MUTED))
        self.query_one("#pv-bar", Static).update(Content.assemble(*bits))

    @on(ReplySubmitted)
    def _submitted(self, message: ReplySubmitted) -> None:
        message.stop()
        self.send(message.text)

    @on(Button.Pressed, "#pv-send")
    def _send_pressed(self) -> None:
        self.action_send()

    def action_send(self) -> None:
        self.send(self.query_one(ReplyBox).text)

    def action_model_answer(self) -> None:
        call = self.preview.call
        if call is None or call.ended:
            return
        if not call.node.model_answers:
            self.notify(f"Node '{call.node_id}' has no model answer.", severity="warning", markup=False)
            return
        self.send(call.node.model_answers[0].text)

    def send(self, raw: str) -> None:
        call = self.preview.call
        if self.pending or call is None or call.ended:
            return
        text, warning = clean_reply(raw)
        if not text:
            self.notify("Type a reply first (F3 sends the model answer).", severity="warning")
            return
        if warning:
            self.notify(warning, severity="warning", markup=False)
        self.query_one(ReplyBox).clear()
        self.pending = True
        self._pending_entry = self.query_one(Transcript).add(render.reply(text), "reply")
        self.score(text)

    @work(thread=True, group="preview-score", exclusive=True, exit_on_error=False)
    def score(self, text: str) -> None:
        self.post_message(PreviewTurn(self.preview.respond(text)))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        if event.worker.group in ("preview-score", "preview-restart"):
            self.pending = False
            what = "That reply could not be played" if event.worker.group == "preview-score" else "Could not restart"
            self.notify(f"{what}: {event.worker.error}", severity="error", markup=False)
        elif event.worker.group == "preview-load":
            self.notify(f"Could not load the file: {event.worker.error}", severity="error", markup=False)

    @on(PreviewTurn)
    def _turn(self, message: PreviewTurn) -> None:
        turn = message.turn
        self.pending = False
        self.last_turn = turn
        transcript = self.query_one(Transcript)
        if self._pending_entry is not None:
            self._pending_entry.update(render.reply(turn.reply, turn.scores))
            self._pending_entry = None
        route = turn.route
        why = f"when {route.when}" if route is not None and route.when else "the default route"
        if route is not None and route.index is None:
            why = f"end_when: {route.when}"
        goto = route.goto if route is not None else "?"
        transcript.add(Content.assemble(("\u2192 ", "bold"), (render.clean(goto), "bold"),
                                        (f"  ({render.clean(why)})", render.MUTED)), "note")
        self._show_call()
        self._refresh()

    # ---------------------------------------------------------------------------------- keys
    def action_reload(self) -> None:
        if not self.reading:
            self.load()

    def action_restart(self) -> None:
        if self.pending or self.preview.compiled is None:
            return
        self.pending = True  # no reply, jump or second restart until the call has started again
        self.restart()

    @work(thread=True, group="preview-restart", exclusive=True, exit_on_error=False)
    def restart(self) -> None:
        """Start again where the preview started: deriving that state replays walkthroughs, so not on the UI."""
        compiled = self.preview.compiled
        assert compiled is not None
        node = self.first_node if self.first_node in compiled.scenario.nodes else None
        try:
            self.preview.start(node, self.settings)
        except ValueError:
            self.preview.start(node)
        self.post_message(PreviewRestarted())

    @on(PreviewRestarted)
    def _restarted(self) -> None:
        self.pending = False
        self.last_turn = None
        self.query_one(Transcript).clear()
        self.query_one(Transcript).add(self._started_at("restarted"), "note")
        self._show_call(force_line=True)
        self._refresh()

    def action_goto_node(self) -> None:
        if self.pending or self.preview.compiled is None:
            return

        def chosen(node: str | None) -> None:
            if not node or self.preview.compiled is None:
                return
            keep = self.preview.call.state() if self.preview.call else None
            self.preview.start(node, keep=keep)
            self.last_turn = None
            self.query_one(Transcript).add(Content.styled(f"(jumped to node '{render.clean(node)}')",
                                                          "italic $text-muted"), "note")
            self._show_call(force_line=True)
            self._refresh()

        self.app.push_screen(NodePicker(self.preview), chosen)

    def action_leave(self) -> None:
        """Back to the screen below, when there is one to go back to (the preview app quits with ctrl+q)."""
        if self.closable:
            self.dismiss(None)
