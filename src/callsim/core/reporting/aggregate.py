"""Sessions in, a small summary out: what the HTML report shows, gathered in one pass over the store.

:class:`Aggregator` takes sessions one at a time (``Store.iter_details`` streams them), keeps running
sums and counters, and never holds more than one session's turns. Its memory grows with the number of
trainees, scenarios and days, not sessions; the one list that could grow with sessions, the failed compliance
checks with their evidence, is capped (:attr:`Aggregator.max_evidence`) while still counting every check.

Which numbers mean what:

* A session counts once it has a turn. It is *finished* when the call ended; only finished sessions have
  call scores (overall, empathy, de-escalation, expected behaviours shown) and a pass or fail.
* *Pass rate* is passed / finished.
* A *failed compliance check* is one violation (a compliance behaviour such as "threatens action not
  intended") found in one reply, with the words that triggered it. Unfinished calls count too: the words
  were said.
* A *missed behaviour* is one the scenario expected at that point of the call and the reply did not show
  (``scores.better.missed`` of each turn). Counted, and ranked, as :mod:`callsim.core.reporting.missed`
  defines it for the report and the review app alike: in finished calls that are not "what if" calls, by the
  calls that missed it at least once, then by replies.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from callsim.core.reporting.missed import Missed, rank, summary_counts
from callsim.core.text import safe_text

SEVERITIES = ("blocker", "major", "minor")
_SEVERITY_ORDER = {sev: i for i, sev in enumerate(SEVERITIES)}
HISTOGRAM_BINS = 20  # overall score 0-100 in bins of 5
DEFAULT_MAX_EVIDENCE = 5000
K = TypeVar("K")
V = TypeVar("V")


@dataclass
class Scores:
    """Running sums of the call scores of finished sessions."""

    finished: int = 0
    passed: int = 0
    overall: float = 0.0
    empathy: float = 0.0
    deescalation: float = 0.0
    expectations: float = 0.0
    n_expectations: int = 0  # sessions recorded before expectations_met existed have none

    def add(self, *, passed: bool | None, overall: float | None, empathy: float | None,
            deescalation: float | None, expectations: float | None) -> None:
        self.finished += 1
        self.passed += 1 if passed else 0
        self.overall += overall or 0.0
        self.empathy += empathy or 0.0
        self.deescalation += deescalation or 0.0
        if expectations is not None:
            self.expectations += expectations
            self.n_expectations += 1

    def merge(self, other: Scores) -> None:
        self.finished += other.finished
        self.passed += other.passed
        self.overall += other.overall
        self.empathy += other.empathy
        self.deescalation += other.deescalation
        self.expectations += other.expectations
        self.n_expectations += other.n_expectations

    def mean(self, name: str) -> float | None:
        """The mean of ``overall``, ``empathy``, ``deescalation`` or ``expectations``; None with no data."""
        n = self.n_expectations if name == "expectations" else self.finished
        return float(getattr(self, name)) / n if n else None

    @property
    def pass_rate(self) -> float | None:
        """Passed / finished, 0-1; None when nothing finished."""
        return self.passed / self.finished if self.finished else None


@dataclass
class Group:
    """The cohort, one trainee or one scenario."""

    sessions: int = 0
    unfinished: int = 0
    scores: Scores = field(default_factory=Scores)
    compliance_failed: int = 0  # sessions with at least one failed compliance check
    violations: int = 0  # failed compliance checks
    blockers: int = 0  # of which blockers
    reviewed: int = 0  # sessions with at least one team-lead review
    overrides: int = 0  # sessions whose latest review has an override score
    counted_calls: int = 0  # finished calls, not "what if": the ones missed behaviours are counted in
    missed: Counter[str] = field(default_factory=Counter)  # behaviour id -> replies of counted calls missing it
    missed_calls: Counter[str] = field(default_factory=Counter)  # behaviour id -> counted calls missing it
    violation_kinds: Counter[str] = field(default_factory=Counter)  # violation id -> failed checks
    severities: dict[str, str] = field(default_factory=dict)  # violation id -> its severity
    first: datetime | None = None
    last: datetime | None = None

    def see(self, when: datetime) -> None:
        if self.first is None or when < self.first:
            self.first = when
        if self.last is None or when > self.last:
            self.last = when

    @property
    def compliance_rate(self) -> float | None:
        """Share of sessions with a failed compliance check, 0-1."""
        return self.compliance_failed / self.sessions if self.sessions else None

    def most_missed(self) -> list[Missed]:
        """The behaviours missed, most missed first (:func:`callsim.core.reporting.missed.rank`)."""
        return rank(self.missed_calls, self.missed)

    def worst_violations(self) -> list[tuple[str, int]]:
        """(violation id, failed checks), the most severe first (blocker, major, minor), then the most often."""
        return sorted(self.violation_kinds.items(), key=lambda kv: (_SEVERITY_ORDER.get(self.severities.get(
            kv[0], ""), len(SEVERITIES)), -kv[1], kv[0]))


@dataclass
class ViolationStat:
    """One kind of violation across the cohort."""

    id: str
    label: str
    severity: str
    why: str = ""
    count: int = 0  # failed checks (a reply can fail one check once)
    sessions: int = 0  # distinct sessions


@dataclass(frozen=True)
class EvidenceRow:
    """One failed compliance check: who, where, which rule, and the words."""

    started: datetime
    trainee: str
    session_id: str
    scenario_id: str
    turn: int
    violation_id: str
    label: str
    severity: str
    evidence: tuple[str, ...]


@dataclass
class Activity:
    sessions: int = 0
    finished: int = 0
    passed: int = 0


@dataclass
class ReportData:
    """Everything the page shows. Built by :class:`Aggregator`; rendered by :mod:`callsim.core.reporting.page`."""

    cohort: Group
    trainees: dict[str, Group]
    scenarios: dict[str, Group]
    by_day: dict[tuple[str, date], Scores]  # (trainee, UTC day) -> that day's finished sessions
    activity: dict[date, Activity]  # UTC day -> sessions started
    histogram: list[int]  # finished sessions by overall score: [0,5), [5,10) ... [95,100]
    violations: dict[str, ViolationStat]
    evidence: list[EvidenceRow]  # newest first when the sessions came newest first
    evidence_total: int
    max_evidence: int | None
    behaviour_labels: dict[str, str]

    @property
    def empty(self) -> bool:
        return self.cohort.sessions == 0

    @property
    def evidence_truncated(self) -> bool:
        return self.evidence_total > len(self.evidence)

    def label(self, behaviour_id: str) -> str:
        return self.behaviour_labels.get(behaviour_id, behaviour_id)

    def most_missed(self) -> list[Missed]:
        """The cohort's missed behaviours, most missed first, as the review app ranks them."""
        return self.cohort.most_missed()


