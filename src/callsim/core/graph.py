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


def mermaid(s: Scenario, path: Iterable[str] = ()) -> str:
    """A Mermaid flowchart. ``path`` (node ids a real call visited) is highlighted."""
    visited = list(path)
    on_path = set(zip(visited, visited[1:], strict=False))
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
        for r in node.routes:
            label = _label(r.when) if r.when else "otherwise"
            lines.append(f'    {nid} -->|"{label}"| {r.goto}')
            if (nid, r.goto) in on_path:
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
