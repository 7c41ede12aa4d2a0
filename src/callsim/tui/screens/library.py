"""The library: every scenario as a card, a search box that filters as you type, and a detail pane."""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from callsim.core.cards import Card
from callsim.tui import keys, render
from callsim.tui.messages import LibraryShown
from callsim.tui.services import TraineeServices, services


def card_content(card: Card, best: tuple[float, bool] | None) -> Content:
    if card.broken:
        return Content.assemble((render.clean(card.title), "bold"), "\n",
                                (f"cannot be opened: {card.broken}", "$text-error"))
    who = render.clean(card.persona) + (f", {card.age}" if card.age else "")
    facts = " · ".join(x for x in (who, card.situation_words, card.jurisdiction) if x)
    if best is None:
        result = Content.styled("not tried yet", render.MUTED)
    else:
        score, passed = best
        result = Content.assemble("Best ", (f"{score:.0f}/100", "bold"),
                                  (" passed" if passed else " not passed yet",
                                   "$text-success" if passed else "$text-warning"))
    return Content.assemble(
        (render.clean(card.title), "bold"), "\n",
        facts, "\n",
        (f"{render.stars(card.difficulty)} {card.difficulty}/5", "$text-primary"), "  ",
        (", ".join(render.clean(t) for t in card.tags), "italic $text-muted"), "\n",
        result,
    )


def detail_content(card: Card, best: tuple[float, bool] | None) -> Content:
    rows = [
        Content.styled(render.clean(card.title), "bold"),
        Content.assemble(("Caller  ", render.MUTED), render.clean(card.persona),
                         f", {card.age}" if card.age else ""),
        Content.assemble(("Situation  ", render.MUTED), card.situation_words),
        Content.assemble(("Difficulty  ", render.MUTED), f"{render.stars(card.difficulty)} {card.difficulty}/5"),
        Content.assemble(("Jurisdiction  ", render.MUTED), card.jurisdiction),
        Content.assemble(("Tags  ", render.MUTED), ", ".join(render.clean(t) for t in card.tags) or "none"),
        Content(""),
        Content(render.clean(card.summary)),
        Content(""),
        Content.styled("Enter opens the brief.", render.MUTED),
    ]
    return Content("\n").join(rows)


class SearchBox(Input):
    """The library's search box. Up and down move through the matches below it without leaving the box, and
    enter opens the highlighted one (the first match unless moved), as in a launcher."""

    BINDINGS = [Binding("down", "screen.move(1)", show=False), Binding("up", "screen.move(-1)", show=False)]


class CardList(OptionList):
    """The scenario cards. A letter typed here starts a search with it rather than being lost; the shortcut
    keys (s, m, g, d, /) stay keys. Letters typed fast may reach the list after the search box took the focus:
    those are search text too, shortcut letters included ("crisis" must not open My sessions)."""

    SHORTCUTS = frozenset(k.key for k in keys.KEYS if k.scope in ("Library", "Everywhere"))

    def on_key(self, event: events.Key) -> None:
        if not (event.is_printable and event.character and event.character.strip()):
            return
        screen = self.screen
        if not isinstance(screen, LibraryScreen):
            return
        if event.key in self.SHORTCUTS and screen.focused is self:
            return
        screen.type_into_search(event.character)
        event.stop()
        event.prevent_default()


