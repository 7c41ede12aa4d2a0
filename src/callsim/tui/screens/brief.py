"""The brief before a call: who you are calling, what is known, the debt facts on the collector's screen."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, Static

from callsim.core.cards import Card, ScenarioProblem
from callsim.tui import keys, render
from callsim.tui.services import TraineeServices, services

if TYPE_CHECKING:
    from callsim.core.models import Scenario

_ACTION_WORDS = {
    "legal_action": "court action", "bailiffs": "bailiffs / enforcement agents", "garnishment": "wage garnishment",
    "seizure": "seizure or repossession", "credit_reporting": "credit reporting", "default_notice": "default notice",
    "debt_sale": "selling the debt",
}


def breakdown_kind(item: Any) -> str:
    """The kind in brackets after a breakdown line (" (interest)"), or nothing when the label says it."""
    kind = str(item.kind)
    return "" if kind.lower() in str(item.label).lower() else f" ({kind})"


def brief_content(s: Scenario) -> Content:
    from callsim.core.money import format_money

    d, p = s.debt, s.persona

    def money(v: float) -> str:
        return format_money(v, d.symbol)

    rows: list[Content] = [
        Content.styled(render.clean(s.title), "bold $text-primary"),
        Content.assemble(f"{render.stars(s.difficulty)} {s.difficulty}/5 · {s.jurisdiction.value} · ",
                         p.situation.value.replace("_", " "), f" · pass mark {s.pass_mark:g}"),
        Content(""),
        Content(render.clean((s.brief or s.summary).strip())),
        Content(""),
        *([Content.styled("What to practise", "bold underline"),
           *(Content.assemble("\u2022 ", render.clean(g)) for g in s.learning_goals), Content("")]
          if s.learning_goals else []),
        Content.styled("On your screen", "bold underline"),
        Content.assemble(("Customer      ", render.MUTED), render.clean(p.name), f", {p.age}"),
        Content.assemble(("Creditor      ", render.MUTED), render.clean(d.creditor)),
    ]
    if d.collector:
        rows.append(Content.assemble(("You work for  ", render.MUTED), render.clean(d.collector)))
    if d.account_ref:
        rows.append(Content.assemble(("Account       ", render.MUTED), render.clean(d.account_ref)))
    rows.append(Content.assemble(("Balance       ", render.MUTED), (money(d.balance), "bold")))
    for item in d.breakdown:
        rows.append(Content.assemble(("  of which    ", render.MUTED), f"{money(item.amount)} ",
                                     render.clean(item.label).lower(), (breakdown_kind(item), render.MUTED)))
    rows.append(Content.assemble(("Overdue       ", render.MUTED), f"{d.days_past_due} days"
                                 + (" · time-barred" if d.time_barred else "")))
    lawful = [_ACTION_WORDS.get(a.value, a.value) for a in d.actions.lawful]
    intended = [_ACTION_WORDS.get(a.value, a.value) for a in d.actions.intended]
    rows.append(Content.assemble(("Next steps    ", render.MUTED),
                                 ("intended: " + ", ".join(intended)) if intended else "none intended"))
    not_intended = [a for a in lawful if a not in intended]
    if not_intended:
        rows.append(Content.assemble(("              ", render.MUTED),
                                     "lawful but NOT intended: " + ", ".join(not_intended)))
    rows.append(Content.styled("Only say what is true: threatening a step that is not intended is a violation.",
                               "italic $text-muted"))
    return Content("\n").join(rows)


class BriefScreen(Screen[None]):
    BINDINGS = keys.bindings("Brief")  # type: ignore[assignment]

    def __init__(self, card: Card) -> None:
        super().__init__()
        self.card = card
        self.scenario: Scenario | None = None

    @property
    def callsim(self) -> TraineeServices:
        return services(self.app)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="brief-body"):
            yield Static(Content.styled(f"Loading {render.clean(self.card.title)}…", "italic"), id="brief")
        with Horizontal(id="brief-actions"):
            yield Button("Start the call", id="start", variant="primary", disabled=True)
            yield Static(id="brief-mode")
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.app, "feedback", self._show_mode)
        self.watch(self.app, "guided", self._show_mode)
        self.load()

    def _show_mode(self, _: object = None) -> None:
        app = self.callsim
        mode = ("coaching: feedback after every reply" if app.feedback == "coaching"
                else "assessment: feedback only at the end")
        entry = "guided: pick numbered replies" if app.guided else "typing your own replies"
        self.query_one("#brief-mode", Static).update(Content.assemble(
            (mode, "bold"), " (m) · ", (entry, "bold"), " (g)"))

    @work(group="brief", exclusive=True)
    async def load(self) -> None:
        import asyncio

        try:
            self.scenario = await asyncio.to_thread(self.callsim.catalog.scenario, self.card.path)
        except ScenarioProblem as e:
            self.query_one("#brief", Static).update(Content.styled(str(e), "$text-error"))
            return
        self.query_one("#brief", Static).update(brief_content(self.scenario))
        start = self.query_one("#start", Button)
        start.disabled = False
        start.focus()

    @on(Button.Pressed, "#start")
    def _start_pressed(self) -> None:
        self.action_start()

    def action_start(self) -> None:
        if self.scenario is not None:
            self.callsim.start_call(self.card)

    def action_back(self) -> None:
        self.app.pop_screen()
