"""The report's charts: matplotlib figures rendered to SVG text, to be inlined in the page.

SVG with the text kept as text (``svg.fonttype: none``): small, sharp at any zoom, searchable, and no
JavaScript. Each chart gets its own hash salt, so the ids matplotlib writes (clip paths, markers) are the
same from run to run and never clash between two charts on one page. No pyplot: figures are made directly,
so no GUI backend is ever chosen and nothing is global.

matplotlib is imported inside the functions (about 0.7 s): only ``callsim report`` pays for it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from callsim.core.reporting.aggregate import HISTOGRAM_BINS, ReportData, Scores, period_start
from callsim.core.text import safe_text

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# Okabe-Ito: distinguishable with the common colour-vision deficiencies. Lines also differ in style and marker.
BLUE, ORANGE, GREEN, VERMILION, SKY, PURPLE, GREY = (
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#777777")
SEVERITY_COLOURS = {"blocker": "#B2182B", "major": "#E66101", "minor": "#FDB863"}
SEVERITY_HATCH = {"blocker": "", "major": "//", "minor": ".."}
MAX_TREND_PANELS = 12
# Inches; 72 pt each, shown at 96 px per inch: 11 in fills the page's 1080 px, 5.5 in half of it, at scale 1.
WIDE, HALF = 11.0, 5.5
MAX_BARS = 15
_RC: dict[Any, Any] = {  # matplotlib's own rcParams keys
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica"],
    "font.size": 9.0,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 10.0,
    "axes.titleweight": "bold",
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "text.usetex": False,
}


def label_text(text: str, width: int = 48) -> str:
    """Text safe for matplotlib: no control characters, ``$`` not read as mathematics, and not too long."""
    text = " ".join(safe_text(text).split())
    if len(text) > width:
        text = text[: width - 1] + "…"
    return text.replace("\\", "\\\\").replace("$", r"\$")


@contextmanager
def _figure(name: str, width: float, height: float) -> Iterator[Figure]:
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context({**_RC, "svg.hashsalt": f"callsim-{name}"}):
        yield Figure(figsize=(width, height), layout="constrained")


def to_svg(fig: Figure, name: str, description: str) -> str:
    """The figure as an ``<svg>`` element for inlining: no XML prologue, sized by CSS, labelled for screen readers."""
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({**_RC, "svg.hashsalt": f"callsim-{name}"}):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, count=1, flags=re.S)
    aria = description.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("<svg ", f'<svg class="chart" id="chart-{name}" role="img" aria-label="{aria}" ', 1)


MAX_DATE_TICKS = 8


def _add_months(d: date, n: int) -> date:
    m = d.month - 1 + n
    return date(d.year + m // 12, m % 12 + 1, 1)


def date_ticks(first: date, last: date, kind: str) -> tuple[datetime, datetime, list[tuple[date, str]]]:
    """The x-axis of a chart of periods ``first`` .. ``last`` (their start days, as ``period_start`` gives):
    (left end, right end, [(tick day, label)]).

    The axis spans the data and no more: a single day gets the day before and after (matplotlib alone spread
    one point over five years). Ticks are whole days on a per-day chart (every 1, 2, 7 or 14 days, the
    weekly ones on Mondays), month starts on a per-week or per-month one (every 1, 2, 3, 6 or 12 months), at
    most :data:`MAX_DATE_TICKS`; never hours. Labels say "2 Mar", or "Mar", with the year on the first tick
    and wherever the year changes."""
    start = datetime.combine(first, time())
    end = datetime.combine(last, time())
    ticks: list[date] = []
    if kind == "day":
        span = (last - first).days
        lo, hi = (start - timedelta(days=1), end + timedelta(days=1)) if span == 0 else (
            start - timedelta(hours=12), end + timedelta(hours=12))
        step = next((n for n in (1, 2, 7, 14) if span // n + 1 <= MAX_DATE_TICKS), 28)
        d = first if step < 7 else first + timedelta(days=-first.weekday() % 7)  # the first Monday
        while d <= last:
            ticks.append(d)
            d += timedelta(days=step)
    else:
        length = 7 if kind == "week" else 31
        lo, hi = start - timedelta(days=2), end + timedelta(days=length + 2)
        m0 = first.replace(day=1) if first.day == 1 else _add_months(first, 1)
        months = (hi.year - m0.year) * 12 + hi.month - m0.month + 1
        step = next((n for n in (1, 2, 3, 6, 12) if -(-months // n) <= MAX_DATE_TICKS), 24)
        d = m0
        if step > 1:  # calendar-aligned: every quarter starts in Jan/Apr/Jul/Oct, every half-year in Jan/Jul
            d = _add_months(d, -(d.month - 1) % step)
        while datetime.combine(d, time()) <= hi:
            if datetime.combine(d, time()) >= lo:
                ticks.append(d)
            d = _add_months(d, step)
        if not ticks:
            ticks = [first]
    labels: list[tuple[date, str]] = []
    year = None
    for d in ticks:
        text = f"{d.day} {d:%b}" if kind == "day" else f"{d:%b}"
        if d.year != year:
            text += f" {d.year}"
            year = d.year
        labels.append((d, text))
    return lo, hi, labels


def _date_axis(ax: Axes, first: date, last: date, kind: str) -> None:
    import matplotlib.dates as mdates
    from matplotlib.ticker import FixedFormatter, FixedLocator, NullLocator

    lo, hi, ticks = date_ticks(first, last, kind)
    ax.set_xlim(mdates.date2num(lo), mdates.date2num(hi))  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(FixedLocator([mdates.date2num(datetime.combine(d, time()))  # type: ignore[no-untyped-call]
                                             for d, _ in ticks]))
    ax.xaxis.set_major_formatter(FixedFormatter([t for _, t in ticks]))
    ax.xaxis.set_minor_locator(NullLocator())


def _dates(days: Sequence[date]) -> Any:
    """Dates as numpy datetime64 days, which matplotlib plots on a date axis."""
    import numpy as np

    return np.array(days, dtype="datetime64[D]")


def _integer_axis(ax: Axes, axis: str = "y") -> None:
    from matplotlib.ticker import MaxNLocator, StrMethodFormatter

    which = ax.yaxis if axis == "y" else ax.xaxis
    which.set_major_locator(MaxNLocator(integer=True))
    which.set_major_formatter(StrMethodFormatter("{x:,.0f}"))


def _percent_axis(ax: Axes, axis: str = "y") -> None:
    from matplotlib.ticker import PercentFormatter

    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(PercentFormatter(xmax=100))


def activity_chart(data: ReportData, kind: str) -> str:
    """Sessions started per period (bars) and the pass rate of those finished (line)."""
    buckets: dict[date, list[int]] = {}
    for day, act in data.activity.items():
        b = buckets.setdefault(period_start(day, kind), [0, 0, 0])
        b[0] += act.sessions
        b[1] += act.finished
        b[2] += act.passed
    days = sorted(buckets)
    with _figure("activity", HALF, 3.0) as fig:
        ax = fig.subplots()
        width = {"day": 0.8, "week": 5.6, "month": 24.0}[kind]
        ax.bar(_dates(days), [buckets[d][0] for d in days], width=width, color=SKY, label="sessions started",
               align="edge" if kind != "day" else "center")
        ax.set_ylabel("sessions")
        ax.set_title(f"Sessions per {kind} and pass rate" + (f" (one {kind} of data)" if len(days) == 1 else ""))
        _date_axis(ax, days[0], days[-1], kind)
        ax2 = ax.twinx()
        rate_days = [d for d in days if buckets[d][1]]
        ax2.plot(_dates(rate_days), [100 * buckets[d][2] / buckets[d][1] for d in rate_days], color=BLUE, marker="o",
                 markersize=3, linewidth=1.5, label="pass rate (finished calls)")
        ax2.set_ylim(0, 100)
        ax2.set_ylabel("pass rate")
        ax2.grid(False)
        ax2.spines["right"].set_visible(True)
        _percent_axis(ax2)
        h1, l1 = ax.get_legend_handles_labels()
        h2, l2 = ax2.get_legend_handles_labels()
        fig.legend(h1 + h2, l1 + l2, loc="outside lower center", fontsize=8, ncols=2)
        _integer_axis(ax)
        return to_svg(fig, "activity", f"Sessions started per {kind}, with the pass rate of the finished ones")


def histogram_chart(data: ReportData) -> str:
    """Finished sessions by overall score."""
    width = 100 / HISTOGRAM_BINS
    with _figure("histogram", HALF, 3.0) as fig:
        ax = fig.subplots()
        ax.bar([i * width for i in range(HISTOGRAM_BINS)], data.histogram, width=width, align="edge",
               color=BLUE, edgecolor="white", linewidth=0.5)
        ax.set_xlim(0, 100)
        ax.set_xlabel("overall score")
        ax.set_ylabel("finished sessions")
        ax.set_title("Overall scores")
        _integer_axis(ax)
        return to_svg(fig, "histogram", "Histogram of the overall scores of finished sessions, in bins of 5 points")


def trends_chart(series: Mapping[str, Mapping[date, Scores]], kind: str) -> str:
    """Small multiples, one panel per trainee: mean overall, empathy and de-escalation per period."""
    names = list(series)[:MAX_TREND_PANELS]
    cols = 1 if len(names) == 1 else 2 if len(names) <= 4 else 3
    rows = -(-len(names) // cols)
    lines = (("overall", "overall", BLUE, "-", "o"), ("empathy", "empathy", GREEN, "--", "s"),
             ("deescalation", "de-escalation", ORANGE, ":", "^"))
    starts = sorted({p for name in names for p in series[name]})
    with _figure("trends", WIDE if cols > 1 else HALF, 0.7 + 2.3 * rows) as fig:
        axes = fig.subplots(rows, cols, squeeze=False, sharex=True, sharey=True)
        for i, ax in enumerate(axes.flat):
            if i >= len(names):
                ax.set_visible(False)
                continue
            periods = series[names[i]]
            xs = list(periods)
            for attr, name, colour, style, marker in lines:
                ys = [periods[p].mean(attr) for p in xs]
                ax.plot(_dates(xs), [y if y is not None else float("nan") for y in ys], color=colour, linestyle=style,
                        marker=marker, markersize=3, linewidth=1.4, label=name)
            n = sum(p.finished for p in periods.values())
            ax.set_title(f"{label_text(names[i], 28)}  ({n} finished)", fontsize=9, loc="left")
            ax.set_ylim(0, 100)
            _date_axis(ax, starts[0], starts[-1], kind)
            if i + cols >= len(names):  # nothing drawn below this panel: it shows its own dates
                ax.xaxis.set_tick_params(labelbottom=True)
        handles, labels = axes.flat[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside upper center", ncols=3, fontsize=8)
        return to_svg(fig, "trends", f"Per-trainee mean scores per {kind}: overall, empathy and de-escalation, "
                                     f"for {len(names)} trainee(s)")


def _hbar(name: str, title: str, labels: Sequence[str], values: Sequence[float], colours: Sequence[str],
          xlabel: str, description: str, hatches: Sequence[str] | None = None, percent: bool = False) -> str:
    height = 1.0 + 0.3 * len(labels)
    with _figure(name, WIDE, height) as fig:
        ax = fig.subplots()
        ys = list(range(len(labels)))[::-1]
        bars = ax.barh(ys, values, color=colours, edgecolor="#333333", linewidth=0.4)
        if hatches:
            for bar, hatch in zip(bars, hatches, strict=True):
                bar.set_hatch(hatch)
        ax.set_yticks(ys, [label_text(x) for x in labels])
        ax.grid(axis="y", visible=False)
        ax.set_xlabel(xlabel)
        ax.set_title(title, loc="left")
        top = max(values) if values else 1
        for y, v in zip(ys, values, strict=True):
            ax.annotate(f"{v:.0f}%" if percent else f"{v:,.0f}", (v, y), xytext=(3, 0), textcoords="offset points",
                        va="center", fontsize=8)
        ax.set_xlim(0, 100 if percent else top * 1.12 or 1)
        if percent:
            _percent_axis(ax, "x")
        else:
            _integer_axis(ax, "x")
        return to_svg(fig, name, description)


def missed_chart(data: ReportData, top: int = MAX_BARS) -> str:
    """The behaviours most often missed: in how many finished calls each was expected and not shown."""
    items = [(m.id, m.calls) for m in data.most_missed()[:top]]
    return _hbar("missed", f"Most missed behaviours (top {len(items)})", [data.label(k) for k, _ in items],
                 [v for _, v in items], [VERMILION] * len(items), "finished calls where it was expected and missing",
                 "Bar chart of the behaviours most often missed: " + "; ".join(
                     f"{data.label(k)} {v} calls" for k, v in items))


def violations_chart(data: ReportData, top: int = MAX_BARS) -> str:
    """The violations found most often, coloured (and hatched) by severity."""
    items = list(data.violations.values())[:top]
    return _hbar("violations", f"Most frequent violations (top {len(items)})",
                 [f"{v.label} ({v.severity})" if v.severity else v.label for v in items], [v.count for v in items],
                 [SEVERITY_COLOURS.get(v.severity, GREY) for v in items], "failed compliance checks",
                 "Bar chart of the most frequent violations: " + "; ".join(
                     f"{v.label} ({v.severity}) {v.count}" for v in items),
                 hatches=[SEVERITY_HATCH.get(v.severity, "xx") for v in items])


def scenarios_chart(data: ReportData, top: int = 25) -> str:
    """Per scenario: pass rate and mean overall score (finished sessions)."""
    items = [(k, g) for k, g in data.scenarios.items() if g.scores.finished][:top]
    with _figure("scenarios", WIDE, 1.1 + 0.45 * max(1, len(items))) as fig:
        ax = fig.subplots()
        ys = list(range(len(items)))[::-1]
        rates = [100 * (g.scores.pass_rate or 0.0) for _, g in items]
        means = [g.scores.mean("overall") or 0.0 for _, g in items]
        ax.barh([y + 0.2 for y in ys], rates, height=0.4, color=BLUE, label="pass rate")
        ax.barh([y - 0.2 for y in ys], means, height=0.4, color=ORANGE, hatch="//", edgecolor="white",
                label="mean overall score")
        ax.set_yticks(ys, [label_text(k, 40) for k, _ in items])
        ax.set_xlim(0, 100)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel("% of finished calls passed  /  mean overall score (0-100)")
        ax.set_title("By scenario", loc="left")
        ax.legend(loc="lower right", fontsize=8)
        return to_svg(fig, "scenarios", "Bar chart per scenario of the pass rate and mean overall score: " + "; ".join(
            f"{k} {r:.0f}% passed, mean {m:.0f}" for (k, _), r, m in zip(items, rates, means, strict=True)))
