"""docs/scenarios.md, generated from the scenario files so it never drifts (a test compares them)."""

from __future__ import annotations

from pathlib import Path

from callsim.core.loader import load_scenario
from callsim.core.money import format_money
from callsim.core.rubric import load_rubric


def catalogue(folder: Path) -> str:
    rubric = load_rubric()
    scenarios = []
    for path in sorted(folder.glob("*.yaml")):
        r = load_scenario(path, run_walkthroughs=False)
        if r.scenario is not None:
            scenarios.append((path, r.scenario))
    scenarios.sort(key=lambda p: (p[1].difficulty, p[1].id))
    out = [
        "# The scenario library",
        "",
        "Generated from `scenarios/*.yaml` by `callsim catalogue > docs/scenarios.md`; a test fails when it",
        "drifts. Play any of them with `callsim play ID --plain` (or pick one in the app).",
        "",
        "| id | situation | difficulty | jurisdiction | persona | endings |",
        "|---|---|---|---|---|---|",
    ]
    for _, s in scenarios:
        endings = len(s.outcomes)
        out.append(f"| `{s.id}` | {s.persona.situation.value.replace('_', ' ')} | {s.difficulty} | "
                   f"{s.jurisdiction.value} | {s.persona.name}, {s.persona.age} | {endings} |")
    for path, s in scenarios:
        d = s.debt
        trains = sorted({b for n in s.nodes.values() for b in n.expects if b in rubric.by_id})
        out += [
            "",
            f"## {s.title}",
            "",
            f"`{s.id}` · `{path.name}` · {s.persona.situation.value.replace('_', ' ')} · difficulty "
            f"{s.difficulty}/5 · {s.jurisdiction.value} · version {s.version}",
            "",
            " ".join(s.summary.split()),
            "",
            f"- **Debt**: {format_money(d.balance, d.symbol)} owed to {d.creditor}, {d.days_past_due} days past "
            f"due; actions intended: {', '.join(a.value for a in d.actions.intended) or 'none'}.",
            "- **Endings**: " + "; ".join(f"{o.label} ({o.result})" for o in s.outcomes.values()) + ".",
        ]
        if s.learning_goals:
            out.append("- **Learning goals**:")
            out += [f"  - {g}" for g in s.learning_goals]
        out.append("- **Behaviours it trains**: " + ", ".join(
            f"{rubric.get(b).label} (`{b}`)" for b in trains) + ".")
    return "\n".join(out) + "\n"
