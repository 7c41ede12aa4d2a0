"""The core never imports Textual: it stays fast to import and usable without a screen."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import callsim
import callsim.core


def core_modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages(callsim.core.__path__, "callsim.core."))


def test_core_has_modules() -> None:
    assert "callsim.core.engine" in core_modules()
    assert "callsim.core.scorer" in core_modules()


def test_no_core_module_imports_textual() -> None:
    mods = core_modules()
    code = (
        "import importlib, sys\n"
        f"for m in {mods!r}:\n"
        "    importlib.import_module(m)\n"
        "bad = sorted(k for k in sys.modules if k == 'textual' or k.startswith('textual.') or k == 'rich')\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"core imported: {out.stdout.strip()}"


def test_cli_import_does_not_pull_textual() -> None:
    code = "import sys, callsim.cli; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ---- the import contracts (issue 12): read from the source, so an import inside a function counts too -------


def _modules() -> dict[str, Path]:
    root = Path(callsim.__file__).parent
    out = {}
    for path in sorted(root.rglob("*.py")):
        parts = ("callsim", *path.relative_to(root).with_suffix("").parts)
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def _imports(name: str, path: Path) -> set[str]:
    """Every module name ``name`` imports at run time (an import under ``if TYPE_CHECKING:`` is for the type
    checker only and does not count)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(sub) for node in ast.walk(tree) if isinstance(node, ast.If)
                   and "TYPE_CHECKING" in ast.unparse(node.test) for sub in ast.walk(node)}
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            out.update(f"{base}.{a.name}" for a in node.names)  # the module named, or its package's name
    return out


def import_graph() -> dict[str, set[str]]:
    """callsim module -> the callsim modules it imports (``from callsim.cli import main`` is callsim.cli)."""
    mods = _modules()

    def owner(target: str) -> str | None:
        while target and target not in mods:
            target = target.rpartition(".")[0]
        return target or None

    graph = {}
    for name, path in mods.items():
        targets = {owner(t) for t in _imports(name, path) if t == "callsim" or t.startswith("callsim.")}
        graph[name] = {t for t in targets if t and t != name and t != "callsim"}
    return graph


def _within(name: str, layer: str) -> bool:
    return name == layer or name.startswith(layer + ".")


@pytest.mark.parametrize(("layer", "forbidden"), [
    ("callsim.core", ("callsim.tui", "callsim.cli", "callsim.config", "callsim.plain", "callsim.serve",
                      "callsim.serve_session")),
    ("callsim.tui", ("callsim.cli",)),
    # Each app is built from the shared pieces of tui/ (render, record_view, keyhelp, widgets), not from another
    # app's screens.
    ("callsim.tui.review", ("callsim.tui.app", "callsim.tui.screens", "callsim.tui.preview")),
    ("callsim.tui.preview", ("callsim.tui.app", "callsim.tui.screens", "callsim.tui.review")),
])
def test_a_layer_never_imports_the_layers_above_it(layer: str, forbidden: tuple[str, ...]) -> None:
    bad = sorted(f"{m} -> {t}" for m, targets in import_graph().items() if _within(m, layer)
                 for t in targets if any(_within(t, f) for f in forbidden))
    assert not bad, "imports against the layering:\n" + "\n".join(bad)


def test_screens_reach_the_app_through_its_protocol_not_its_class() -> None:
    """tui/services.py's TraineeServices (and tui/review/services.py's ReviewServices) is what a screen may ask of
    its app; none imports its app's module, not even for type checking (and so none can reach members the
    protocol does not name)."""
    tui = Path(__file__).resolve().parents[1] / "src" / "callsim" / "tui"
    names = ("callsim.tui.app", "CallsimApp", "callsim.tui.review.app", "ReviewApp")
    screens = [*(tui / "screens").glob("*.py"), *(tui / "review" / "screens").glob("*.py")]
    assert len(screens) > 10
    bad = sorted(str(p.relative_to(tui)) for p in screens if any(n in p.read_text(encoding="utf-8") for n in names))
    assert not bad, f"screens that name an app class: {bad}"


