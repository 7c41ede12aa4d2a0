"""Checking drill files: each loads, its model message raises nothing, its questions are answerable; and which
rules the drills cover (``callsim drill lint --coverage``)."""

from __future__ import annotations

from pathlib import Path

from callsim.core.diagnostics import did_you_mean
from callsim.core.drills.attempt import check_model
from callsim.core.drills.model import Drill, DrillFileError, drill_files, load_drill
from callsim.core.drills.rules import rulebook
from callsim.core.drills.schedule import decide
from callsim.core.library import load_library


def lint_drills(paths: list[Path] | None = None) -> tuple[list[str], dict[str, list[str]]]:
    """Problems (one line each, with the file) and, per rule, the drills that exercise it and the call scenarios
    that name it."""
    problems: list[str] = []
    drills: list[tuple[Path, Drill]] = []
    for path in paths or drill_files():
        try:
            drills.append((path, load_drill(path)))
        except DrillFileError as e:
            problems.append(str(e))
    coverage: dict[str, list[str]] = {r.id: [] for r in rulebook().rules}
    scenarios = {e.id: e.result.scenario for e in load_library() if e.result.scenario is not None}
    for path, d in drills:
        if d.kind == "schedule":
            assert d.case is not None
            answers = [decide(d.case, q.question) for q in d.questions]
            for i, (q, result) in enumerate(zip(d.questions, answers, strict=True)):
                for rule in result.rules:
                    if d.id not in coverage[rule]:
                        coverage[rule].append(d.id)
                if q.address and d.case.address(q.address) is None:
                    problems.append(f"{path}: questions[{i}] names the address {q.address!r}, which the case "
                                    "does not have")
            if all(a.allowed for a in answers):
                problems.append(f"{path}: every question's answer is yes; a drill should have at least one no")
            continue
        if d.scenario and d.scenario not in scenarios:
            problems.append(f"{path}: scenario: no scenario '{d.scenario}', so the draft would be checked without "
                            f"its debt facts.{did_you_mean(d.scenario, scenarios)} `callsim list` shows them.")
        checked = check_model(d, scenario=scenarios.get(d.scenario))
        for f in checked.findings:
            problems.append(f"{path}: the model message raises {f.rule} ({f.severity}): {f.message}")
        for rule in checked.rules:
            if d.id not in coverage[rule]:
                coverage[rule].append(d.id)
    for scenario in scenarios.values():  # the call scenarios that name rules (`rules:`): lint E123 checks the names
        for rid in scenario.rules:
            if rid in coverage:
                coverage[rid].append(f"scenario {scenario.id}")
    return problems, coverage