class LibraryScreen(Screen[None]):
    BINDINGS = keys.bindings("Library")  # type: ignore[assignment]

    cards: reactive[list[Card]] = reactive(list, always_update=True)
    best: reactive[dict[str, tuple[float, bool]]] = reactive(dict, always_update=True)
    search_text: reactive[str] = reactive("")

    def __init__(self, cards: list[Card] | None = None) -> None:
        super().__init__()
        self.set_reactive(LibraryScreen.cards, list(cards or []))  # cards read already: in the first frame

    @property
    def callsim(self) -> TraineeServices:
        return services(self.app)

    def compose(self) -> ComposeResult:
        yield Static(id="lib-head")
        yield SearchBox(placeholder="Search: words, d:3 (difficulty), j:uk, tag:health", id="search",
                        select_on_focus=False)
        with Horizontal(id="lib-body"):
            yield CardList(id="cards")
            with VerticalScroll(id="lib-detail"):
                yield Static(id="detail")
        yield Static("Loading scenarios…", id="lib-empty")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#cards", OptionList).focus()
        self.watch(self.app, "feedback", self._show_head)
        self.watch(self.app, "guided", self._show_head)
        # The app says when the cards are read and what the trainee's best results are; the screen takes them.
        self.watch(self.app, "library_cards", self._take_cards)
        self.watch(self.app, "best", self._take_best)
        if self.cards:  # given when the screen was made: in the first frame (the app notes when it is drawn)
            self._fill()

    def on_screen_resume(self) -> None:
        if self.cards:
            self.callsim.refresh_best()  # back from a call: its result may be a new best

    def _take_cards(self, cards: list[Card]) -> None:
        if cards and cards != self.cards:
            self.cards = list(cards)

    def _take_best(self, best: dict[str, tuple[float, bool]]) -> None:
        if best != self.best:
            self.best = best

    def _show_head(self, _: object = None) -> None:
        app = self.callsim
        mode = "coaching" if app.feedback == "coaching" else "assessment"
        entry = "guided (1-9)" if app.guided else "typing"
        who = render.clean(app.trainee) if app.trainee else "new trainee"
        drills = keys.display(app.effective_key("library.drills"))
        brand = Content.assemble(("callsim", "bold $text-primary"), "  ")
        line = Content.assemble((f"{who}", "bold"), " · mode ", (mode, "bold"), " (m) · ", (entry, "bold"), " (g) · ",
                                ("s", "bold"), " my sessions · ", (drills, "bold"), " drills")
        helps = Content.assemble(" · ", ("F1", "bold"), " help")
        # At 80 columns the name goes first, then "F1 help" (the footer shows it too); the keys stay.
        room = (self.size.width or 80) - 2
        if len(brand.plain + line.plain + helps.plain) <= room:
            line = brand + line + helps
        elif len(line.plain + helps.plain) <= room:
            line = line + helps
        self.query_one("#lib-head", Static).update(line)

    def on_resize(self) -> None:
        if self.is_mounted and self.query("#lib-head"):
            self._show_head()

    def visible_cards(self) -> list[Card]:
        return [c for c in self.cards if c.matches(self.search_text)]

    def watch_cards(self) -> None:
        self._refill()
        if self.cards:  # tell the app once they have been drawn
            self.call_after_refresh(self.post_message, LibraryShown(len(self.cards)))

    def watch_best(self) -> None:
        self._refill()

    def watch_search_text(self) -> None:
        self._refill()

    def _refill(self) -> None:
        # Mounted with its widgets: a store read that lands while the app shuts down (the screen's widgets
        # already removed) has nothing to redraw.
        if self.is_mounted and self.query("#lib-head"):
            self._fill()

    def _fill(self) -> None:
        self._show_head()
        options = self.query_one("#cards", OptionList)
        shown = self.visible_cards()
        keep = options.highlighted_option.id if options.highlighted_option else None
        options.clear_options()
        options.add_options([Option(card_content(c, self.best.get(c.id)), id=str(i))
                             for i, c in enumerate(shown)])
        empty = self.query_one("#lib-empty", Static)
        if shown:
            ids = [str(i) for i in range(len(shown))]
            options.highlighted = ids.index(keep) if keep in ids else 0
            empty.display = False
        else:
            empty.display = True
            empty.update(Content.styled(
                f"No scenario matches \u201c{render.clean(self.search_text)}\u201d. Esc clears the search."
                if self.cards else "No scenarios found.", "italic"))
            self.query_one("#detail", Static).update("")

    @on(Input.Changed, "#search")
    def _search(self, event: Input.Changed) -> None:
        self.search_text = event.value

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        """Enter in the search box opens the highlighted match; with no match it stays to be corrected."""
        options = self.query_one("#cards", OptionList)
        if options.highlighted is not None and options.option_count:
            options.focus()
            options.action_select()

    def action_move(self, step: int) -> None:
        """Up or down in the search box: the highlight moves through the matches."""
        options = self.query_one("#cards", OptionList)
        if options.option_count:
            now = options.highlighted if options.highlighted is not None else -1
            options.highlighted = max(0, min(options.option_count - 1, now + step))

    def type_into_search(self, character: str) -> None:
        search = self.query_one("#search", Input)
        self.set_focus(search)  # at once, so that the next letters reach the box itself
        search.insert_text_at_cursor(character)

    @on(OptionList.OptionHighlighted, "#cards")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        card = self._card(event.option.id)
        if card:
            self.query_one("#detail", Static).update(detail_content(card, self.best.get(card.id)))

    @on(OptionList.OptionSelected, "#cards")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        card = self._card(event.option.id)
        if card and not card.broken:
            self.callsim.open_brief(card)
        elif card:
            self.notify(f"{card.title} cannot be opened: {card.broken}", severity="error", markup=False)

    def _card(self, option_id: str | None) -> Card | None:
        shown = self.visible_cards()
        if option_id is None or not option_id.isdigit() or int(option_id) >= len(shown):
            return None
        return shown[int(option_id)]

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_clear_search(self) -> None:
        search = self.query_one("#search", Input)
        search.value = ""
        self.query_one("#cards", OptionList).focus()