def test_no_core_module_imports_textual_even_inside_a_function() -> None:
    mods = _modules()
    bad = sorted(m for m, path in mods.items() if _within(m, "callsim.core")
                 for t in _imports(m, path) if t.split(".")[0] in ("textual", "rich", "textual_serve"))
    assert not bad


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other, directly or round a loop (Tarjan's components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return cycles


def test_find_cycles_finds_a_loop_and_nothing_else() -> None:
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles_between_modules() -> None:
    cycles = find_cycles(import_graph())
    assert not cycles, f"modules that import each other (directly or round a loop): {cycles}"


def test_the_graph_sees_imports_inside_functions() -> None:
    # cli.store imports the journal only inside a function; the contracts above depend on seeing such edges
    assert "callsim.core.journal" in import_graph()["callsim.cli.store"]
    assert "callsim.cli.common" in import_graph()["callsim.cli.store"]


# ---- the picture in docs/architecture.md, drawn from the import graph ---------------------------------------

# Each box of the picture: the modules in it (a name covers its submodules). A module in no box fails the test
# below, so a new module is placed on purpose.
BOXES: dict[str, tuple[str, ...]] = {
    "cli": ("callsim.cli",),
    "plain": ("callsim.plain",),
    "serve": ("callsim.serve", "callsim.serve_session"),
    "config": ("callsim.config",),
    "trainee app": ("callsim.tui", "callsim.tui.app", "callsim.tui.screens", "callsim.tui.services"),
    "review app": ("callsim.tui.review",),
    "preview app": ("callsim.tui.preview",),
    "shared tui": ("callsim.tui.widgets", "callsim.tui.themes", "callsim.tui.terminal", "callsim.tui.render",
                   "callsim.tui.record_view", "callsim.tui.keys", "callsim.tui.keyhelp", "callsim.tui.messages",
                   "callsim.tui.paste"),
    "core: scenarios": ("callsim.core.models", "callsim.core.loader", "callsim.core.yamlpos",
                        "callsim.core.diagnostics", "callsim.core.lint", "callsim.core.conditions",
                        "callsim.core.builtin_names", "callsim.core.library", "callsim.core.catalogue",
                        "callsim.core.scaffold", "callsim.core.graph", "callsim.core.placeholders",
                        "callsim.core.money", "callsim.core.dates", "callsim.core.fit", "callsim.core.acts"),
    "core: calls": ("callsim.core.engine", "callsim.core.record", "callsim.core.verdict", "callsim.core.coaching",
                    "callsim.core.walkthrough", "callsim.core.nodestate",
                    "callsim.core.sessions", "callsim.core.preview", "callsim.core.cards"),
    "core: scoring": ("callsim.core.scorer", "callsim.core.nlp", "callsim.core.epitome", "callsim.core.rubric",
                      "callsim.core.text"),
    "core: drills": ("callsim.core.drills",),
    "core: understanding": ("callsim.core.understanding",),
    "core: measuring": ("callsim.core.eval", "callsim.core.understanding.calibrate", "callsim.core.explore"),
    "core: storage": ("callsim.core.store", "callsim.core.store_errors", "callsim.core.store_thread",
                      "callsim.core.journal", "callsim.core.migrations", "callsim.core.review_data",
                      "callsim.core.paths"),
    "core: reports and exports": ("callsim.core.report", "callsim.core.reporting", "callsim.core.exports"),
}


def _box(module: str) -> str | None:
    """The box with the longest name covering ``module`` (``callsim.tui.review.x`` is the review app's)."""
    best: tuple[int, str] | None = None
    for box, names in BOXES.items():
        for n in names:
            if _within(module, n) and (best is None or len(n) > best[0]):
                best = (len(n), box)
    return best[1] if best else None


def _ids() -> dict[str, str]:
    return {box: "".join(c if c.isalnum() else "_" for c in box.replace(": ", "_")) for box in BOXES}


def mermaid_picture() -> str:
    """The boxes and which imports which, as the Mermaid block docs/architecture.md shows."""
    graph = import_graph()
    order = list(BOXES)
    edges = sorted({(a, b) for m, targets in graph.items() for t in targets
                    if (a := _box(m)) and (b := _box(t)) and a != b}, key=lambda e: (order.index(e[0]),
                                                                                       order.index(e[1])))
    ids = _ids()
    lines = ["```mermaid", "flowchart TD"]
    lines += [f'    {ids[box]}["{box}"]' for box in BOXES]
    lines += [f"    {ids[a]} --> {ids[b]}" for a, b in edges]
    return "\n".join([*lines, "```"])


def test_every_module_is_in_one_box_of_the_picture() -> None:
    loose = sorted(m for m in import_graph() if m not in ("callsim", "callsim.core") and _box(m) is None)
    assert not loose, f"put these in a box of BOXES in tests/test_architecture.py: {loose}"


def test_the_picture_in_the_architecture_doc_is_the_import_graph() -> None:
    doc = (Path(__file__).resolve().parents[1] / "docs" / "architecture.md").read_text(encoding="utf-8")
    picture = mermaid_picture()
    assert picture in doc, (
        "docs/architecture.md's picture is not the import graph any more; replace its ```mermaid block with:\n\n"
        + picture)


def test_the_picture_shows_the_layering() -> None:
    picture = mermaid_picture()
    ids = _ids()
    assert f"{ids['cli']} --> {ids['core: scenarios']}" in picture
    for box in BOXES:
        if box.startswith("core"):
            for upper in ("cli", "plain", "serve", "config", "trainee app", "review app", "preview app",
                          "shared tui"):
                assert f"{ids[box]} --> {ids[upper]}\n" not in picture + "\n"


def test_each_command_lives_in_its_group_module_not_in_the_cli_package_init() -> None:
    import argparse

    from callsim.cli import COMMAND_MODULES, build_parser

    def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
        return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices

    where = {}
    for name, p in subcommands(build_parser()).items():
        func = p.get_default("func") or next(iter(subcommands(p).values())).get_default("func")  # `eval DATASET`
        where[name] = func.__module__
    assert {"play", "run", "score", "lint", "list", "export", "eval", "serve", "paths"} <= set(where)
    assert all(m in COMMAND_MODULES for m in where.values()), where
    assert where["play"] == "callsim.cli.calls" and where["lint"] == "callsim.cli.scenarios"


def test_every_export_format_is_offered_by_the_export_command() -> None:
    import argparse

    from callsim.cli import build_parser
    from callsim.core.exports import FORMATS, WRITERS

    export = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)).choices["export"]
    fmt = next(a for a in export._actions if "--format" in a.option_strings)
    assert tuple(fmt.choices or ()) == FORMATS == tuple(WRITERS)
