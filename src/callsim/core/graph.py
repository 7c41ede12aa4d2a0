"""Diagrams of a scenario: nodes, routes with their conditions, endings. Mermaid, DOT or SVG, no system packages."""

from __future__ import annotations

import re
from bisect import bisect_right, insort
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape

from callsim.core.models import Scenario

_RESULT_CLASS = {"resolved": "resolved", "partial": "partial", "failed": "failed"}


def _label(text: str, limit: int = 48) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.replace('"', "'").replace("<", "‹").replace(">", "›").replace("|", "/")


def _taken(visited: list[str], fired: Iterable[tuple[str, int]], s: Scenario) -> set[tuple[str, int]]:
    """The routes a call took: exactly the fired ones when known, else every route between visited pairs."""
    exact = set(fired)
    if exact:
        return exact
    pairs = set(zip(visited, visited[1:], strict=False))
    return {(nid, i) for nid, n in s.nodes.items() for i, r in enumerate(n.routes) if (nid, r.goto) in pairs}


def mermaid(s: Scenario, path: Iterable[str] = (), fired: Iterable[tuple[str, int]] = ()) -> str:
    """A Mermaid flowchart. ``path`` (node ids a real call visited) and the routes it took are highlighted."""
    visited = list(path)
    taken = _taken(visited, fired, s)
    lines = ["flowchart TD", f"    %% {s.id} v{s.version}: {_label(s.title, 80)}"]
    for nid, node in s.nodes.items():
        first = node.say[0].text
        if node.outcome:
            lines.append(f'    {nid}(["{_label(node.outcome.label)}<br/><i>{node.outcome.result}</i>"])')
        else:
            lines.append(f'    {nid}["{nid}<br/><small>{_label(first, 40)}</small>"]')
    lines.append(f"    START(( )) --> {s.start}")
    edge = 1  # START edge is 0
    highlight: list[int] = []
    for nid, node in s.nodes.items():
        for i, r in enumerate(node.routes):
            label = _label(r.when) if r.when else "otherwise"
            lines.append(f'    {nid} -->|"{label}"| {r.goto}')
            if (nid, i) in taken:
                highlight.append(edge)
            edge += 1
    for rule in s.end_when:
        lines.append(f'    ANY{{{{"any turn"}}}} -.->|"{_label(rule.when)}"| {rule.goto}')
        edge += 1
    lines += [
        "    classDef resolved fill:#d8f3dc,stroke:#2d6a4f",
        "    classDef partial fill:#fff3bf,stroke:#b08900",
        "    classDef failed fill:#ffe3e3,stroke:#c92a2a",
        "    classDef visited stroke-width:3px,stroke:#1c7ed6",
    ]
    for nid, node in s.nodes.items():
        if node.outcome:
            lines.append(f"    class {nid} {_RESULT_CLASS[node.outcome.result]}")
    for nid in dict.fromkeys(visited):
        lines.append(f"    class {nid} visited")
    if highlight:
        lines.append(f"    linkStyle {','.join(map(str, highlight))} stroke:#1c7ed6,stroke-width:3px")
    return "\n".join(lines) + "\n"


