"""The callsim app: library -> brief -> call -> debrief, plus My sessions, Help and the command palette.

The app owns what outlives a screen: the settings, the trainee, the scenario catalog, the session store
(on its own thread, see :mod:`callsim.core.store_thread`) and the feedback mode. Screens call its navigation
methods; widgets tell their screen what happened with messages.

Startup is kept short: the first frame needs only Textual, this package and the settings (read without
pydantic). The cards are read from the scenarios' YAML headers on a thread started in ``__init__`` and
are in the library's first frame. Only once that frame is drawn (Textual's Ready event) does the rest
start, on other threads: the store (SQLAlchemy), validating every scenario, the engine and the scorer;
started earlier they would take the GIL from the first frame. The app logs how long it took from launch
to the library on screen.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, wait
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from textual import work
from textual.app import App, SystemCommand
from textual.reactive import reactive
from textual.screen import Screen

from callsim.config import Config, check_keymap, did_you_mean, save_config
from callsim.core.cards import Card, Catalog, ScenarioProblem
from callsim.core.journal import UNSAVED_EXIT
from callsim.core.sessions import WHAT_IF
from callsim.core.store_thread import NotSaved, Recorder, SessionLog, StoreOpener, default_opener
from callsim.tui import keys
from callsim.tui.messages import LibraryShown
from callsim.tui.services import AttemptSaved
from callsim.tui.terminal import exit_when_terminal_closes
from callsim.tui.themes import DARK, LIGHT

if TYPE_CHECKING:
    from callsim.core.drills.attempt import DrillAttempt
    from callsim.core.drills.model import Drill
    from callsim.core.engine import Call, CompiledScenario
    from callsim.core.models import Scenario
    from callsim.core.record import CallRecord
    from callsim.core.sessions import SessionDetails
    from callsim.tui.services import TraineeServices

log = logging.getLogger("callsim.tui")
T = TypeVar("T")


def unsaved_message(logs: list[SessionLog]) -> str:
    """What the app prints on quitting with calls not yet in the session store."""
    n = len(logs)
    where = ", ".join(str(one.journal_path) for one in logs if one.journal_path) or "nowhere (the journal failed)"
    return (f"callsim: {n} call{'' if n == 1 else 's'} not saved in the session store yet ({logs[0].problem}). "
            f"Kept on this computer: {where}. They are saved the next time callsim reaches the store "
            "(callsim sessions, play or run).")


def keep_attempt(attempt: Mapping[str, Any], error: BaseException, url: str | None = None) -> AttemptSaved:
    """A drill attempt the store did not take, kept as ``callsim drill play`` keeps one (core.journal: a JSON
    file in the journal folder, saved the next time callsim reaches the store), never dropped silently."""
    from callsim.core.journal import keep_attempt as keep
    from callsim.core.store import plain_reason, store_target  # the store module: loaded by the store thread

    reason = plain_reason(error) if isinstance(error, Exception) else str(error)
    try:
        path = keep(dict(attempt), store_target(url))
    except OSError as e:
        return AttemptSaved(problem=reason, lost=e.strerror or str(e))
    return AttemptSaved(kept=path, problem=reason)


def save_or_keep(recorder: Recorder, attempt: Mapping[str, Any]) -> AttemptSaved:
    """On the store thread: the attempt into the store, else kept in the journal folder."""
    try:
        return AttemptSaved(id=recorder.open_store().save_attempt(dict(attempt)))
    except Exception as e:  # noqa: BLE001 - whatever the store's fault, the attempt is kept and the trainee told
        return keep_attempt(attempt, e, recorder.url)


class CallsimApp(App[int]):
    CSS_PATH = "callsim.tcss"
    TITLE = "callsim"
    SUB_TITLE = "practise difficult debt-collection calls"
    BINDINGS = keys.bindings("Everywhere")  # type: ignore[assignment]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]  # 24 rows: a shorter reply box, more transcript

    feedback: reactive[str] = reactive("coaching")
    """coaching (feedback after every reply) or assessment (nothing until the debrief)."""
    guided: reactive[bool] = reactive(False)
    """Numbered replies to pick from instead of typing."""
    library_cards: reactive[list[Card]] = reactive(list, always_update=True)
    """The library's cards once read (the library screen watches it)."""
    best: reactive[dict[str, tuple[float, bool]]] = reactive(dict, always_update=True)
    """The trainee's best result per scenario (overall, passed), for the library cards (the library screen
    watches it)."""

    def __init__(
        self,
        settings: Config | None = None,
        *,
        trainee: str | None = None,
        scenario: str | None = None,
        seed: int = 1,
        store: StoreOpener | None = None,
        db: str | None = None,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = datetime.now,
        launched: float | None = None,
        feedback: str | None = None,
        guided: bool | None = None,
        compiler: Callable[[Scenario], CompiledScenario] | None = None,
        resume: str | None = None,
        gc_paused: bool = False,
    ) -> None:
        super().__init__()
        self.settings = settings or Config()
        self.trainee = trainee or self.settings.trainee
        self.trainee_from_cli = trainee is not None
        self.requested = scenario
        self.seed = seed
        self.clock = clock
        self.now = now
        self.launched = launched if launched is not None else time.perf_counter()
        self.startup_seconds: float | None = None
        extra = [scenario] if scenario and (scenario.endswith((".yaml", ".yml")) or "/" in scenario) else None
        self.catalog = Catalog(extra=extra)
        self._cards_read = self.catalog.load_cards_in_background()  # about 5 ms; done by the first screen
        self._cards_in_first_frame = False
        self.cards_ready = asyncio.Event()
        self.first_frame = asyncio.Event()  # the library with its cards has been drawn once
        self.recorder = Recorder(store or default_opener(db), url=db)
        self.store_failed = False
        self.saves_failing = ""  # "kept": turns go to the journal; "lost": not even there (each told once)
        self._compile = compiler
        self.resume_request = resume  # "" resumes the latest unfinished call, an id that session
        self._gc_paused = gc_paused  # run_app paused garbage collection until the first frame
        self.set_reactive(CallsimApp.feedback, feedback or self.settings.feedback)
        self.set_reactive(CallsimApp.guided, self.settings.guided if guided is None else guided)

    # ------------------------------------------------------------------------------------ startup
    def get_default_screen(self) -> Screen[Any]:
        """The library is the first screen (and stays at the bottom of the stack)."""
        self.register_theme(LIGHT)
        self.register_theme(DARK)
        theme = self.settings.theme
        if theme not in self.available_themes:
            self.call_later(self.notify, f"No theme '{theme}'.{did_you_mean(theme, self.available_themes)} "
                            f"Using {LIGHT.name}.", severity="warning", markup=False)
            theme = LIGHT.name
        self.theme = theme
        from callsim.tui.screens.library import LibraryScreen  # about 4 ms

        # Wait a moment for the cards (read on a thread since __init__, about 5 ms) so the first frame shows
        # them; a slow folder gets "Loading scenarios…" first and the cards when they come.
        done, _ = wait([self._cards_read], timeout=0.1)
        if done:
            self._cards_read.result()  # a failure to read them stops the app, as in the worker
            self._cards_in_first_frame = bool(self.catalog.cards)
            return LibraryScreen(self.catalog.cards)
        return LibraryScreen()

    def on_mount(self) -> None:
        exit_when_terminal_closes(self, before=self._finish_writes)
        for problem in check_keymap(self.settings.keymap, keys.BY_ID):
            self.notify(problem, severity="warning", markup=False, timeout=10)
        self.set_keymap({k: v for k, v in self.settings.keymap.items() if k in keys.BY_ID})
        if self._cards_read.done():  # the library was made with the cards: they are in the first frame
            self._cards_loaded()
        else:
            self.load_cards()
        if self.trainee:
            self.after_trainee()
        else:
            from callsim.tui.screens.dialogs import NameDialog  # about 1 ms; only for a new trainee

            self.push_screen(NameDialog(), self._got_name)

    @work(group="catalog")
    async def load_cards(self) -> None:
        await asyncio.wrap_future(self._cards_read)
        self._cards_loaded()

    def _cards_loaded(self) -> None:
        self.cards_ready.set()
        self.library_cards = list(self.catalog.cards)
        if not self.catalog.cards:  # no LibraryShown to wait for: go on with the rest of startup
            self._after_first_frame()

    def on_ready(self) -> None:
        """Textual's first frame has been drawn: with the cards in it, when the library was made with them."""
        if self._cards_in_first_frame:  # else LibraryShown says when they are drawn
            self._after_first_frame(len(self.catalog.cards))

    def on_library_shown(self, message: LibraryShown) -> None:
        self._after_first_frame(message.count)

    def _after_first_frame(self, count: int = 0) -> None:
        """The library has been drawn: log the startup time, then start what the first frame did not need.

        The store (SQLAlchemy: about 0.3 s to import and open) and validating every scenario (pydantic
        models, about 40 ms a file) run on other threads; started any earlier they would hold the GIL
        while the first frame is being drawn."""
        if self.first_frame.is_set():
            return
        if count:
            self.startup_seconds = time.perf_counter() - self.launched
            log.info("startup: library on screen %.3f s after launch (%d scenarios)", self.startup_seconds, count)
            self.log.info(f"startup: library on screen {self.startup_seconds:.3f} s after launch")
        if self._gc_paused:
            self._gc_paused = False
            gc.enable()
        self.first_frame.set()  # after_trainee goes on: best results, then an unfinished call to resume
        self.warm_up()

    @work(thread=True, group="catalog")
    def warm_up(self) -> None:
        """What the first call needs, off the UI thread: validation, the engine, the scorer."""
        self.catalog.validate_all()
        import callsim.core.walkthrough  # noqa: F401  (engine, scorer, models, transitions: about 0.19 s)

    def _got_name(self, name: str | None) -> None:
        if not name:
            self.exit(0)
            return
        self.trainee = name
        self.save_settings(trainee=name)
        self.after_trainee()

    @work(group="startup")
    async def after_trainee(self) -> None:
        """Offer an unfinished call for resume, then open the scenario asked for on the command line."""
        await self.first_frame.wait()
        self.refresh_best()
        trainee = self.trainee or ""
        try:
            unfinished = await self.store(lambda s: s.unfinished(trainee=trainee))
        except Exception as e:  # noqa: BLE001 - shown to the trainee, the app goes on without resume
            self.store_problem(e)
            unfinished = []
        if self.resume_request is not None:
            wanted = self.resume_request
            match = [u for u in unfinished if not wanted or str(u.id).startswith(wanted)]
            if match:
                self.resume_session(str(match[0].id), "resume")
            else:
                self.notify(f"No unfinished call {wanted} to resume." if wanted else "No unfinished call to resume.",
                            severity="warning", markup=False)
                self.open_requested()
            return
        if unfinished:
            from callsim.tui.screens.dialogs import ResumeDialog

            latest = unfinished[0]
            card = self.catalog.find(str(latest.scenario_id))
            title = card.title if card else str(latest.scenario_id)
            self.push_screen(ResumeDialog(latest, title), lambda answer: self._resume_answer(str(latest.id), answer))
            return
        self.open_requested()

    def open_requested(self) -> None:
        if not self.requested:
            return
        card = self.catalog.find(self.requested)
        if card is None:
            ids = [c.id for c in self.catalog.cards]
            self.notify(f"No scenario '{self.requested}'.{did_you_mean(self.requested, ids)}",
                        severity="error", markup=False)
            return
        self.open_brief(card)

    def _resume_answer(self, session_id: str, answer: str | None) -> None:
        if answer in ("resume", "end"):
            self.resume_session(session_id, answer)
        else:
            self.open_requested()

    @work(group="startup")
    async def resume_session(self, session_id: str, answer: str) -> None:
        """Resume an unfinished call where it stopped, or end it (scored as ended by the trainee)."""
        try:
            summary = await self.store(lambda s: s.get(session_id).summary)
            sid = str(summary.id)
            state = await self.store(lambda s: s.resume_state(sid))
        except Exception as e:  # noqa: BLE001
            self.store_problem(e)
            return
        card = self.catalog.find(str(summary.scenario_id))
        if card is None:
            self.notify(f"The scenario '{summary.scenario_id}' of that call is no longer in the library.",
                        severity="error", markup=False)
            return
        from callsim.core import sessions

        try:
            scenario = await asyncio.to_thread(self.catalog.scenario, card.path)
            call, details = sessions.resume(self.compiled(scenario), summary, state, to_end=answer == "end")
        except sessions.CannotResume as e:
            hint = "; end it and start again" if scenario.version != summary.scenario_version else ""
            self.notify(f"Cannot resume that call: {e}{hint}", severity="error", markup=False)
            return
        except Exception as e:  # noqa: BLE001 - a scenario that no longer loads
            self.notify(f"Cannot resume that call: {e}", severity="error", markup=False)
            return
        sessionlog = SessionLog(self.recorder, **details.kwargs())
        if answer == "end":
            call.end_by_trainee()
            self.store_task(sessionlog.finish(call.record()), "ending the unfinished call")
            self.notify("The unfinished call was ended and saved in My sessions.")
            self.open_requested()
            return
        await self.goto_call(call, sessionlog, coaching=summary.mode != "assessment",
                             note=f"resumed after {len(call.turns)} repl{'y' if len(call.turns) == 1 else 'ies'}")

    def compiled(self, scenario: Scenario) -> CompiledScenario:
        """The scenario's compiled machine (built once per scenario and shared by its calls)."""
        if self._compile is not None:
            return self._compile(scenario)
        from callsim.core.walkthrough import compiled_for  # about 0.19 s cold; warm_up loads it first

        return compiled_for(scenario)

    # ------------------------------------------------------------------------------------ store
    async def store(self, fn: Callable[[Any], T]) -> T:
        """Run ``fn(store)`` on the store thread and wait for it without blocking the screen."""
        return await asyncio.wrap_future(self.recorder.submit(fn))

    def store_task(self, future: Future[Any], what: str) -> None:
        """Watch a store write in a worker; say so (once) if it fails."""

        async def watch() -> None:
            try:
                await asyncio.wrap_future(future)
            except NotSaved as e:  # kept in the journal: say so at once (again only if that changes)
                log.warning("store problem while %s: %s", what, e)
                kept = "could not be kept" not in str(e)
                if self.saves_failing != ("kept" if kept else "lost"):
                    self.saves_failing = "kept" if kept else "lost"
                    self.notify(f"This call could not be saved to the session store: {e}. Practice goes on.",
                                severity="error", timeout=15, markup=False)
            except Exception as e:  # noqa: BLE001
                self.store_problem(e, what)
            else:
                if self.saves_failing and not self.recorder.unsaved():
                    self.saves_failing = ""
                    self.notify("The session store is back: every turn is saved.", markup=False)

        self.run_worker(watch(), group="store", exit_on_error=False)

    def store_problem(self, error: BaseException, what: str = "reading your sessions") -> None:
        log.warning("store problem while %s: %r", what, error)
        if not self.store_failed:
            self.store_failed = True
            from callsim.core.store import plain_reason

            reason = plain_reason(error) if isinstance(error, Exception) else str(error)
            self.notify(f"The session store is not answering ({what} failed: {reason}). Practice still works: "
                        "your calls are kept on this computer and saved when it is back.",
                        severity="error", timeout=10, markup=False)

    def save_drill_attempt(self, attempt: Mapping[str, Any], done: Callable[[AttemptSaved], None]) -> None:
        """Store a drill attempt (``DrillAttempt.to_json()``) on the store thread, in order with the calls'
        writes; when the store fails it is kept in the journal folder, and the trainee is told where. ``done``
        hears the outcome. The write is the app's, so it lands (and quitting waits for it) whatever screen
        is shown by then."""
        data = dict(attempt)
        future = self.recorder.call(lambda: save_or_keep(self.recorder, data))

        async def watch() -> None:
            try:
                saved = await asyncio.wrap_future(future)
            except Exception as e:  # noqa: BLE001 - the store thread is closed: keep it from here
                saved = await asyncio.to_thread(keep_attempt, data, e, self.recorder.url)
            if saved.id is None:
                log.warning("store problem while saving a drill attempt: %s", saved.problem)
                where = (f"It is kept on this computer: {saved.kept}" if saved.kept
                         else f"It could not be kept on this computer either ({saved.lost}); the feedback stays "
                              "on screen")
                self.notify(f"This drill attempt could not be saved to the session store ({saved.problem}). "
                            f"{where}.", severity="error", timeout=15, markup=False)
            done(saved)

        self.run_worker(watch(), group="store", exit_on_error=False)

    @work(group="best", exclusive=True)
    async def refresh_best(self) -> None:
        """The trainee's best result per scenario, for the library cards."""
        if not self.trainee:
            return
        trainee = self.trainee
        try:
            sessions = await self.store(lambda s: s.list_sessions(trainee=trainee, limit=1000))
        except Exception as e:  # noqa: BLE001
            self.store_problem(e)
            return
        best: dict[str, tuple[float, bool]] = {}
        for s in sessions:
            if s.overall is None or not s.ended or s.mode == WHAT_IF:
                continue
            old = best.get(str(s.scenario_id))
            cand = (float(s.overall), bool(s.passed))
            if old is None or cand > old:
                best[str(s.scenario_id)] = cand
        self.best = best

    # ------------------------------------------------------------------------------------ navigation
    async def to_library(self) -> None:
        """Back to the library, closing everything above it."""
        from callsim.tui.screens.library import LibraryScreen

        while len(self.screen_stack) > 1 and not isinstance(self.screen, LibraryScreen):
            await self.pop_screen()

    async def replace_top(self, screen: Screen[Any]) -> None:
        """Show ``screen`` above the library (a call or its debrief replaces what was there)."""
        await self.to_library()
        await self.push_screen(screen)

    def open_brief(self, card: Card) -> None:
        from callsim.tui.screens.brief import BriefScreen  # about 1 ms

        self.run_worker(self.replace_top(BriefScreen(card)), group="nav")

    @work(group="open", exclusive=True)
    async def start_call(self, card: Card) -> None:
        try:
            scenario = await asyncio.to_thread(self.catalog.scenario, card.path)
        except ScenarioProblem as e:
            self.notify(str(e), severity="error", markup=False, timeout=10)
            return
        from callsim.core import sessions

        call, details = sessions.start(self.compiled(scenario), trainee=self.trainee or "", seed=self.seed,
                                       mode=self.feedback)
        await self.goto_call(call, self.new_log(details), coaching=self.feedback == "coaching")

    def new_log(self, details: SessionDetails) -> SessionLog:
        return SessionLog(self.recorder, **details.kwargs())

    async def goto_call(self, call: Call, sessionlog: SessionLog, *, coaching: bool, note: str = "") -> None:
        from callsim.tui.screens.call import CallScreen  # about 9 ms

        if sessionlog.session_id is None:
            self.store_task(sessionlog.start(), "starting the session")
            state = call.state()
            for turn in call.turns:  # a rewound call: its earlier turns belong to the new session too
                self.store_task(sessionlog.turn(turn, state), "saving a turn")
        await self.replace_top(CallScreen(call, sessionlog, coaching=coaching, guided=self.guided, note=note))

    async def show_debrief(self, record: CallRecord, scenario: Scenario, *, session_id: str | None,
                           coaching: bool, replace: bool = True, when: datetime | None = None) -> None:
        from callsim.tui.screens.debrief import DebriefScreen  # about 7 ms

        screen = DebriefScreen(record, scenario, session_id=session_id, coaching=coaching,
                               when=when or self.now(), from_history=not replace)
        if replace:
            await self.replace_top(screen)
        else:
            await self.push_screen(screen)

    @work(group="open", exclusive=True)
    async def rewind(self, scenario: Scenario, record: CallRecord, index: int) -> None:
        from callsim.core import sessions

        try:
            call, details = sessions.rewound(self.compiled(scenario), record, index, trainee=self.trainee or "")
        except Exception as e:  # noqa: BLE001 - e.g. the scenario changed since the call
            self.notify(f"Cannot go back to turn {index}: {e}", severity="error", markup=False)
            return
        await self.goto_call(call, self.new_log(details), coaching=True,
                             note=f"what if: from turn {index}")

    @work(group="open", exclusive=True)
    async def retry(self, scenario: Scenario) -> None:
        from callsim.core import sessions

        call, details = sessions.start(self.compiled(scenario), trainee=self.trainee or "", seed=self.seed,
                                       mode=self.feedback)
        await self.goto_call(call, self.new_log(details), coaching=self.feedback == "coaching")

    # ------------------------------------------------------------------------------------ settings
    @work(thread=True, group="settings")
    def save_settings(self, **updates: Any) -> None:
        try:
            save_config(updates)
        except Exception as e:  # noqa: BLE001 - the app goes on; the setting lasts this session only
            self.call_from_thread(self.notify, f"Could not save your settings: {e}", severity="warning",
                                  markup=False)

    def action_toggle_feedback(self) -> None:
        self.feedback = "assessment" if self.feedback == "coaching" else "coaching"
        what = ("coaching: feedback after every reply" if self.feedback == "coaching"
                else "assessment: no feedback until the debrief")
        from callsim.tui.screens.call import CallScreen

        later = " (from the next call)" if isinstance(self.screen, CallScreen) else ""
        self.notify(f"Mode: {what}{later}.")
        self.save_settings(feedback=self.feedback)

    def action_toggle_guided(self) -> None:
        self.guided = not self.guided
        self.notify("Guided: pick numbered replies (keys 1-9)." if self.guided else "Typing your own replies.")
        self.save_settings(guided=self.guided)

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT.name if self.current_theme.dark else DARK.name
        self.save_settings(theme=self.theme)

    def action_help(self) -> None:
        from callsim.tui.screens.help import HelpScreen  # about 1 ms

        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
        else:
            self.push_screen(HelpScreen())

    def action_sessions(self) -> None:
        from callsim.tui.screens.sessions import SessionsScreen  # about 4 ms

        if not isinstance(self.screen, SessionsScreen):
            self.push_screen(SessionsScreen())

    def open_drill(self, drill: Drill, *, text: str = "", subject: str = "", answers: list[str] | None = None) -> None:
        """A drill, above the drills list (in place of the drill or feedback shown there); ``text``, ``subject``
        and ``answers`` start it from an earlier attempt."""
        from callsim.tui.screens.drill import DrillScreen  # about 2 ms

        self.run_worker(self._over_drills(DrillScreen(drill, text=text, subject=subject, answers=answers)),
                        group="nav")

    def show_drill_feedback(self, drill: Drill, attempt: DrillAttempt) -> None:
        """The feedback on an attempt, in place of the drill; the attempt is stored (``save_drill_attempt``)."""
        from callsim.tui.screens.drill_feedback import DrillFeedbackScreen  # about 1 ms

        feedback = DrillFeedbackScreen(drill, attempt)
        self.save_drill_attempt(attempt.to_json(), feedback.saved)
        self.run_worker(self._over_drills(feedback), group="nav")

    async def _over_drills(self, screen: Screen[Any]) -> None:
        """Close what is above the drills list (a drill, its feedback, a dialog), then show ``screen``."""
        from callsim.tui.screens.drills import DrillsScreen
        from callsim.tui.screens.library import LibraryScreen

        while len(self.screen_stack) > 1 and not isinstance(self.screen, DrillsScreen | LibraryScreen):
            await self.pop_screen()
        await self.push_screen(screen)

    def action_drills(self) -> None:
        from callsim.tui.screens.drills import DrillsScreen  # about 2 ms

        if not isinstance(self.screen, DrillsScreen):
            self.push_screen(DrillsScreen())

    def effective_key(self, binding_id: str) -> str:
        return self.settings.keymap.get(binding_id, keys.BY_ID[binding_id].key)

    # ------------------------------------------------------------------------------------ palette
    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        from callsim.tui.screens.call import CallScreen
        from callsim.tui.screens.debrief import DebriefScreen

        for card in self.catalog.cards:
            if not card.broken:
                yield SystemCommand(f"Open scenario: {card.title}", f"{card.persona} · {card.situation_words}",
                                    lambda card=card: self.open_brief(card))
        if isinstance(screen, CallScreen | DebriefScreen):
            yield SystemCommand("Restart", "Start this scenario again from the beginning", screen.action_restart)
            yield SystemCommand("Export transcript as Markdown", "Save this call to a .md file",
                                screen.action_export)
        other = "assessment" if self.feedback == "coaching" else "coaching"
        yield SystemCommand(f"Switch to {other} mode", "Toggle coaching/assessment feedback",
                            self.action_toggle_feedback)
        yield SystemCommand("Toggle guided replies", "Numbered replies (1-9) or your own words",
                            self.action_toggle_guided)
        yield SystemCommand("Switch theme (light/dark)", "Toggle between callsim-light and callsim-dark",
                            self.action_toggle_theme)
        yield SystemCommand("My sessions", "Your past calls and your trend", self.action_sessions)
        yield SystemCommand("Drills", "Write a text, email or letter, leave a voicemail, or decide whether you "
                            "may contact them now", self.action_drills)
        yield SystemCommand("Library", "Back to the scenario library",
                            lambda: self.run_worker(self.to_library(), group="nav"))
        yield SystemCommand("Help", "Every key", self.action_help)
        yield from super().get_system_commands(screen)

    # ------------------------------------------------------------------------------------ shutdown
    async def action_quit(self) -> None:
        await self.flush()
        unsaved = self.recorder.unsaved()
        if not unsaved:
            self.exit(0)
            return
        self.exit(UNSAVED_EXIT, return_code=UNSAVED_EXIT, message=unsaved_message(unsaved))

    async def _finish_writes(self) -> None:
        """Before the process ends with its terminal gone: every queued store write lands (or is journalled)."""
        await self.flush()
        self.recorder.close(wait=True)

    async def flush(self) -> None:
        """Wait until every store write queued so far has landed (or failed into the journal)."""
        await asyncio.wrap_future(self.recorder.call(lambda: None))


def _satisfies(app: CallsimApp) -> TraineeServices:
    """Never called: mypy checks here that the app provides what its screens may ask (tui/services.py)."""
    return app
