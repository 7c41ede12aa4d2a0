"""Starting, resuming and ending a recorded call: the use cases every client shares.

The trainee app (``tui/app.py``), plain mode and ``callsim run`` (``cli/store.plain_call``) all start a
call the same way and resume one under the same rules; this module is that one way. It decides *what*
happens (which unfinished call, whether it can be resumed faithfully, what the store's session row says);
each client decides *how* it is shown (a dialog or a numbered prompt, a toast or an error line) and how
the writes reach the store (the app's store thread, plain mode's own ``SessionRecorder``).

Nothing here opens a store or prints: the functions take the store or the stored summary they need, and
a refusal is a :class:`CannotResume` whose message is written for the trainee.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from callsim.core.engine import Call, CompiledScenario
    from callsim.core.models import Scenario
    from callsim.core.record import CallState
    from callsim.core.store import SessionSummary, Store

WHAT_IF = "what-if"  # the mode of a call rewound to a turn: kept out of trends, best results and reports


class CannotResume(ValueError):  # noqa: N818 - read as a sentence: "raise CannotResume(why)"
    """An unfinished call that cannot be resumed (or none to resume); the message says why, for the trainee."""


@dataclass(frozen=True)
class SessionDetails:
    """What the store's session row says about a call before its first turn (and, resumed, which row)."""

    trainee: str
    scenario_id: str
    scenario_version: int
    seed: int
    mode: str
    rubric_version: int = 1
    session_id: str | None = None

    def kwargs(self) -> dict[str, Any]:
        """As keyword arguments for ``SessionRecorder`` (plain mode) or the app's ``SessionLog``."""
        return asdict(self)


def details_for(scenario: Scenario, call: Call, *, trainee: str, mode: str) -> SessionDetails:
    """The session row of a new call of ``scenario`` (its seed from ``call``; the rubric version in use)."""
    from callsim.core.rubric import load_rubric  # about 70 ms cold

    return SessionDetails(trainee=trainee, scenario_id=scenario.id, scenario_version=scenario.version,
                          seed=call.seed, mode=mode, rubric_version=load_rubric().version)


def start(compiled: CompiledScenario, *, trainee: str, seed: int, mode: str) -> tuple[Call, SessionDetails]:
    """A new call of a compiled scenario, and its session row."""
    call = compiled.new_call(seed)
    return call, details_for(compiled.scenario, call, trainee=trainee, mode=mode)


def unfinished(store: Store, trainee: str, ref: str = "", scenario_id: str | None = None) -> list[SessionSummary]:
    """The trainee's unfinished calls a resume could mean, newest first: the one ``ref`` names (an id or
    its start), else every one (of ``scenario_id`` only, when given). Raises :class:`CannotResume` when
    there is none, or ``ref`` names a finished call or another trainee's."""
    if ref:
        s = store.get(ref).summary
        if s.finished:
            raise CannotResume(f"session {s.id} has finished; there is nothing to resume "
                               f"(see `callsim show {s.id}`)")
        if s.trainee != trainee:
            raise CannotResume(f"session {s.id} is {s.trainee}'s call, not {trainee}'s "
                               f"(to continue it as them: --trainee '{s.trainee}')")
        return [s]
    found = [s for s in store.unfinished(trainee) if scenario_id is None or s.scenario_id == scenario_id]
    if not found:
        raise CannotResume(f"{trainee} has no unfinished call to resume")
    return found


def stored_state(store: Store, summary: SessionSummary) -> CallState:
    """The saved state of an unfinished call. One this callsim cannot read (a newer record format, a damaged
    row) is a :class:`CannotResume` that says why."""
    from callsim.core.store_errors import UnreadableRecord

    try:
        return store.resume_state(summary.id)
    except UnreadableRecord as e:
        raise CannotResume(f"session {summary.id} cannot be resumed: {e}") from None


def resume(compiled: CompiledScenario, summary: SessionSummary, state: CallState, *,
           to_end: bool = False) -> tuple[Call, SessionDetails]:
    """The unfinished call ``summary`` back where it stopped (``state`` from ``Store.resume_state``), and its
    session row. A call played on another version of the scenario cannot be resumed faithfully (the nodes
    and lines may have changed): :class:`CannotResume`, unless it is only restored ``to_end`` it (then
    ``call.end_by_trainee()`` and save its record). A state the engine cannot take back is a
    :class:`CannotResume` too."""
    scenario = compiled.scenario
    if scenario.version != summary.scenario_version and not to_end:
        raise CannotResume(f"session {summary.id} was played on version {summary.scenario_version} of "
                           f"{scenario.id}, and version {scenario.version} is installed now, so it cannot be "
                           "resumed faithfully")
    try:
        call = compiled.restore(state)
    except Exception as e:  # a stale save or a changed scenario: the trainee's to know about
        raise CannotResume(f"session {summary.id} cannot be resumed: {e}") from None
    return call, SessionDetails(trainee=summary.trainee, scenario_id=summary.scenario_id,
                                scenario_version=summary.scenario_version, seed=summary.seed,
                                mode=summary.mode, rubric_version=summary.rubric_version,
                                session_id=str(summary.id))


def rewound(compiled: CompiledScenario, record: CallState | Any, index: int, *,
            trainee: str) -> tuple[Call, SessionDetails]:
    """A "what if" call: ``record``'s call taken back to before turn ``index``, as a new session of mode
    :data:`WHAT_IF` (its earlier turns belong to it too; it is kept out of trends and best results)."""
    call = compiled.rewind(record, index)
    return call, details_for(compiled.scenario, call, trainee=trainee, mode=WHAT_IF)
