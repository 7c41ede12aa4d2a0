"""Finding scenarios: the shipped library, the user's folder, and paths given on the command line."""

from __future__ import annotations

import os
import re
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
    return _entries(scenario_files(extra))


def _entries(paths: Iterable[Path]) -> list[Entry]:
    """The scenarios in ``paths`` that load (a broken file is lint's to report, not the library's)."""
    from callsim.core.loader import ScenarioFileError, load_scenario

    entries = []
    for p in paths:
        try:
            entries.append(Entry(p, load_scenario(p, run_walkthroughs=False)))
        except ScenarioFileError:
            continue
    return entries


# A top-level ``id:`` as written ("id: job-loss-us", "id: 'job-loss-us'  # note"), read without parsing the YAML
_DECLARED_ID = re.compile(r"^id:[ \t]*(['\"]?)([^'\"\s#]+)\1[ \t]*(#.*)?$", re.M)


def declared_id(path: Path) -> str | None:
    """The scenario id the file declares at its top level, read from its text (None when it is not plain to see:
    then only loading the file tells). Looking a scenario up by id reads only the files that may be it, instead
    of parsing the whole library (about 0.4 s a file)."""
    try:
        m = _DECLARED_ID.search(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
    return m.group(2) if m else None


def load_library_ids(ids: Iterable[str], extra: list[str] | None = None) -> list[Entry]:
    """The library's scenarios that may use one of ``ids``: only the files whose text declares one of them (or
    declares none plainly) are parsed. Callers still check each entry's id."""
    wanted = {*ids, None}
    return _entries(p for p in scenario_files(extra) if declared_id(p) in wanted)


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
    matches = [e for e in load_library_ids([ref], extra) if e.id == ref]
    clash = id_clashes((e.id, e.path) for e in matches)
    if clash:
        paths = " and ".join(str(p) for p in clash[ref])
        raise NotFound(f"two scenario files use the id '{ref}': {paths}. callsim stores sessions by id, so it "
                       "will not guess which you mean: give one of them a new `id:` (`callsim lint` reports "
                       "E117), or give the file's path instead of the id.")
    if matches:
        return matches[0].result
    from callsim.core.diagnostics import did_you_mean

    ids = [e.id for e in load_library(extra)]
    raise NotFound(f"no scenario '{ref}'.{did_you_mean(ref, ids)} Run `callsim list` to see them all.")
