"""One drill attempt: who, which drill, when, the score and the verdict, then the feedback the trainee saw
(``callsim.core.drills.render.feedback``, the same text as ``callsim drill attempts --show``) in a scroll pane.
The text is shown as text: never parsed as markup, escape codes removed.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from callsim.tui import render
from callsim.tui.review import keys
from callsim.tui.review.drill_data import AttemptView, attempt_view, rule_name
from callsim.tui.review.services import ReviewServices, review_services


class DrillAttemptScreen(Screen[None]):
    BINDINGS = keys.bindings("Drill attempt")  # type: ignore[assignment]

    def __init__(self, attempt_id: str) -> None:
        super().__init__()
        self.attempt_id = attempt_id
        self.view: AttemptView | None = None

    @property
    def review(self) -> ReviewServices:
        return review_services(self.app)

    def compose(self) -> ComposeResult:
        yield Static(Content.styled(f"Drill attempt {self.attempt_id}", "bold $text-primary"), id="da-head")
        yield Static(Content.styled("Loading…", "italic"), id="da-about")
        with VerticalScroll(id="da-scroll"):
            yield Static(id="da-feedback")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#da-scroll", VerticalScroll).focus()
        self.load()

    @work(group="drill-attempt", exclusive=True)
    async def load(self) -> None:
        aid = self.attempt_id
        try:
            view = await self.review.db(lambda d: attempt_view(d, aid))
        except Exception as e:  # noqa: BLE001 - unknown attempt, database gone, unreadable record: say so, go back
            from callsim.core.store import plain_reason

            self.notify(f"Could not open drill attempt {aid}: {plain_reason(e)}", severity="error", markup=False,
                        timeout=10)
            if self.is_current:
                self.app.pop_screen()
            return
        self.show(view)

    def show(self, v: AttemptView) -> None:
        self.view = v
        r = v.row
        self.query_one("#da-head", Static).update(Content.assemble(
            (render.clean(r.trainee), "bold $text-primary"), " · ", (render.clean(r.title), "bold"),
            f" · {self.review.when(r.taken)}"))
        verdict = ("passed", "") if r.passed else ("not passed", "bold")
        rules = ", ".join(rule_name(x) for x in r.rules) if r.rules else "none"
        missing = "" if v.drill_found else " · the drill is not installed here: its better message is not shown"
        self.query_one("#da-about", Static).update(Content.assemble(
            ("Score ", "bold"), (f"{r.score:.0f}/100", "bold"), " (", verdict, ")",
            (f" · rules broken or got wrong: {render.clean(rules)}", ""),
            (f"\n{r.kind} · {render.clean(r.drill_id)} · {render.clean(v.jurisdiction)} · attempt {r.id}{missing}",
             render.MUTED)))
        self.query_one("#da-feedback", Static).update(render.plain(v.feedback))

    def action_back(self) -> None:
        self.app.pop_screen()