def dot(s: Scenario, path: Iterable[str] = (), fired: Iterable[tuple[str, int]] = ()) -> str:
    """Graphviz DOT text (render with `dot -Tsvg` if Graphviz is installed)."""
    visited = list(path)
    taken = _taken(visited, fired, s)
    seen = set(visited)
    fills = {"resolved": "#d8f3dc", "partial": "#fff3bf", "failed": "#ffe3e3"}

    def q(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = [f"digraph {q(s.id)} {{", "    rankdir=TB;", '    node [shape=box, style="rounded,filled", '
             'fillcolor="#f8f9fa", fontname="Helvetica"];', '    edge [fontname="Helvetica", fontsize=10];']
    for nid, node in s.nodes.items():
        attrs = []
        if node.outcome:
            attrs += [f"label={q(node.outcome.label + chr(10) + node.outcome.result)}",
                      f"fillcolor={q(fills[node.outcome.result])}", "shape=box", 'style="rounded,filled,bold"']
        else:
            attrs.append(f"label={q(nid)}")
        if nid in seen:
            attrs += ['color="#1c7ed6"', "penwidth=3"]
        lines.append(f"    {q(nid)} [{', '.join(attrs)}];")
    for nid, node in s.nodes.items():
        for i, r in enumerate(node.routes):
            attrs = [f"label={q(_label(r.when, 40) if r.when else 'otherwise')}"]
            if (nid, i) in taken:
                attrs += ['color="#1c7ed6"', "penwidth=3"]
            lines.append(f"    {q(nid)} -> {q(r.goto)} [{', '.join(attrs)}];")
    for rule in s.end_when:
        lines.append(f'    "any turn" -> {q(rule.goto)} [style=dashed, label={q(_label(rule.when, 40))}];')
    lines.append("}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------------------------
# SVG: a layered layout drawn here, so no Graphviz or other system package is needed.
#
# Nodes go in layers (longest path from the start, back-edges reversed, endings together at the bottom, the
# "any turn" node of the end_when rules just above its endings). Between two node rows is a label row: every
# route's label is an item of the row just below its source (just above it, for a route back up; a loop's hangs
# under its node), and a route that crosses a row gets a narrow placeholder there, as tall as the row, so its
# line passes upright between the boxes. Items of a row never overlap (they are placed left to right with
# gaps), rows never overlap, and a line crosses a row only through its own items, bending only in the gaps
# between rows: so no label can sit on another label or on a node box, and every label sits on its own line.
# `layout()` returns that geometry; `svg()` draws it.

CHAR_EM = 0.6  # the width of one character, in em: a generous estimate for Helvetica/Arial, used for all text here
ASCENT, DESCENT = 0.9, 0.25  # of the font size, above and below the baseline
LABEL_FONT = 10
LABEL_CHARS = 30  # longer conditions are cut with "…"; the whole condition is in the edge's <title> tooltip
NODE_W, NODE_H, ANY_W = 196, 46, 96
BOLD = 1.2  # bold text is this much wider
ANY = "(any turn)"  # the pseudo-node of the end_when rules; not a valid scenario id, so it cannot clash
_PAD_X, _PAD_Y, _MARGIN, _LINE = 4, 2, 24, 15  # _LINE: from one bold line of a node to the next
_START_W = 40
HEADING_FONT = 15
HEADING_Y = _MARGIN + HEADING_FONT  # the heading's baseline
_ORDER_SWEEPS, _PLACE_SWEEPS = 16, 24  # rounds of ordering the rows, and of placing them across
_FILLS = {"resolved": "#d8f3dc", "partial": "#fff3bf", "failed": "#ffe3e3"}
_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    def overlaps(self, other: Box) -> bool:
        """True when the two boxes share some area (touching edges do not count)."""
        return self.x < other.right and other.x < self.right and self.y < other.bottom and other.y < self.bottom

    def contains(self, px: float, py: float, tol: float = 0.5) -> bool:
        return self.x - tol <= px <= self.right + tol and self.y - tol <= py <= self.bottom + tol


def text_width(text: str, font_size: float) -> float:
    """The estimated width of a line of text: every character CHAR_EM wide."""
    return len(text) * CHAR_EM * font_size


def text_box(x: float, y: float, text: str, font_size: float, anchor: str = "middle") -> Box:
    """The box a <text x y font-size text-anchor> element covers, by the same estimate the layout uses."""
    w = text_width(text, font_size)
    left = {"start": x, "middle": x - w / 2, "end": x - w}[anchor]
    return Box(left, y - ASCENT * font_size, w, (ASCENT + DESCENT) * font_size)


def _short(text: str, limit: int) -> str:
    """One line of at most ``limit`` characters, cut with "…"; characters are kept as they are (escape later)."""
    text = re.sub(r"\s+", " ", _BAD_XML.sub("", text)).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _wrap(text: str, limit: int, lines: int) -> tuple[str, ...]:
    """At most ``lines`` lines of at most ``limit`` characters, broken between words; the last cut with "…"."""
    words, out = _short(text, 10_000).split(" "), list[str]()
    while words and len(out) < lines - 1:
        line = words.pop(0)
        while words and len(line) + 1 + len(words[0]) <= limit:
            line += " " + words.pop(0)
        if len(line) > limit:  # one word longer than a line
            words.insert(0, line[limit:])
            line = line[:limit]
        out.append(line)
    if words:
        out.append(_short(" ".join(words), limit))
    return tuple(out)


def _xml(text: str) -> str:
    """Text safe in SVG character data and attribute values: escaped, and without characters XML forbids."""
    return escape(_BAD_XML.sub("", text), quote=True)


@dataclass(frozen=True)
class EdgeLabel:
    text: str  # as shown (perhaps cut)
    x: float  # the middle of the text
    y: float  # its baseline
    box: Box  # the label's background: the text's box with padding

    @property
    def text_box(self) -> Box:
        return text_box(self.x, self.y, self.text, LABEL_FONT)


@dataclass(frozen=True)
class DrawnEdge:
    source: str  # a node id, or ANY
    target: str
    kind: str  # "route" or "end_when"
    index: int  # the route's index in its node, or the rule's in end_when
    condition: str  # in full; "otherwise" for a default route
    label: EdgeLabel
    points: tuple[tuple[float, float], ...]  # where the line goes, from source to target
    d: str  # the SVG path through those points
    taken: bool = False


@dataclass(frozen=True)
class DrawnNode:
    id: str
    kind: str  # "node", "ending" or "any"
    box: Box
    title: tuple[str, ...]  # the bold line or lines, as shown
    sub: str  # the line under them, as shown
    tooltip: str
    result: str | None = None
    visited: bool = False


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    heading: str  # the title line, drawn at (_MARGIN, HEADING_Y) in bold
    heading_box: Box
    nodes: dict[str, DrawnNode]
    edges: list[DrawnEdge]
    start: Box | None = None  # the "start" mark, left of the start node


@dataclass(frozen=True)
class _Spec:
    source: str
    target: str
    kind: str
    index: int
    condition: str
    taken: bool


@dataclass
class _Item:
    rank: int
    w: float
    h: float
    node: str | None = None  # a node's id; None for a label or a placeholder
    edge: int | None = None  # the edge a label or placeholder belongs to
    label: bool = False
    lead: float = 0.0  # room kept at the left of a node's box (the start node's "start" mark)
    x: float = 0.0
    y: float = 0.0
    up: list[int] = field(default_factory=list)
    down: list[int] = field(default_factory=list)

    @property
    def cx(self) -> float:  # the middle of the box, past any lead
        return self.x + (self.w + self.lead) / 2


def _layers(s: Scenario, specs: list[_Spec]) -> tuple[dict[str, int], set[int]]:
    """Each node's layer, and the edges that go back up (found by a depth-first walk from the start)."""
    out: dict[str, list[int]] = {n: [] for n in s.nodes}
    for j, e in enumerate(specs):
        if e.source in out and e.source != e.target:
            out[e.source].append(j)
    state: dict[str, int] = {}
    back: set[int] = set()
    order: list[str] = []
    roots = ([s.start] if s.start in s.nodes else []) + list(s.nodes)
    for root in roots:
        if root in state:
            continue
        state[root] = 1
        order.append(root)
        stack = [(root, iter(out[root]))]
        while stack:
            nid, edges = stack[-1]
            nxt = next(edges, None)
            if nxt is None:
                state[nid] = 2
                stack.pop()
                continue
            t = specs[nxt].target
            if t not in state:
                state[t] = 1
                order.append(t)
                stack.append((t, iter(out[t])))
            elif state[t] == 1:
                back.add(nxt)
    dag: dict[str, list[str]] = {n: [] for n in s.nodes}
    indeg = dict.fromkeys(s.nodes, 0)
    for j, e in enumerate(specs):
        if e.source == e.target or e.source not in dag:
            continue
        u, v = (e.target, e.source) if j in back else (e.source, e.target)
        dag[u].append(v)
        indeg[v] += 1
    topo = [n for n in order if indeg[n] == 0]
    for n in topo:  # Kahn's walk; topo grows as it goes
        for v in dag[n]:
            indeg[v] -= 1
            if indeg[v] == 0:
                topo.append(v)
    layer = dict.fromkeys(s.nodes, 0)
    for n in topo:
        for v in dag[n]:
            layer[v] = max(layer[v], layer[n] + 1)
    endings = [n for n, node in s.nodes.items() if node.outcome is not None]
    others = [layer[n] for n in s.nodes if n not in endings]
    if endings and others:  # the endings sit together at the bottom
        for n in endings:
            layer[n] = max(others) + 1
        for n in topo:
            for v in dag[n]:
                layer[v] = max(layer[v], layer[n] + 1)
    targets = [layer[e.target] for e in specs if e.source == ANY]
    if targets:  # the "any turn" node sits just above the highest of its endings
        if min(targets) == 0:
            layer = {n: v + 1 for n, v in layer.items()}
        layer[ANY] = min(layer[e.target] for e in specs if e.source == ANY) - 1
    return layer, back


def _crossings(items: list[_Item], ranks: list[list[int]], pos: dict[int, int]) -> int:
    total = 0
    for r in range(len(ranks) - 1):  # pairs of lines whose ends are in opposite orders, counted with bisect
        pairs = sorted((pos[i], pos[k]) for i in ranks[r] for k in items[i].down)
        seen: list[int] = []
        for _, b in pairs:  # an earlier line from the same item ends left of this one: sorted by (start, end)
            total += len(seen) - bisect_right(seen, b)
            insort(seen, b)
    return total


def _transpose(items: list[_Item], ranks: list[list[int]], pos: dict[int, int]) -> None:
    """Swaps neighbours in a row while that cuts the crossings of their lines (a few rounds at most)."""
    def cost(u: int, v: int) -> int:  # crossings between u's lines and v's when u is left of v
        return (sum(1 for a in items[u].up for b in items[v].up if pos[a] > pos[b])
                + sum(1 for a in items[u].down for b in items[v].down if pos[a] > pos[b]))

    for _ in range(4):
        swapped = False
        for row in ranks:
            for p in range(len(row) - 1):
                u, v = row[p], row[p + 1]
                if cost(u, v) > cost(v, u):
                    row[p], row[p + 1] = v, u
                    pos[u], pos[v] = p + 1, p
                    swapped = True
        if not swapped:
            return


def _order(items: list[_Item], ranks: list[list[int]]) -> list[list[int]]:
    """Orders each row to cut line crossings (barycentre sweeps, keeping the best ordering seen)."""
    def positions(rs: list[list[int]]) -> dict[int, int]:
        return {i: p for row in rs for p, i in enumerate(row)}

    best, pos = [list(r) for r in ranks], positions(ranks)
    best_x = _crossings(items, best, pos)
    current = [list(r) for r in ranks]
    for sweep in range(_ORDER_SWEEPS):
        down = sweep % 2 == 0
        for r in (range(1, len(current)) if down else range(len(current) - 2, -1, -1)):
            def key(i: int, down: bool = down) -> float:
                near = items[i].up if down else items[i].down
                return sum(pos[k] for k in near) / len(near) if near else float(pos[i])
            current[r].sort(key=key)
            pos.update({i: p for p, i in enumerate(current[r])})
        _transpose(items, current, pos)
        crossings = _crossings(items, current, pos)
        if crossings < best_x:
            best, best_x = [list(r) for r in current], crossings
        if best_x == 0:
            break
    return best


def _gap(a: _Item, b: _Item) -> float:
    if a.node is not None and b.node is not None:
        return 28
    if a.label or b.label or a.node is not None or b.node is not None:
        return 12
    return 6


def _place_row(items: list[_Item], row: list[int], want: dict[int, float]) -> None:
    """Left edges as near the wanted centres as the order and the gaps allow (least squares, pool-adjacent)."""
    offsets, off = [], 0.0
    for p, i in enumerate(row):
        offsets.append(off)
        off += items[i].w + (_gap(items[i], items[row[p + 1]]) if p + 1 < len(row) else 0)
    blocks: list[tuple[float, int]] = []  # runs of items that move together: (sum of their wanted values, size)
    for p, i in enumerate(row):
        blocks.append((want[i] - (items[i].w + items[i].lead) / 2 - offsets[p], 1))
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            v, n = blocks.pop()
            blocks[-1] = (blocks[-1][0] + v, blocks[-1][1] + n)
    p = 0
    for v, n in blocks:
        for _ in range(n):
            items[row[p]].x = v / n + offsets[p]
            p += 1


def _placeholders_x(items: list[_Item], chains: list[list[int]]) -> dict[int, float]:
    """Per edge, the mean centre of its placeholders: where they are wanted, for one upright line."""
    out = {}
    for j, chain in enumerate(chains):
        xs = [items[k].cx for k in chain if items[k].node is None and not items[k].label]
        if xs:
            out[j] = sum(xs) / len(xs)
    return out


def _curve(a: tuple[float, float], b: tuple[float, float]) -> str:
    mid = (a[1] + b[1]) / 2
    return f" C{a[0]:.1f},{mid:.1f} {b[0]:.1f},{mid:.1f} {b[0]:.1f},{b[1]:.1f}"


def _path(points: list[tuple[float, float]], curved: list[bool]) -> str:
    """M through the points: a curve with upright ends where ``curved[k]`` (between rows), else a straight line."""
    d = f"M{points[0][0]:.1f},{points[0][1]:.1f}"
    for k in range(1, len(points)):
        d += _curve(points[k - 1], points[k]) if curved[k - 1] else f" L{points[k][0]:.1f},{points[k][1]:.1f}"
    return d


def layout(s: Scenario, path: Iterable[str] = (), fired: Iterable[tuple[str, int]] = ()) -> Layout:
    """Where everything of the SVG diagram goes: node boxes, each edge's line and label box, the title."""
    visited = list(path)
    taken = _taken(visited, fired, s)
    specs = [_Spec(nid, r.goto, "route", i, r.when or "otherwise", (nid, i) in taken)
             for nid, node in s.nodes.items() for i, r in enumerate(node.routes) if r.goto in s.nodes]
    specs += [_Spec(ANY, rule.goto, "end_when", k, rule.when, False)
              for k, rule in enumerate(s.end_when) if rule.goto in s.nodes]
    layer, back = _layers(s, specs)
    items: list[_Item] = []
    node_item: dict[str, int] = {}
    title_chars = int((NODE_W - 12) / (CHAR_EM * BOLD * 12))
    heads = {nid: _wrap(node.outcome.label, title_chars, 2) if node.outcome else (_short(nid, title_chars),)
             for nid, node in s.nodes.items()}
    heads[ANY] = ("any turn",)
    tall = NODE_H + _LINE * (max((len(heads[n]) for n, node in s.nodes.items() if node.outcome), default=1) - 1)
    for nid in sorted(layer, key=lambda n: layer[n]):  # stable: scenario order within a layer
        node_item[nid] = len(items)
        ending = nid in s.nodes and s.nodes[nid].outcome is not None  # endings all as tall as the tallest
        lead = _START_W + 12 if nid == s.start else 0.0
        items.append(_Item(2 * layer[nid], (ANY_W if nid == ANY else NODE_W) + lead, tall if ending else NODE_H,
                           node=nid, lead=lead))
    texts = [_short(e.condition, LABEL_CHARS) for e in specs]
    label_h = (ASCENT + DESCENT) * LABEL_FONT + 2 * _PAD_Y
    chains: list[list[int]] = []  # per edge: its items from the upper end to the lower end (a loop: node, label)
    for j, e in enumerate(specs):
        lw = text_width(texts[j], LABEL_FONT) + 2 * _PAD_X
        lu = layer[e.source]
        if e.source == e.target:
            items.append(_Item(2 * lu + 1, lw, label_h, edge=j, label=True))
            chains.append([node_item[e.source], len(items) - 1])
            continue
        upper, lower = (e.target, e.source) if j in back else (e.source, e.target)
        label_rank = 2 * lu - 1 if j in back else 2 * lu + 1
        chain = [node_item[upper]]
        for r in range(2 * layer[upper] + 1, 2 * layer[lower]):
            is_label = r == label_rank
            items.append(_Item(r, lw if is_label else 2, label_h if is_label else 2, edge=j, label=is_label))
            chain.append(len(items) - 1)
        chain.append(node_item[lower])
        chains.append(chain)
    for chain in chains:
        for a, b in zip(chain, chain[1:], strict=False):
            items[a].down.append(b)
            items[b].up.append(a)
    ranks: list[list[int]] = [[] for _ in range(max(it.rank for it in items) + 1)] if items else []
    for i, it in enumerate(items):
        ranks[it.rank].append(i)
    ranks = _order(items, ranks)
    # Across: every row packed, then nudged a few times: a box or label towards the centre of what it joins, a
    # placeholder in line with the rest of its edge's (so a long line runs upright between the rows it crosses).
    for row in ranks:
        _place_row(items, row, {i: 0.0 for i in row})
    for sweep in range(_PLACE_SWEEPS):
        order = range(len(ranks)) if sweep % 2 == 0 else range(len(ranks) - 1, -1, -1)
        upright = _placeholders_x(items, chains)
        for r in order:
            want = {}
            for i in ranks[r]:
                it = items[i]
                if it.node is None and not it.label and it.edge is not None:
                    want[i] = upright[it.edge]
                    continue
                near = it.up + it.down
                want[i] = sum(items[k].cx for k in near) / len(near) if near else it.cx
            _place_row(items, ranks[r], want)
    # Down: the heading, then the rows, with room between them for the lines to bend.
    heading = _short(f"{s.title} ({s.id} v{s.version})", 120)
    heading_box = text_box(_MARGIN, HEADING_Y, heading, HEADING_FONT * BOLD, "start")
    left = min((it.x for it in items), default=0.0)
    for it in items:
        it.x += _MARGIN - left
    y = heading_box.bottom + 10
    for r, row in enumerate(ranks):
        h = max((items[i].h for i in row), default=2.0)
        for i in row:
            if not items[i].label:  # boxes and placeholders take the whole height of their row
                items[i].h = h
            items[i].y = y + (h - items[i].h) / 2
        spread = max((abs(items[i].cx - items[k].cx) for i in row for k in items[i].down), default=0.0)
        y += h + (min(90.0, max(18.0, 14 + 0.1 * spread)) if r + 1 < len(ranks) else 0)
    width = max([it.x + it.w for it in items] + [heading_box.right]) + _MARGIN
    height = y + _MARGIN
    # Where each line meets a node: spread along the box's bottom and top, in the order of what they lead to.
    ends: dict[tuple[int, str], list[tuple[float, int, int]]] = {}
    for j, chain in enumerate(chains):
        if specs[j].source == specs[j].target:
            lab = items[chain[1]]
            ends.setdefault((chain[0], "bottom"), []).extend([(lab.x + lab.w / 4, j, 0), (lab.x + 3 * lab.w / 4, j, 1)])
            continue
        ends.setdefault((chain[0], "bottom"), []).append((items[chain[1]].cx, j, 0))
        ends.setdefault((chain[-1], "top"), []).append((items[chain[-2]].cx, j, 0))
    port: dict[tuple[int, str, int], float] = {}
    for (i, side), lst in ends.items():
        lst.sort()
        at = items[i]
        inset = 14 if at.node == ANY else 8
        for p, (_, j, k) in enumerate(lst):
            port[(j, side, k)] = at.x + at.lead + inset + (at.w - at.lead - 2 * inset) * (p + 1) / (len(lst) + 1)
    edges: list[DrawnEdge] = []
    for j, chain in enumerate(chains):
        e = specs[j]
        lab_item = next(items[i] for i in chain if items[i].label)
        lbox = Box(lab_item.x, lab_item.y, lab_item.w, lab_item.h)
        label = EdgeLabel(texts[j], lbox.cx, lbox.y + _PAD_Y + ASCENT * LABEL_FONT, lbox)
        top = items[chain[0]]
        if e.source == e.target:
            qa, qb = lbox.x + lbox.w / 4, lbox.x + 3 * lbox.w / 4
            mid = lbox.y + lbox.h / 2
            pts = [(port[(j, "bottom", 0)], top.y + top.h), (qa, lbox.y), (qa, mid), (qb, mid), (qb, lbox.y),
                   (port[(j, "bottom", 1)], top.y + top.h)]
            curved = [True, False, False, False, True]
        else:
            pts = [(port[(j, "bottom", 0)], top.y + top.h)]
            curved = []
            for i in chain[1:-1]:
                it = items[i]
                pts += [(it.cx, it.y), (it.cx, it.y + it.h)]
                curved += [True, False]
            bottom = items[chain[-1]]
            pts.append((port[(j, "top", 0)], bottom.y))
            curved.append(True)
            if j in back:
                pts.reverse()
                curved.reverse()
        edges.append(DrawnEdge(e.source, e.target, e.kind, e.index, e.condition, label, tuple(pts),
                               _path(pts, curved), e.taken))
    seen = set(visited)
    nodes: dict[str, DrawnNode] = {}
    for nid, i in node_item.items():
        it = items[i]
        box = Box(it.x + it.lead, it.y, it.w - it.lead, it.h)
        if nid == ANY:
            nodes[nid] = DrawnNode(nid, "any", box, heads[nid], "end_when", "Ends the call on any turn when its "
                                   "condition holds (the scenario's end_when rules)")
            continue
        node = s.nodes[nid]
        sub_chars = int((NODE_W - 12) / (CHAR_EM * 10))
        if node.outcome:
            nodes[nid] = DrawnNode(nid, "ending", box, heads[nid], node.outcome.result,
                                   f"{nid}: {node.outcome.label} ({node.outcome.result})\n{node.say[0].text}",
                                   node.outcome.result, nid in seen)
        else:
            nodes[nid] = DrawnNode(nid, "node", box, heads[nid], _short(node.say[0].text, sub_chars),
                                   f"{nid}: {node.say[0].text}", None, nid in seen)
    start = None
    if s.start in node_item:
        it = items[node_item[s.start]]
        start = Box(it.x, it.y + it.h / 2 - 10, _START_W, 20)
    return Layout(width, height, heading, heading_box, nodes, edges, start)


def svg(s: Scenario, path: Iterable[str] = (), fired: Iterable[tuple[str, int]] = ()) -> str:
    """A self-contained SVG of ``layout()``: no Graphviz or other system package is needed.

    Every edge is a <g class="edge"> holding its full condition as a <title> (the tooltip), its line and its
    label; every node a <g class="node"> with its box. End_when rules hang from an "any turn" node, dashed.
    """
    lay = layout(s, path, fired)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{lay.width:.0f}" height="{lay.height:.0f}" '
        f'viewBox="0 0 {lay.width:.0f} {lay.height:.0f}" font-family="Helvetica, Arial, sans-serif" font-size="12">',
        "<defs>",
    ]
    colours = {"route": "#868e96", "hot": "#1c7ed6", "end_when": "#862e9c", "start": "#2b8a3e"}
    for name, colour in colours.items():
        out.append(f'<marker id="arrow-{name}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
                   f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/>'
                   "</marker>")
    out += [
        "</defs>",
        f"<title>{_xml(s.title)}</title>",
        f'<text class="heading" x="{_MARGIN}" y="{HEADING_Y}" font-size="{HEADING_FONT}" font-weight="bold">'
        f'{_xml(lay.heading)}</text>',
    ]
    for e in lay.edges:
        style = "hot" if e.taken else e.kind
        colour = colours[style]
        classes = "edge end-when" if e.kind == "end_when" else "edge route"
        dash = ' stroke-dasharray="6 4"' if e.kind == "end_when" else ""
        lb = e.label.box
        out.append(
            f'<g class="{classes}{" taken" if e.taken else ""}" data-from="{_xml(e.source)}" '
            f'data-to="{_xml(e.target)}" data-index="{e.index}"><title>{_xml(e.condition)}</title>'
            f'<path d="{e.d}" fill="none" stroke="{colour}" stroke-width="{2.5 if e.taken else 1.2}"{dash} '
            f'marker-end="url(#arrow-{style})"/>'
            f'<rect class="label-box" x="{lb.x:.1f}" y="{lb.y:.1f}" width="{lb.w:.1f}" height="{lb.h:.1f}" rx="3" '
            f'fill="#ffffff" stroke="{colour}" stroke-width="{1.5 if e.taken else 0.6}"{dash}/>'
            f'<text class="edge-label" x="{e.label.x:.1f}" y="{e.label.y:.1f}" font-size="{LABEL_FONT}" '
            f'text-anchor="middle" fill="{"#1c7ed6" if e.taken else "#343a40"}">{_xml(e.label.text)}</text></g>')
    if lay.start is not None:
        b, to = lay.start, lay.nodes[s.start].box
        out.append(f'<g class="start-mark" data-for="{_xml(s.start)}"><title>Every call starts here</title>'
                   f'<rect x="{b.x:.1f}" y="{b.y:.1f}" width="{b.w:.1f}" height="{b.h:.1f}" rx="10" fill="#2b8a3e"/>'
                   f'<text x="{b.cx:.1f}" y="{b.y + 14:.1f}" text-anchor="middle" font-size="10" font-weight="bold" '
                   f'fill="#ffffff">start</text><path d="M{b.right:.1f},{b.y + b.h / 2:.1f} L{to.x:.1f},'
                   f'{b.y + b.h / 2:.1f}" stroke="#2b8a3e" stroke-width="1.5" marker-end="url(#arrow-start)"/></g>')
    for n in lay.nodes.values():
        b = n.box
        classes = " ".join(["node", n.kind] + ([n.result] if n.result else []) + (["visited"] if n.visited else []))
        stroke, sw = ("#1c7ed6", 3) if n.visited else ("#343a40", 1)
        if n.kind == "any":
            k = 12
            pts = (f"{b.x + k:.1f},{b.y:.1f} {b.right - k:.1f},{b.y:.1f} {b.right:.1f},{b.y + b.h / 2:.1f} "
                   f"{b.right - k:.1f},{b.bottom:.1f} {b.x + k:.1f},{b.bottom:.1f} {b.x:.1f},{b.y + b.h / 2:.1f}")
            shape = f'<polygon points="{pts}" fill="#f3d9fa" stroke="{colours["end_when"]}" stroke-width="1"/>'
        else:
            fill = _FILLS[n.result] if n.result else "#f8f9fa"
            shape = (f'<rect x="{b.x:.1f}" y="{b.y:.1f}" width="{b.w:.1f}" height="{b.h:.1f}" rx="8" fill="{fill}" '
                     f'stroke="{stroke}" stroke-width="{sw}"/>')
        top = b.y + 19 + (b.h - NODE_H - _LINE * (len(n.title) - 1)) / 2  # the lines in the middle of the box
        heads = "".join(f'<text x="{b.cx:.1f}" y="{top + _LINE * k:.1f}" text-anchor="middle" '
                        f'font-weight="bold">{_xml(line)}</text>' for k, line in enumerate(n.title))
        out.append(f'<g class="{classes}" data-id="{_xml(n.id)}"><title>{_xml(n.tooltip)}</title>{shape}{heads}'
                   f'<text x="{b.cx:.1f}" y="{b.bottom - 11:.1f}" text-anchor="middle" font-size="10" '
                   f'fill="#495057">{_xml(n.sub)}</text></g>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
