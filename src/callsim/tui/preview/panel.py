"""The preview's debug panel and problems list: what the engine did and why, and what is wrong with the file.

Both are plain :class:`Static` widgets fed by attributes (``show``); the text is built by the functions
here, which tests call directly. Author text goes through :func:`render.clean` and is never read as markup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.content import Content
from textual.widgets import Static

from callsim.tui import render

if TYPE_CHECKING:
    from callsim.core.diagnostics import Diagnostic
    from callsim.core.preview import Preview
    from callsim.core.record import Turn

HEAD = "bold underline"
KEY = "bold"


def _where(preview: Preview, *path: str | int) -> str:
    pos = preview.position(*path)
    return f"{preview.path.name}:{pos[0]}" if pos else ""


def _route_line(n: int, when: str | None, goto: str, mark: str = "  ") -> Content:
    cond: Content = (Content.assemble(("when ", render.MUTED), render.clean(when)) if when
                     else Content.styled("otherwise", "italic"))
    return Content.assemble(mark, (f"{n} ", KEY), cond, (" \u2192 ", render.MUTED), (render.clean(goto), KEY))


def _detections(scores: Mapping[str, Any]) -> list[Content]:
    rows: list[Content] = []
    for b in scores.get("behaviours", []):
        good = b.get("kind") == "reward"
        quote = " ".join(f"\u201c{render.clean(e['text'])}\u201d" for e in b.get("evidence", [])[:1])
        rows.append(Content.assemble(
            ("  + " if good else "  - ", "bold $text-success" if good else "bold $text-warning"),
            (render.clean(b["id"]), KEY), " ", (quote, "italic")))
    for v in scores.get("violations", []):
        quote = " ".join(f"\u201c{render.clean(e['text'])}\u201d" for e in v.get("evidence", [])[:1])
        rows.append(Content.assemble(("  ! ", "bold $text-error"), (render.clean(v["id"]), KEY),
                                     (f" {str(v.get('severity', '')).upper()} ", "bold $text-error"),
                                     (quote, "italic")))
    if not rows:
        rows.append(Content.styled("  nothing detected", render.MUTED))
    return rows


def debug_content(preview: Preview, last: Turn | None, *, width: int = 40) -> Content:
    """Current node, mood, flags; the last reply's route (its ``when`` and ``note``) and detections;
    the routes the next reply is tested against; the node's model answer."""
    call, scenario = preview.call, preview.scenario
    if call is None or scenario is None:
        return Content.styled("No call yet: the file has not loaded.", render.MUTED)
    node = call.node
    rows: list[Content] = [Content.assemble(("Node", HEAD), "  ", (render.clean(call.node_id), "bold $text-primary"),
                                            ("  " + _where(preview, "nodes", call.node_id), render.MUTED))]
    facts = []
    if call.node_id == scenario.start:
        facts.append("start node")
    if node.is_final and node.outcome is not None:
        facts.append(f"final: {node.outcome.id} ({node.outcome.result})")
    if node.expects:
        facts.append("expects " + ", ".join(node.expects))
    if facts:
        rows.append(Content.styled("  " + render.clean(" · ".join(facts)), render.MUTED))

    rows.append(Content.styled("Mood", HEAD))
    before = last.mood_before if last else None
    label = max((len(k) for k in scenario.mood), default=4) + 3
    bar = max(4, min(10, width - label - 20))
    for name, decl in scenario.mood.items():
        prev = before.get(name) if before is not None else None
        rows.append(Content.assemble("  ", render.meter(name, call.mood.get(name, decl.start), decl.min, decl.max,
                                                        prev, width=bar, label_width=label - 2)))
    if not scenario.mood:
        rows.append(Content.styled("  none declared", render.MUTED))

    rows.append(Content.styled("Flags", HEAD))
    flag_label = max((len(k) for k in scenario.flags), default=4) + 1
    for name in scenario.flags:
        on = bool(call.flags.get(name))
        rows.append(Content.assemble(f"  {render.clean(name):<{flag_label}}", ("true" if on else "false",
                                                                                KEY if on else render.MUTED)))
    if not scenario.flags:
        rows.append(Content.styled("  none declared", render.MUTED))

    if last is not None:
        rows.append(Content.styled(f"Last reply (turn {last.index})", HEAD))
        route = last.route
        if route is not None and route.index is None:
            rows.append(Content.assemble(("  end_when ended the call \u2192 ", KEY), render.clean(route.goto)))
            rows.append(Content.assemble(("    when ", render.MUTED), render.clean(str(route.when))))
        elif route is not None and route.index is not None:
            i = route.index
            src = last.node
            total = len(scenario.nodes[src].routes) if src in scenario.nodes else 0
            where = _where(preview, "nodes", src, "routes", i) if src in scenario.nodes else ""
            rows.append(Content.assemble(("  route ", KEY), f"{i + 1}" + (f" of {total}" if total else ""),
                                         " from ", (render.clean(src), KEY), (" \u2192 ", render.MUTED),
                                         (render.clean(route.goto), KEY)))
            if where:
                rows.append(Content.assemble(("    at   ", render.MUTED), where))
            rows.append(Content.assemble(("    when ", render.MUTED),
                                         render.clean(route.when) if route.when
                                         else Content.styled("(none: the default route)", "italic")))
            if route.note:
                rows.append(Content.assemble(("    note ", render.MUTED), render.clean(route.note)))
            if i > 0:
                rows.append(Content.styled(f"    routes 1-{i} did not match" if i > 1 else
                                           "    route 1 did not match", render.MUTED))
        rows.append(Content.styled("  Detected", KEY))
        rows.extend(_detections(last.scores))
        acts = last.acts
        rows.append(Content.assemble(("  acts ", render.MUTED),
                                     render.clean(", ".join(acts)) if acts else Content.styled("none", "italic")))
        if last.answered is not None:  # the debtor's line asked something (its `asks`)
            rows.append(Content.assemble(("  question ", render.MUTED),
                                         "answered" if last.answered else ("not answered", "bold")))
        rows.append(Content.assemble(("  empathy ", render.MUTED), f"{last.scores['empathy']:.0f}",
                                     ("  de-escalation ", render.MUTED), f"{last.scores['deescalation']:.0f}"))

    if call.ended:
        outcome = call.outcome
        rows.append(Content.styled("Call over", HEAD))
        if outcome is not None:
            rows.append(Content.assemble("  ", (render.clean(outcome.id), KEY), f" ({outcome.result}) ",
                                         render.clean(outcome.label)))
    else:
        rows.append(Content.styled("Next reply is tested against", HEAD))
        for n, r in enumerate(node.routes, 1):
            rows.append(_route_line(n, r.when, r.goto))
        if node.model_answers:
            rows.append(Content.styled("Model answer (F3 sends it)", HEAD))
            rows.append(Content.styled(f"  \u201c{render.clean(node.model_answers[0].text)}\u201d", "italic"))
    return Content("\n").join(rows)


