"""Diagrams of a scenario: nodes, routes with their conditions, endings. Mermaid text, no system packages."""

from __future__ import annotations

import re
from collections.abc import Iterable

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


def svg(s: Scenario, path: Iterable[str] = (), fired: Iterable[tuple[str, int]] = ()) -> str:
    """A self-contained SVG drawn here (layered layout), so no Graphviz or other system package is needed."""
    from html import escape

    visited = list(path)
    taken = _taken(visited, fired, s)
    seen = set(visited)
    # Layers: breadth-first depth from the start; unreachable nodes go to the bottom layer.
    depth: dict[str, int] = {s.start: 0} if s.start in s.nodes else {}
    queue = [s.start] if depth else []
    while queue:
        nid = queue.pop(0)
        for r in s.nodes[nid].routes:
            if r.goto in s.nodes and r.goto not in depth:
                depth[r.goto] = depth[nid] + 1
                queue.append(r.goto)
    bottom = max(depth.values(), default=0) + 1
    for nid, node in s.nodes.items():
        if node.outcome is not None:  # endings sit together at the bottom
            depth[nid] = bottom
        depth.setdefault(nid, bottom + 1)
    layers: dict[int, list[str]] = {}
    for nid in s.nodes:
        layers.setdefault(depth[nid], []).append(nid)
    bw, bh, gx, gy, margin = 170, 44, 30, 90, 30
    width = margin * 2 + max(len(v) for v in layers.values()) * (bw + gx)
    pos: dict[str, tuple[float, float]] = {}
    for row, (_, ids) in enumerate(sorted(layers.items())):
        row_w = len(ids) * (bw + gx) - gx
        x0 = (width - row_w) / 2
        for i, nid in enumerate(ids):
            pos[nid] = (x0 + i * (bw + gx), margin + 40 + row * (bh + gy))
    height = max(y for _, y in pos.values()) + bh + margin
    fills = {"resolved": "#d8f3dc", "partial": "#fff3bf", "failed": "#ffe3e3"}
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="Helvetica, Arial, sans-serif" font-size="12">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#495057"/></marker></defs>',
        f'<title>{escape(s.title)}</title>',
        f'<text x="{margin}" y="{margin}" font-size="15" font-weight="bold">{escape(s.title)} '
        f'({escape(s.id)} v{s.version})</text>',
    ]
    for nid, node in s.nodes.items():
        x, y = pos[nid]
        for k, r in enumerate(node.routes):
            if r.goto not in pos:
                continue
            tx, ty = pos[r.goto]
            hot = (nid, k) in taken
            colour, width_ = ("#1c7ed6", 3) if hot else ("#868e96", 1.2)
            if r.goto == nid:  # a loop back to the same node
                d = f"M{x + bw},{y + 12} C{x + bw + 40},{y - 10} {x + bw + 40},{y + bh + 10} {x + bw},{y + bh - 12}"
                lx, ly = x + bw + 30, y + bh / 2
            else:
                sx, sy = x + bw / 2 + (k - len(node.routes) / 2) * 8, y + bh
                ex, ey = tx + bw / 2, ty
                if ty <= y:
                    sy, ey = y, ty + bh
                d = f"M{sx:.0f},{sy:.0f} C{sx:.0f},{(sy + ey) / 2:.0f} {ex:.0f},{(sy + ey) / 2:.0f} {ex:.0f},{ey:.0f}"
                lx, ly = (sx + ex) / 2, (sy + ey) / 2
            label = _label(r.when, 28) if r.when else "otherwise"
            out.append(f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="{width_}" '
                       f'marker-end="url(#arrow)"><title>{escape(r.when or "otherwise")}</title></path>')
            out.append(f'<text x="{lx:.0f}" y="{ly:.0f}" font-size="9" fill="#495057" text-anchor="middle">'
                       f'{escape(label)}</text>')
    for nid, node in s.nodes.items():
        x, y = pos[nid]
        fill = fills[node.outcome.result] if node.outcome else "#f8f9fa"
        stroke, sw = ("#1c7ed6", 3) if nid in seen else ("#343a40", 1)
        title = node.outcome.label if node.outcome else nid
        sub = node.outcome.result if node.outcome else _label(node.say[0].text, 28)
        out.append(f'<g><title>{escape(node.say[0].text)}</title><rect x="{x:.0f}" y="{y:.0f}" width="{bw}" '
                   f'height="{bh}" rx="8" fill="{fill}" stroke="{stroke}" stroke-width="{sw}"/>'
                   f'<text x="{x + bw / 2:.0f}" y="{y + 18:.0f}" text-anchor="middle" font-weight="bold">'
                   f'{escape(_label(title, 26))}</text><text x="{x + bw / 2:.0f}" y="{y + 34:.0f}" '
                   f'text-anchor="middle" font-size="10" fill="#495057">{escape(sub)}</text></g>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
