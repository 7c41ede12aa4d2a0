""""What if": the state of a call just before a chosen turn, rebuilt from the turn records.

A finished call's record holds every turn (node, mood before and after, flags, scores). From those and
the scenario, :func:`state_before_turn` rebuilds exactly what :meth:`Call.state` returned before that
turn was played, so :meth:`CompiledScenario.restore` puts the trainee back at that moment to try a
different reply. Nothing here imports Textual.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from callsim.core.engine import RECORD_FORMAT, CompiledScenario


def _turn_ids(turn: dict[str, Any]) -> set[str]:
    scores = turn["scores"]
    return {b["id"] for b in scores["behaviours"]} | {v["id"] for v in scores["violations"]}


def _plan_in(turn: dict[str, Any]) -> float:
    plans = [a for a in turn["scores"].get("amounts", []) if a.get("role") == "plan"]
    return float(plans[-1]["monthly"]) if plans else 0.0


def state_before_turn(compiled: CompiledScenario, record: dict[str, Any], index: int) -> dict[str, Any]:
    """The call state as it was before turn ``index`` (1-based) was played."""
    scenario = compiled.scenario
    turns: list[dict[str, Any]] = list(record["turns"])
    if not 1 <= index <= len(turns):
        raise ValueError(f"there is no turn {index} (the call has {len(turns)})")
    earlier = turns[: index - 1]
    target = turns[index - 1]
    flags = dict(earlier[-1]["flags"]) if earlier else {k: scenario.flag_start(k) for k in scenario.flags}
    seen: Counter[str] = Counter()
    disclosed: list[str] = []
    visited = [scenario.start, *(t["next"] for t in earlier)]
    for node_id in visited:
        node = scenario.nodes.get(node_id)
        for fact in node.discloses if node else ():
            if fact not in disclosed:
                disclosed.append(fact)
    last_plan = 0.0
    budget_disclosed = False
    for t in earlier:
        ids = _turn_ids(t)
        seen.update(ids)
        budget_disclosed = budget_disclosed or "affordability_check" in ids
        plan = _plan_in(t)
        if plan > 0:
            last_plan = plan
    return {
        "format": RECORD_FORMAT,
        "scenario": {"id": scenario.id, "version": scenario.version},
        "seed": record["seed"],
        "node": target["node"],
        "mood": dict(target["mood_before"]),
        "flags": flags,
        "seen": dict(sorted(seen.items())),
        "disclosed": disclosed,
        "budget_disclosed": budget_disclosed,
        "last_plan": last_plan,
        "outcome": None,
        "turns": earlier,
    }
