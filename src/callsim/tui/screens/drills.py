"""Drills: written messages, voicemail and "may I contact them now?", grouped by kind, with the trainee's
best score on each and a detail pane with the brief. Enter opens one (``screens/drill.py``).

The drill files are read on a thread each time the screen opens (a trainer's new file shows up), and the
best scores come from the store's drill attempts, read on the store thread. The app shows a drill above this
list (``open_drill``) and its feedback in the drill's place (``show_drill_feedback``)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from callsim.tui import keys, render
from callsim.tui.services import TraineeServices, services

if TYPE_CHECKING:
    from callsim.core.drills.model import Drill

Best = tuple[float, bool]
CHANNELS = {"sms": "text message", "email": "email", "letter": "letter", "voicemail": "voicemail"}


def what(drill: Drill) -> str:
    """``US · email`` or ``UK · 5 questions``: the jurisdiction and what the trainee produces."""
    if drill.kind == "schedule":
        n = len(drill.questions)
        return f"{drill.jurisdiction} · {n} question{'' if n == 1 else 's'}"
    return f"{drill.jurisdiction} · {CHANNELS.get(drill.channel or '', drill.channel or '')}"


def best_content(best: Best | None, prefix: str = "Best ") -> Content:
    if best is None:
        return Content.styled("not tried yet", render.MUTED)
    score, passed = best
    word, style = (" passed", "$text-success") if passed else (" not passed yet", "$text-warning")
    return Content.assemble(prefix, (f"{score:.0f}/100", "bold"), (word, style))


def drill_option(drill: Drill, best: Best | None) -> Content:
    return Content.assemble((render.clean(drill.title), "bold"), "\n", (what(drill), render.MUTED), " · ",
                            best_content(best))


def detail_content(drill: Drill, best: Best | None) -> Content:
    from callsim.core.drills.model import KIND_LABELS

    rows = [
        Content.styled(render.clean(drill.title), "bold"),
        Content.assemble(("Kind  ", render.MUTED), KIND_LABELS[drill.kind]),
        Content.assemble(("Jurisdiction  ", render.MUTED), drill.jurisdiction),
    ]
    if drill.channel:
        rows.append(Content.assemble(("Channel  ", render.MUTED), CHANNELS.get(drill.channel, drill.channel)))
    rows += [Content.assemble(("Your best  ", render.MUTED), best_content(best, prefix="")), Content(""),
             Content(render.reflow(drill.brief))]
    if drill.debtor_wrote:
        rows += [Content(""), Content.styled("They wrote", "bold"),
                 Content.styled(render.reflow(drill.debtor_wrote), "italic")]
    rows += [Content(""), Content.styled("Enter opens it.", render.MUTED)]
    return Content("\n").join(rows)


def best_by_drill(rows: list[dict[str, Any]]) -> dict[str, Best]:
    """The best (score, passed) per drill id among stored attempts."""
    best: dict[str, Best] = {}
    for r in rows:
        cand = (float(r["score"]), bool(r["passed"]))
        old = best.get(str(r["drill_id"]))
        if old is None or cand > old:
            best[str(r["drill_id"])] = cand
    return best


class DrillsScreen(Screen[None]):
    BINDINGS = keys.bindings("Drills")  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.drills: list[Drill] = []
        self.problems: list[str] = []
        self.best: dict[str, Best] = {}
        self.loaded = False

    @property
    def callsim(self) -> TraineeServices:
        return services(self.app)

    def compose(self) -> ComposeResult:
        yield Static(id="drills-head")
        with Horizontal(id="drills-body"):
            yield OptionList(id="drill-list")
            with VerticalScroll(id="drill-detail"):
                yield Static(Content.styled("Loading the drills…", "italic"), id="drill-about")
        yield Footer()

    def on_mount(self) -> None:
        self._show_head()
        self.query_one("#drill-list", OptionList).focus()
        self.load()

    def on_screen_resume(self) -> None:
        if self.loaded:
            self.load_best()  # back from a drill: its score may be a new best

    def _show_head(self) -> None:
        who = render.clean(self.callsim.trainee or "")
        count = f" · {len(self.drills)} drills" if self.drills else ""
        self.query_one("#drills-head", Static).update(Content.assemble(
            ("Drills", "bold $text-primary"), "  ", (who, "bold"), count, " · ", ("enter", "bold"), " opens · ",
            ("esc", "bold"), " library"))

    @work(group="drills", exclusive=True)
    async def load(self) -> None:
        from callsim.core.drills.model import load_library  # about 30 ms with pydantic's models

        entries, self.problems = await asyncio.to_thread(load_library)
        self.drills = [e.drill for e in entries]
        for problem in self.problems:  # a broken file never hides the rest
            self.notify(f"A drill file could not be read: {problem}", severity="warning", markup=False, timeout=10)
        self.loaded = True
        self._show_head()
        self._fill()
        await self._read_best()

    @work(group="drills-best", exclusive=True)
    async def load_best(self) -> None:
        await self._read_best()

    async def _read_best(self) -> None:
        trainee = self.callsim.trainee or ""
        if not trainee:
            return
        try:
            rows = await self.callsim.store(lambda s: s.list_attempts(trainee=trainee, limit=5000))
        except Exception as e:  # noqa: BLE001 - shown as the app shows store faults; the drills still work
            self.callsim.store_problem(e, "reading your drill attempts")
            return
        best = best_by_drill(rows)
        if best != self.best and self.is_mounted:
            self.best = best
            self._fill()

    def _fill(self) -> None:
        from callsim.core.drills.model import KIND_LABELS, KINDS

        options = self.query_one("#drill-list", OptionList)
        keep = options.highlighted_option.id if options.highlighted_option else None
        options.clear_options()
        items: list[Option | None] = []
        for kind in KINDS:
            mine = [d for d in self.drills if d.kind == kind]
            if not mine:
                continue
            if items:
                items.append(None)
            items.append(Option(Content.styled(KIND_LABELS[kind], "bold underline $text-primary"),
                                id=f"kind:{kind}", disabled=True))
            items += [Option(drill_option(d, self.best.get(d.id)), id=d.id) for d in mine]
        options.add_options(items)
        if not self.drills:
            self.query_one("#drill-about", Static).update(Content.styled(
                "No drills found." + (" Some drill files could not be read." if self.problems else ""), "italic"))
            return
        ids = [o.id for o in options.options]
        first = next(i for i, o in enumerate(options.options) if not o.disabled)
        options.highlighted = ids.index(keep) if keep in ids else first

    def drill(self, drill_id: str | None) -> Drill | None:
        return next((d for d in self.drills if d.id == drill_id), None)

    @on(OptionList.OptionHighlighted, "#drill-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        drill = self.drill(event.option.id)
        if drill is not None:
            self.query_one("#drill-about", Static).update(detail_content(drill, self.best.get(drill.id)))
            self.query_one("#drill-detail", VerticalScroll).scroll_home(animate=False)

    @on(OptionList.OptionSelected, "#drill-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        drill = self.drill(event.option.id)
        if drill is not None:
            self.open(drill)

    def open(self, drill: Drill) -> None:
        self.callsim.open_drill(drill)

    def action_back(self) -> None:
        self.app.pop_screen()
