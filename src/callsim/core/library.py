"""Finding scenarios: the shipped library, the user's folder, and paths given on the command line."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from callsim.core.paths import scenarios_dir

if TYPE_CHECKING:  # the loader pulls in pydantic models and the rubric (~0.1 s): only when loading
    from callsim.core.diagnostics import Diagnostic
    from callsim.core.loader import LoadResult


def shipped_dir() -> Path:
    """The scenarios that come with callsim (in a wheel: callsim/scenarios; in a checkout: scenarios/)."""
    packaged = Path(str(resources.files("callsim"))) / "scenarios"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "scenarios"


def files_in(paths: list[str | Path], *, keep_missing: bool = True) -> list[Path]:
    """The scenario files these paths name: folders give their .yaml/.yml files; a path that is neither
    a file nor a folder is kept (so the loader can say it is missing) unless ``keep_missing`` is false."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(x for x in p.glob("*.y*ml") if x.suffix in (".yaml", ".yml")))
        elif p.is_file() or keep_missing:
            out.append(p)
    return out


def scenario_files(extra: list[str] | None = None) -> list[Path]:
    """Scenario files: shipped, then the user folder, then any files or folders given."""
    out = files_in([shipped_dir(), scenarios_dir(), *(extra or [])], keep_missing=False)
    seen: set[Path] = set()
    unique = []
    for p in out:
        rp = p.resolve()
        if rp not in seen:
            seen.add(rp)
            unique.append(p)
    return unique


@dataclass
class Entry:
    path: Path
    result: LoadResult

    @property
    def id(self) -> str:
        return self.result.scenario.id if self.result.scenario else self.path.stem


def load_library(extra: list[str] | None = None) -> list[Entry]:
    from callsim.core.loader import ScenarioFileError, load_scenario

    entries = []
    for p in scenario_files(extra):
        try:
            entries.append(Entry(p, load_scenario(p, run_walkthroughs=False)))
        except ScenarioFileError:
            continue
    return entries


def id_clashes(found: Iterable[tuple[str, Path]]) -> dict[str, list[Path]]:
    """The scenario ids that more than one file uses, each with its files (one file given twice counts once).

    Sessions are stored by scenario id, so two files with one id would mix their sessions, and ``play <id>``
    could not tell them apart: lint reports it (E117) and :func:`resolve` refuses to guess."""
    by_id: dict[str, dict[Path, Path]] = {}
    for sid, path in found:
        by_id.setdefault(sid, {}).setdefault(path.resolve(), path)
    return {sid: list(paths.values()) for sid, paths in by_id.items() if len(paths) > 1}


def clash_diagnostic(result: LoadResult, others: list[Path]) -> Diagnostic:
    """E117 for ``result``'s file, at its ``id:``, naming the other files that use the same id."""
    from callsim.core.diagnostics import Diagnostic

    line, col = result.positions.of(("id",))
    assert result.scenario is not None
    where = " and ".join(str(p) for p in others)
    return Diagnostic(result.path, line, col, "E117",
                      f"scenario id '{result.scenario.id}' is also the id of {where}",
                      "Sessions are stored by scenario id, so the two would mix their sessions and "
                      "`callsim play` could not tell them apart: give this file a new `id:`.")


class NotFound(LookupError):  # noqa: N818 (reads better at call sites: `except NotFound`)
    pass


def resolve(ref: str, extra: list[str] | None = None) -> LoadResult:
    """A scenario by path or by id. Raises :class:`NotFound` or :class:`ScenarioFileError`."""
    from callsim.core.loader import load_scenario

    p = Path(ref)
    if p.suffix in (".yaml", ".yml") or os.sep in ref or p.exists():
        return load_scenario(p, run_walkthroughs=False)
    entries = load_library(extra)
    matches = [e for e in entries if e.id == ref]
    clash = id_clashes((e.id, e.path) for e in matches)
    if clash:
        paths = " and ".join(str(p) for p in clash[ref])
        raise NotFound(f"two scenario files use the id '{ref}': {paths}. callsim stores sessions by id, so it "
                       "will not guess which you mean: give one of them a new `id:` (`callsim lint` reports "
                       "E117), or give the file's path instead of the id.")
    if matches:
        return matches[0].result
    from callsim.core.diagnostics import did_you_mean

    ids = [e.id for e in entries]
    raise NotFound(f"no scenario '{ref}'.{did_you_mean(ref, ids)} Run `callsim list` to see them all.")