def shown_path(file: str) -> str:
    """A diagnostic's file as a trainer would type it: relative to the current folder when inside it."""
    p = Path(file)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return file


def problems_content(problems: Sequence[Diagnostic], file_error: str | None, *, playing: bool) -> Content:
    """Every problem in the file, errors first, as ``file:line:col CODE message`` with the hint."""
    rows: list[Content] = []
    errors = sum(1 for d in problems if d.is_error)
    warnings = len(problems) - errors
    if file_error:
        rows.append(Content.assemble(("Cannot read the file: ", "bold $text-error"), render.clean(file_error)))
    elif problems:
        head = f"{errors} error(s), {warnings} warning(s)"
        tail = (" \u2014 playing the last version that loaded; save a fix and it reloads" if errors and playing
                else " \u2014 fix them and save: the preview starts when the file loads" if errors else "")
        rows.append(Content.assemble((head, "bold $text-error" if errors else "bold $text-warning"), tail))
    for d in problems:
        rows.append(Content.assemble(
            (f"{shown_path(d.file)}:{d.line}:{d.col}", KEY), " ",
            (d.code, "bold $text-error" if d.is_error else "bold $text-warning"), " ", render.clean(d.message)))
        if d.hint:
            rows.append(Content.styled("    " + render.clean(d.hint), render.MUTED))
    return Content("\n").join(rows)


class DebugPanel(Static):
    """What the engine knows and did: shown beside the preview's transcript."""

    DEFAULT_CSS = """
    DebugPanel { height: auto; }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name for it
        super().__init__(id=id, markup=False)
        self._data: tuple[Preview, Turn | None] | None = None

    def show(self, preview: Preview, last: Turn | None) -> None:
        self._data = (preview, last)
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        if self._data is not None:
            self.update(debug_content(*self._data, width=self.content_size.width or 40))


class ProblemsPanel(Static):
    """The file's diagnostics with file:line:col, shown under the preview while there are any."""

    DEFAULT_CSS = """
    ProblemsPanel { height: auto; }
    """

    def show(self, problems: Sequence[Diagnostic], file_error: str | None, *, playing: bool) -> None:
        self.update(problems_content(problems, file_error, playing=playing))
