"""A trainer's preview of one scenario file: the call, started at any node, and reloads that keep the place.

:class:`Preview` owns the file, the last version of it that loaded (the compiled machine and its
positions), the diagnostics of the version on disk, and the call being played. It holds no Textual: the
preview screen runs it in thread workers, and the tests drive it directly. Its methods are serialised by
a lock, so a reload never swaps the call while a reply is being scored.

Starting at a node starts from the state a call has there (:mod:`callsim.core.nodestate`: the first
walkthrough through the node, else the shortest chain of routes), with the ``--set`` values over it;
``Preview.state`` says where that state came from. Jumping to a node (F2) keeps the call's own mood and flags.

Reloading keeps the place: the new version's call is restored from the old call's state, at the same
node with the same mood and flags (new mood variables and flags start at their declared start values;
removed ones are dropped; values are clamped to the new bounds). When the node is gone the call goes to
the start node, mood and flags kept, and :class:`Reload` says so. A version with errors is not played:
the call goes on in the last version that loaded, and the diagnostics are shown.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from callsim.core.diagnostics import Diagnostic, did_you_mean
from callsim.core.loader import LoadResult, ScenarioFileError, load_scenario
from callsim.core.nodestate import Setting, check_node, check_settings, parse_setting
from callsim.core.nodestate import StateError as PreviewError

if TYPE_CHECKING:
    from callsim.core.engine import Call, CompiledScenario
    from callsim.core.models import Scenario
    from callsim.core.nodestate import NodeState
    from callsim.core.record import CallState, Turn
    from callsim.core.scorer import Scorer

__all__ = ["Preview", "PreviewError", "Reload", "Setting", "check_node", "check_settings", "parse_setting"]


def signature(path: Path) -> tuple[int, int] | None:
    """What changes when the file is saved (modification time and size); None when it is missing."""
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


@dataclass
class Reload:
    """What a reload did: loaded (or not), the notes to show, and whether the place was lost."""

    loaded: bool
    notes: list[str] = field(default_factory=list)
    moved: bool = False  # the node was gone: the call went to the start node
    started: bool = False  # no call before (the file had errors until now): the call began


class Preview:
    """One scenario file being previewed. Not a Textual object: see the module docstring."""

    def __init__(self, path: Path, *, seed: int = 1, scorer: Scorer | None = None) -> None:
        self.path = path
        self.seed = seed
        self.scorer = scorer  # None: the real scorer
        self.result: LoadResult | None = None  # the version on disk, as last read
        self.file_error: str | None = None  # the file could not be read at all
        self.good: LoadResult | None = None  # the last version that loaded without errors
        self.compiled: CompiledScenario | None = None
        self.call: Call | None = None
        self.state: NodeState | None = None  # what the call last (re)started from, and where that came from
        self.signature = signature(path)
        self._lock = threading.RLock()

    # ------------------------------------------------------------------------------ reading
    def read(self) -> bool:
        """Read the file (again). True when it loads without errors (then it is the version played)."""
        with self._lock:
            self.signature = signature(self.path)
            try:
                result = load_scenario(self.path, run_walkthroughs=False)
            except ScenarioFileError as e:
                self.file_error = str(e)
                self.result = None
                return False
            self.file_error = None
            self.result = result
            if result.scenario is None or result.errors:
                return False
            from callsim.core.engine import CompiledScenario

            self.good = result
            self.compiled = CompiledScenario(result.scenario, self.scorer)
            return True

    def changed(self) -> bool:
        """Has the file changed on disk since it was last read?"""
        return signature(self.path) != self.signature

    @property
    def scenario(self) -> Scenario | None:
        return self.compiled.scenario if self.compiled else None

    @property
    def problems(self) -> list[Diagnostic]:
        """The diagnostics of the version on disk, errors first."""
        if self.result is None:
            return []
        return [*self.result.errors, *self.result.warnings]

    def position(self, *path: str | int) -> tuple[int, int] | None:
        """Where a node (its key) or a route (its first line) is in the version being played."""
        if self.good is None:
            return None
        return self.good.positions.of(tuple(path), key=isinstance(path[-1], str))

    # ------------------------------------------------------------------------------ playing
    def start(self, node: str | None = None, settings: dict[str, Setting] | None = None,
              keep: CallState | None = None) -> Call:
        """A new call at ``node`` (default: the start). Its mood and flags are those of ``keep`` when given (a
        jump keeps the call's own), else the state a call has at the node (:mod:`callsim.core.nodestate`:
        ``self.state`` says where it came from); ``settings`` are laid over either."""
        from callsim.core.engine import fit_state
        from callsim.core.nodestate import NodeState, state_at

        with self._lock:
            compiled = self._need_compiled()
            scenario = compiled.scenario
            node = node or scenario.start
            check_node(scenario, node)
            if keep is None:
                state = state_at(compiled, node)
            else:
                fitted, _ = fit_state(keep, scenario)
                disclosed = [f for f in keep.disclosed if f in scenario.persona.facts]
                disclosed += [f for f in scenario.nodes[node].discloses if f not in disclosed]
                state = NodeState(node, "kept", "jumped to, with the mood and flags kept", dict(fitted.mood),
                                  dict(fitted.flags), tuple(disclosed))
            self.state = state.with_settings(settings or {})
            self.call = self.state.call(compiled, self.seed)
            return self.call

    def respond(self, text: str) -> Turn:
        with self._lock:
            if self.call is None:
                raise PreviewError("the scenario has not loaded yet")
            return self.call.respond(text)

    def reload(self) -> Reload:
        """Read the file again and carry the call over to the new version (see the module docstring)."""
        with self._lock:
            before = self.call.state() if self.call is not None else None
            old = self.scenario
            if not self.read():
                return Reload(False)
            from callsim.core.engine import fit_state

            scenario = self.scenario
            assert scenario is not None and self.compiled is not None
            if before is None:
                return Reload(True, started=True)
            notes: list[str] = []
            moved = before.node not in scenario.nodes
            if moved:
                hint = did_you_mean(before.node, scenario.nodes)
                if f"'{scenario.start}'" in hint:
                    hint = ""  # "did you mean" the start node: that is where the call goes anyway
                notes.append(f"Node '{before.node}' is no longer in the file: back to the start, "
                             f"'{scenario.start}', with the mood and flags kept.{hint}")
            state, changes = fit_state(before, scenario, old, node=scenario.start if moved else None)
            notes.extend(changes)
            self.call = self.compiled.restore(state)
            return Reload(True, notes, moved=moved)

    def _need_compiled(self) -> CompiledScenario:
        if self.compiled is None:
            raise PreviewError("the scenario has not loaded yet")
        return self.compiled