def _labels() -> dict[str, tuple[str, str, str]]:
    """Behaviour id -> (label, severity, why) from the installed rubric."""
    from callsim.core.rubric import load_rubric

    return {b.id: (b.label, b.severity or "", b.why) for b in load_rubric().behaviours}


def _utc(dt: datetime) -> datetime:
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def _float(x: Any) -> float | None:
    return float(x) if isinstance(x, int | float) and not isinstance(x, bool) else None


def _get(d: dict[K, V], key: K, make: Callable[[], V]) -> V:
    """``d[key]``, made with ``make()`` the first time (setdefault would make one every time)."""
    v = d.get(key)
    if v is None:
        v = d[key] = make()
    return v


class Aggregator:
    """Feed it sessions (:meth:`add`), then take :meth:`result`.

    ``max_evidence`` caps the failed compliance checks kept with their evidence (None keeps all); every
    check is still counted. The first ones fed are the ones kept, so feed newest first to keep the latest.
    """

    def __init__(self, max_evidence: int | None = DEFAULT_MAX_EVIDENCE) -> None:
        if max_evidence is not None and max_evidence < 0:
            raise ValueError("max_evidence must be 0 or more (or None for no cap)")
        self.max_evidence = max_evidence
        self._rubric = _labels()
        self.cohort = Group()
        self.trainees: dict[str, Group] = {}
        self.scenarios: dict[str, Group] = {}
        self.by_day: dict[tuple[str, date], Scores] = {}
        self.activity: dict[date, Activity] = {}
        self.histogram = [0] * HISTOGRAM_BINS
        self.violations: dict[str, ViolationStat] = {}
        self.evidence: list[EvidenceRow] = []
        self.evidence_total = 0
        self._names: dict[str, str] = {}  # stored trainee name -> safe to show

    def add_all(self, sessions: Iterable[Any], progress: Callable[[int], None] | None = None,
                every: int = 1000) -> int:
        """Add each session (a SessionDetail, or a (SessionSummary, turns) pair as
        :func:`callsim.core.reporting.source.stream` gives); calls ``progress(n)`` every ``every`` sessions.
        Returns how many were added."""
        n = 0
        for n, s in enumerate(sessions, 1):
            if isinstance(s, tuple):
                self.add(*s)
            else:
                self.add(s)
            if progress is not None and n % every == 0:
                progress(n)
        return n

    def add(self, s: Any, turns: Iterable[Mapping[str, Any]] | None = None) -> None:
        """One session: a :class:`~callsim.core.store.SessionSummary` with its ``turns`` (turn dicts as stored,
        or just their ``index`` and ``scores.violations`` / ``scores.better.missed``), or a
        :class:`~callsim.core.store.SessionDetail`, whose own turns are used when ``turns`` is not given."""
        trainee = self._names.get(s.trainee)
        if trainee is None:
            trainee = self._names[s.trainee] = safe_text(str(s.trainee))
        started = _utc(s.started)
        groups = (self.cohort, _get(self.trainees, trainee, Group), _get(self.scenarios, str(s.scenario_id), Group))
        day = started.date()
        act = _get(self.activity, day, Activity)
        act.sessions += 1
        scores: dict[str, Any] | None = None
        if s.ended is not None:
            act.finished += 1
            act.passed += 1 if s.passed else 0
            overall = _float(s.overall)
            scores = {"passed": bool(s.passed), "overall": overall, "empathy": _float(s.empathy),
                      "deescalation": _float(s.deescalation),
                      "expectations": _float(getattr(s, "expectations_met", None))}
            _get(self.by_day, (trainee, day), Scores).add(**scores)
            if overall is not None:
                self.histogram[min(HISTOGRAM_BINS - 1, max(0, int(overall // (100 / HISTOGRAM_BINS))))] += 1
        counted = summary_counts(s)
        missed_here: set[str] = set()
        violated_here: set[str] = set()
        n_viol = n_block = 0
        for t in (turns if turns is not None else s.turns) or ():
            sc = t.get("scores") if isinstance(t, Mapping) else None
            if not isinstance(sc, Mapping):
                continue
            better = sc.get("better")
            if counted and isinstance(better, Mapping):
                for m in better.get("missed") or ():
                    m = str(m)
                    missed_here.add(m)
                    for g in groups:
                        g.missed[m] += 1
            for v in sc.get("violations") or ():
                if not isinstance(v, Mapping):
                    continue
                n_viol += 1
                vid = str(v.get("id", "unknown"))
                label, severity, why = self._rubric.get(vid, (vid, "", ""))
                severity = str(v.get("severity") or severity or "")
                if severity == "blocker":
                    n_block += 1
                stat = self.violations.get(vid)
                if stat is None:
                    stat = self.violations[vid] = ViolationStat(vid, safe_text(str(v.get("label") or label)),
                                                                severity, why)
                stat.count += 1
                violated_here.add(vid)
                for g in groups:
                    g.violation_kinds[vid] += 1
                    g.severities.setdefault(vid, severity)
                self.evidence_total += 1
                if self.max_evidence is None or len(self.evidence) < self.max_evidence:
                    # the same words found twice in one reply are shown once
                    ev = tuple(dict.fromkeys(safe_text(str(e.get("text", ""))).strip() for e in v.get("evidence") or ()
                                             if isinstance(e, Mapping)))
                    self.evidence.append(EvidenceRow(
                        started=started, trainee=trainee, session_id=str(s.id), scenario_id=str(s.scenario_id),
                        turn=int(t.get("index", 0)), violation_id=vid,
                        label=safe_text(str(v.get("label") or label)), severity=severity, evidence=ev))
        for g in groups:
            g.counted_calls += 1 if counted else 0
            g.missed_calls.update(missed_here)
        for vid in violated_here:
            self.violations[vid].sessions += 1
        reviews = getattr(s, "n_reviews", 0) or 0
        for g in groups:
            g.sessions += 1
            g.see(started)
            if scores is not None:
                g.scores.add(**scores)
            else:
                g.unfinished += 1
            if n_viol:
                g.compliance_failed += 1
                g.violations += n_viol
                g.blockers += n_block
            if reviews:
                g.reviewed += 1
                if getattr(s, "review_score", None) is not None:
                    g.overrides += 1

    def result(self) -> ReportData:
        violations = dict(sorted(self.violations.items(),
                                 key=lambda kv: (-kv[1].count, _SEVERITY_ORDER.get(kv[1].severity, 9), kv[0])))
        return ReportData(
            cohort=self.cohort,
            trainees=dict(sorted(self.trainees.items(), key=lambda kv: (-kv[1].sessions, kv[0].casefold()))),
            scenarios=dict(sorted(self.scenarios.items(), key=lambda kv: (-kv[1].sessions, kv[0]))),
            by_day=self.by_day, activity=dict(sorted(self.activity.items())), histogram=list(self.histogram),
            violations=violations, evidence=self.evidence,
            evidence_total=self.evidence_total, max_evidence=self.max_evidence,
            behaviour_labels={k: v[0] for k, v in self._rubric.items()},
        )


# --------------------------------------------------------------------------- periods for trends


def period_kind(first: date, last: date) -> str:
    """``day`` for up to two months, ``week`` up to two years, else ``month``: at most ~100 points a line."""
    span = (last - first).days
    return "day" if span <= 62 else "week" if span <= 731 else "month"


def period_start(d: date, kind: str) -> date:
    if kind == "week":
        return d - timedelta(days=d.weekday())
    if kind == "month":
        return d.replace(day=1)
    return d


def trends(data: ReportData, kind: str) -> dict[str, dict[date, Scores]]:
    """Trainee -> period start -> the scores of the sessions finished in that period, periods in order."""
    out: dict[str, dict[date, Scores]] = {}
    for (trainee, day), sc in data.by_day.items():
        bucket = out.setdefault(trainee, {}).setdefault(period_start(day, kind), Scores())
        bucket.merge(sc)
    return {t: dict(sorted(p.items())) for t, p in out.items()}


# --------------------------------------------------------------------------- who needs coaching most


@dataclass(frozen=True)
class Need:
    """What ranks a trainee by need (most in need of coaching first), compared in this order:

    1. ``blockers``: blocker failed compliance checks (any session, finished or not), more first: a blocker
       is a breach that could harm a customer or the firm, so it is coached before anything else;
    2. ``recent``: the mean overall score (0-100) of their finished calls in their latest period (the day,
       week or month the report's trends use), lower first; a trainee with no finished call yet has none and
       comes after those with a score;
    3. ``missed_per_call``: expected behaviours missed per finished call (each behaviour once a call, as
       :mod:`callsim.core.reporting.missed` counts them), more first;
    4. the name.
    """

    blockers: int
    recent: float | None
    missed_per_call: float | None

    def key(self, name: str) -> tuple[int, float, float, str]:
        return (-self.blockers, math.inf if self.recent is None else self.recent, -(self.missed_per_call or 0.0),
                name.casefold())


def needs(data: ReportData, kind: str) -> dict[str, Need]:
    """Every trainee's :class:`Need`, the trainee most in need of coaching first."""
    series = trends(data, kind)
    out: dict[str, Need] = {}
    for name, g in data.trainees.items():
        scored = [sc for sc in series.get(name, {}).values() if sc.finished]
        out[name] = Need(g.blockers, scored[-1].mean("overall") if scored else None,
                         sum(g.missed_calls.values()) / g.counted_calls if g.counted_calls else None)
    return dict(sorted(out.items(), key=lambda kv: kv[1].key(kv[0])))
