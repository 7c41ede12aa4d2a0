"""The report as one self-contained HTML page: inline CSS, inline SVG charts, no script, nothing fetched.

Every piece of stored text (trainee names, scenario ids, evidence, labels) goes through :func:`html.escape`;
the page also carries a Content-Security-Policy that allows no script and no network at all, so even a
mistake in escaping could not run anything or call out.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from html import escape
from typing import TYPE_CHECKING

from callsim.core.reporting import charts
from callsim.core.reporting.aggregate import (
    SEVERITIES,
    Group,
    Need,
    ReportData,
    Scores,
    needs,
    period_kind,
    period_start,
    trends,
)

if TYPE_CHECKING:
    from callsim.core.drills.summary import DrillSummary

MAX_MISSED_ROWS = 30
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

CSS = """
:root { --ink:#1d2430; --muted:#5b6576; --line:#d9dee6; --bg:#ffffff; --band:#f4f6f9; --accent:#0072B2;
        --blocker:#B2182B; --major:#B34700; --minor:#7A5300; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink);
       font: 15px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", "Liberation Sans", sans-serif; }
header, main, footer { max-width: 1120px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 24px; }
h1 { font-size: 1.6rem; margin: 0 0 4px; }
h2 { font-size: 1.25rem; margin: 36px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 1rem; margin: 20px 0 6px; }
p.meta, p.note, figcaption, .muted { color: var(--muted); font-size: 0.9rem; }
.small { color: var(--muted); font-size: 0.78rem; white-space: nowrap; }
nav { position: sticky; top: 0; background: var(--bg); border-bottom: 1px solid var(--line); z-index: 1; }
nav ul { max-width: 1120px; margin: 0 auto; padding: 8px 20px; list-style: none; display: flex; flex-wrap: wrap;
         gap: 4px 18px; }
nav a { color: var(--accent); text-decoration: none; font-weight: 600; font-size: 0.92rem; }
nav a:hover, nav a:focus { text-decoration: underline; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(165px, 1fr)); gap: 10px; margin: 12px 0; }
.tile { background: var(--band); border-radius: 8px; padding: 10px 12px; }
.tile .value { font-size: 1.5rem; font-weight: 700; }
.tile .name { font-size: 0.85rem; color: var(--muted); }
.tile .sub { font-size: 0.8rem; color: var(--muted); }
.charts { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
figure { margin: 12px 0; flex: 1 1 420px; min-width: 0; }
figure.wide { flex-basis: 100%; }
svg.chart { display: block; width: 100%; height: auto; max-width: 100%; }
/* A table fits its box, or scrolls inside it and shows that it does, even where the system hides scrollbars:
   a shadow on each side with more columns (drawn under the cells, whose backgrounds are see-through; it goes
   when scrolled to that end, covered by the local gradients). */
.table-wrap { overflow-x: auto; max-width: 100%; scrollbar-width: thin; scrollbar-color: #9aa3b1 transparent;
  background:
    linear-gradient(to right, var(--bg) 30%, rgba(255,255,255,0)) left center / 40px 100% no-repeat local,
    linear-gradient(to left, var(--bg) 30%, rgba(255,255,255,0)) right center / 40px 100% no-repeat local,
    radial-gradient(farthest-side at 0 50%, rgba(0,0,0,.35), rgba(0,0,0,0)) left center / 16px 100% no-repeat scroll,
    radial-gradient(farthest-side at 100% 50%, rgba(0,0,0,.35), rgba(0,0,0,0)) right center / 16px 100% no-repeat
      scroll; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 4px; font-size: 0.86rem; }
th, td { text-align: left; padding: 5px 6px; border-bottom: 1px solid var(--line); vertical-align: top;
         overflow-wrap: break-word; }
th { background: rgba(29,36,48,.05); font-weight: 600; vertical-align: bottom; font-size: 0.8rem; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
tbody tr:nth-child(even) td { background: rgba(29,36,48,.025); }
td.nowrap { white-space: nowrap; }
td.name { min-width: 7em; overflow-wrap: anywhere; }
td.need { min-width: 7em; }
td.name .small span { white-space: nowrap; }
td.name .small { white-space: normal; }
td.wide { min-width: 13em; }
@media (max-width: 900px) { td.nowrap { white-space: normal; } td.wide { min-width: 12em; }
                            td code { overflow-wrap: anywhere; } }
code { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 0.85em; }
q.evidence { display: block; quotes: "\\201C" "\\201D"; background: #fff4d6; padding: 1px 4px; border-radius: 3px;
             margin: 1px 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.sev { display: inline-block; font-size: 0.78rem; font-weight: 700; padding: 0 6px; border-radius: 10px;
       border: 1.5px solid currentColor; text-transform: uppercase; letter-spacing: .03em; }
.sev-blocker { color: var(--blocker); } .sev-major { color: var(--major); } .sev-minor { color: var(--minor); }
.up { color: #1a7f37; } .down { color: var(--blocker); }
.empty { font-size: 1.1rem; background: var(--band); padding: 16px; border-radius: 8px; }
footer { margin-top: 40px; padding-bottom: 40px; border-top: 1px solid var(--line); }
dl.defs dt { font-weight: 600; margin-top: 8px; } dl.defs dd { margin: 0 0 0 0; color: var(--muted); }
@media print { nav { display: none; } figure { break-inside: avoid; } }
"""


def _num(x: float | None, digits: int = 0) -> str:
    return "–" if x is None else f"{x:,.{digits}f}"


def _pct(x: float | None) -> str:
    """A 0-1 share as a percentage."""
    return "–" if x is None else f"{100 * x:.0f}%"


def _when(dt: datetime | None) -> str:
    return "" if dt is None else dt.strftime("%Y-%m-%d %H:%M")


def _day(dt: datetime | None) -> str:
    return "" if dt is None else dt.strftime("%Y-%m-%d")


def _sev(severity: str) -> str:
    cls = severity if severity in SEVERITIES else "minor"
    return f'<span class="sev sev-{cls}">{escape(severity or "unknown")}</span>'


def _tile(name: str, value: str, sub: str = "") -> str:
    sub_html = f'<div class="sub">{sub}</div>' if sub else ""
    return f'<div class="tile"><div class="name">{escape(name)}</div><div class="value">{value}</div>{sub_html}</div>'


def _figure(svg: str, caption: str, wide: bool = False) -> str:
    cls = ' class="wide"' if wide else ""
    return f"<figure{cls}>{svg}<figcaption>{escape(caption)}</figcaption></figure>"


def _table(table_id: str, head: list[tuple[str, str]], rows: list[list[str]], caption: str = "") -> str:
    """``head``: (title, CSS class of the column: "", "num", "nowrap", "name" or "wide"). ``rows``: cells already
    escaped."""
    ths = "".join(f'<th scope="col"{f" class={cls}" if cls == "num" else ""}>{escape(t)}</th>' for t, cls in head)
    classes = [f" class={cls}" if cls else "" for _, cls in head]
    body = []
    for r in rows:
        cells = "".join(f"<td{classes[i]}>{c}</td>" for i, c in enumerate(r))
        body.append(f"<tr>{cells}</tr>")
    cap = f"<caption class=muted>{escape(caption)}</caption>" if caption else ""
    return (f'<div class="table-wrap"><table id="{table_id}">{cap}<thead><tr>{ths}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div>")


def _trend_cell(periods: Mapping[date, Scores] | None) -> str:
    if not periods:
        return "–"
    means = [(p, s.mean("overall")) for p, s in periods.items() if s.finished]
    if len(means) < 2:
        return _num(means[0][1]) if means else "–"
    first, last = means[0][1] or 0.0, means[-1][1] or 0.0
    delta = last - first
    cls = "up" if delta > 0.5 else "down" if delta < -0.5 else "muted"
    sign = "+" if delta >= 0 else "−"
    return f'{first:.0f} → {last:.0f} <span class="{cls}">({sign}{abs(delta):.0f})</span>'


def _group_cells(g: Group) -> list[str]:
    s = g.scores
    return [_num(g.sessions), _num(s.finished), _pct(s.pass_rate), _num(s.mean("overall")), _num(s.mean("empathy")),
            _num(s.mean("deescalation")), f"{g.compliance_failed:,} ({_pct(g.compliance_rate)})", _num(g.violations)]


_GROUP_HEAD = [("sessions", "num"), ("finished", "num"), ("pass rate", "num"), ("overall", "num"),
               ("empathy", "num"), ("de-escalation", "num"), ("with a failed check", "num"), ("failed checks", "num")]


def render(data: ReportData, *, title: str, filters: Mapping[str, str], generated: datetime,
           scenario_titles: Mapping[str, str] | None = None, version: str = "",
           drills: DrillSummary | None = None) -> str:
    """The whole page as a string; ``drills``: the drill attempts in the same period, for their own section."""
    titles = scenario_titles or {}
    shown = "; ".join(f"{k} {v}" for k, v in filters.items()) or "all sessions"
    out: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="callsim {escape(version)}">',
        f"<title>{escape(title)}</title>",
        f"<style>{CSS}</style>",
        "</head><body>",
        "<header>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">Sessions: {escape(shown)}. Generated {escape(_when(generated))} UTC'
        f"{' by callsim ' + escape(version) if version else ''}. All times are UTC.</p>",
        "</header>",
    ]
    if data.empty:
        out += [
            '<main id="report">',
            '<p class="empty" id="no-sessions">No sessions match these filters, so there is nothing to report yet. '
            "Sessions are recorded when trainees play (<code>callsim play</code>); "
            "widen the filters or check <code>--db</code>.</p>",
            _drills(drills) if drills is not None and drills.attempts else "",
            "</main>", _footer(), "</body></html>",
        ]
        return "\n".join(out) + "\n"
    sections = [("summary", "Cohort summary"), ("trainees", "Trainees"), ("missed", "Missed behaviours"),
                ("violations", "Violations"), ("scenarios", "Scenarios"), ("evidence", "Failed compliance checks")]
    if drills is not None and drills.attempts:
        sections.append(("drills", "Drills"))
    out.append("<nav><ul>" + "".join(f'<li><a href="#{i}">{escape(t)}</a></li>' for i, t in sections) + "</ul></nav>")
    out.append('<main id="report">')
    first = min(data.activity)
    last = max(data.activity)
    kind = period_kind(first, last)
    out.append(_summary(data, kind))
    out.append(_trainees(data, kind))
    out.append(_missed(data))
    out.append(_violations(data))
    out.append(_scenarios(data, titles))
    out.append(_evidence(data))
    if drills is not None and drills.attempts:
        out.append(_drills(drills))
    out += ["</main>", _footer(), "</body></html>"]
    return "\n".join(out) + "\n"


def _summary(data: ReportData, kind: str) -> str:
    c = data.cohort
    s = c.scores
    tiles = [
        _tile("Sessions", _num(c.sessions), f"{s.finished:,} finished · {c.unfinished:,} unfinished"),
        _tile("Pass rate", _pct(s.pass_rate), f"{s.passed:,} of {s.finished:,} finished calls passed"),
        _tile("Mean overall score", _num(s.mean("overall")), "0-100, finished calls"),
        _tile("Mean empathy", _num(s.mean("empathy")), "0-100"),
        _tile("Mean de-escalation", _num(s.mean("deescalation")), "0-100"),
        _tile("Expected behaviours shown", _num(s.mean("expectations")) + "%" if s.n_expectations else "–",
              "mean per finished call"),
        _tile("Compliance failures", _num(c.compliance_failed),
              f"sessions with a failed check ({_pct(c.compliance_rate)}); {c.violations:,} checks failed, "
              f"{c.blockers:,} blocker"),
        _tile("Trainees", _num(len(data.trainees)), f"{len(data.scenarios):,} scenario(s)"),
        _tile("Period", f'<span style="font-size:1rem">{_day(c.first)} → {_day(c.last)}</span>', "session starts"),
        _tile("Reviewed by a team lead", _num(c.reviewed), f"{c.overrides:,} with an override score"),
    ]
    one = (f" Only one {kind} of data: the bar and the dot are that {kind}'s sessions and pass rate."
           if len({period_start(d, kind) for d in data.activity}) == 1 else "")
    charts_html = ""
    charts_html += _figure(charts.activity_chart(data, kind),
                           f"Sessions started per {kind} (bars) and the share of that {kind}'s finished calls "
                           f"that passed (line).{one}")
    if s.finished:
        charts_html += _figure(charts.histogram_chart(data),
                               "How the overall scores of finished calls are spread (bins of 5 points).")
    return (f'<section id="summary"><h2>Cohort summary</h2><div class="tiles">{"".join(tiles)}</div>'
            f'<div class="charts">{charts_html}</div></section>')


def _need_cell(need: Need) -> str:
    recent = "no finished call" if need.recent is None else f"recent {need.recent:.0f}"
    missed = "" if need.missed_per_call is None else f" · <span>{need.missed_per_call:.1f} missed a call</span>"
    blockers = f"{need.blockers:,} blocker{'' if need.blockers == 1 else 's'}"
    cls = ' class="down"' if need.blockers else ""
    return f"<span{cls}>{blockers}</span> · <span>{recent}</span>{missed}"


def _coach_cell(data: ReportData, g: Group, behaviours: int = 2, violations: int = 2) -> str:
    """What to coach, in the rubric's plain words: the worst violations, then the most missed behaviours."""
    lines = []
    worst = g.worst_violations()[:violations]
    if worst:
        lines.append("<strong>Stop:</strong> " + "; ".join(
            f"{escape(data.violations[v].label if v in data.violations else data.label(v))} "
            f"({escape(g.severities.get(v) or 'violation')}, {n:,}×)" for v, n in worst))
    missed = g.most_missed()[:behaviours]
    if missed:
        lines.append("<strong>Practise:</strong> " + "; ".join(
            f"{escape(data.label(m.id))} (missed in {m.calls:,} of {g.counted_calls:,} calls)" for m in missed))
    return "<br>".join(lines) or '<span class="muted">nothing missed</span>'


def _trainees(data: ReportData, kind: str) -> str:
    series = trends(data, kind)
    need = needs(data, kind)
    ordered = {t: series[t] for t in need if t in series}
    parts = ['<section id="trainees"><h2>Trainees</h2>']
    if ordered:
        shown = min(len(ordered), charts.MAX_TREND_PANELS)
        note = (f" The {shown} trainees most in need of coaching are drawn; every trainee is in the table."
                if len(ordered) > shown else "")
        if len({p for periods in ordered.values() for p in periods}) == 1:
            note += f" Only one {kind} of data, so each trainee's scores are single points, not lines yet."
        parts.append(_figure(charts.trends_chart(ordered, kind),
                             f"Mean scores per {kind} of finished calls, one panel per trainee: overall (solid), "
                             f"empathy (dashed), de-escalation (dotted).{note}", wide=True))
    else:
        parts.append('<p class="note">No finished calls yet, so no score trends.</p>')
    rows = []
    for rank, (name, n) in enumerate(need.items(), 1):
        g = data.trainees[name]
        rows.append([str(rank), f'{escape(name)}<div class="small"><span>{_day(g.first)}</span> → '
                                f"<span>{_day(g.last)}</span></div>",
                     _need_cell(n), _coach_cell(data, g), *_group_cells(g), _trend_cell(series.get(name))])
    parts.append(f'<p class="note" id="need">Trainees are sorted by need, the one most in need of coaching first: '
                 f"the most blocker failed checks, then the lowest overall score in their latest {kind} (recent), "
                 "then the most expected behaviours missed per finished call. \"Coach on\" names their most "
                 "severe violations and their most missed behaviours.</p>")
    parts.append(_table("trainees-table", [("#", "num"), ("trainee", "name"), ("need", "need"),
                                           ("coach on", "wide"), *_GROUP_HEAD,
                                           (f"overall, first → latest {kind}", "nowrap")], rows))
    parts.append("</section>")
    return "".join(parts)


def _missed(data: ReportData) -> str:
    ranked = data.most_missed()
    items = ranked[:MAX_MISSED_ROWS]
    n = data.cohort.counted_calls
    parts = ['<section id="missed"><h2>Most missed behaviours</h2>',
             '<p class="note">Behaviours the scenario expected at that point of the call that the reply did not '
             f"show, in the {n:,} finished call(s) (\"what if\" replays left out), ranked by the number of calls "
             "that missed each at least once, then by replies. The review app counts them the same way.</p>"]
    if not items:
        parts.append('<p class="note">No expected behaviour was missed.</p></section>')
        return "".join(parts)
    parts.append(_figure(charts.missed_chart(data), "The behaviours most often missed (finished calls that missed "
                                                    "each at least once).", wide=True))
    rows = [[escape(data.label(m.id)), f"<code>{escape(m.id)}</code>", _num(m.calls),
             _pct(m.calls / n if n else None), _num(m.turns)] for m in items]
    more = len(ranked) - len(items)
    parts.append(_table("missed-table", [("behaviour", "wide"), ("id", ""), ("calls", "num"),
                                         ("of finished calls", "num"), ("replies", "num")], rows,
                        f"{more} less frequent behaviour(s) not shown." if more > 0 else ""))
    parts.append("</section>")
    return "".join(parts)


def _violations(data: ReportData) -> str:
    parts = ['<section id="violations"><h2>Most frequent violations</h2>']
    if not data.violations:
        parts.append('<p class="note">No compliance check failed.</p></section>')
        return "".join(parts)
    parts.append(_figure(charts.violations_chart(data),
                         "Failed compliance checks by kind; the bar's colour, pattern and label give the severity.",
                         wide=True))
    n = data.cohort.sessions
    rows = [[escape(v.label), f"<code>{escape(v.id)}</code>", _sev(v.severity), _num(v.count), _num(v.sessions),
             _pct(v.sessions / n if n else None), escape(v.why)] for v in data.violations.values()]
    parts.append(_table("violations-table", [("violation", "name"), ("id", ""), ("severity", ""),
                                             ("failed checks", "num"), ("sessions", "num"), ("of all sessions", "num"),
                                             ("why it matters", "wide")], rows))
    parts.append("</section>")
    return "".join(parts)


def _scenarios(data: ReportData, titles: Mapping[str, str]) -> str:
    parts = ['<section id="scenarios"><h2>Scenarios</h2>']
    if any(g.scores.finished for g in data.scenarios.values()):
        parts.append(_figure(charts.scenarios_chart(data),
                             "Pass rate and mean overall score of finished calls, per scenario.", wide=True))
    rows = []
    for sid, g in data.scenarios.items():
        top = g.most_missed()[:1]
        missed = f"{escape(data.label(top[0].id))} ({top[0].calls:,} of {g.counted_calls:,} calls)" if top else "–"
        title = titles.get(sid)
        name = f"<code>{escape(sid)}</code>" + (f'<div class="muted">{escape(title)}</div>' if title else "")
        rows.append([name, *_group_cells(g), missed])
    parts.append(_table("scenarios-table", [("scenario", "name"), *_GROUP_HEAD, ("most missed", "")], rows))
    parts.append("</section>")
    return "".join(parts)


_KIND_NAMES = {"written": "Written messages", "voicemail": "Voicemail", "schedule": "May I contact them now?"}


def _drills(summary: DrillSummary) -> str:
    """Drill attempts: per trainee and kind, and the rules most often broken or answered wrongly."""
    parts = ['<section id="drills"><h2>Drills</h2>',
             f'<p class="note">{summary.attempts:,} drill attempt(s) in this period: written messages, voicemail '
             "and scheduling (<code>callsim drill</code>). A written or voicemail attempt passes with no rule "
             "broken; a scheduling attempt passes with every yes or no right.</p>"]
    rows = []
    for trainee in sorted(summary.by_trainee):
        for kind, st in sorted(summary.by_trainee[trainee].items()):
            rows.append([escape(trainee), escape(_KIND_NAMES.get(kind, kind)), _num(st.attempts),
                         _pct(st.pass_rate), _num(st.mean_score)])
    parts.append(_table("drills-table", [("trainee", "name"), ("drill kind", ""), ("attempts", "num"),
                                         ("pass rate", "num"), ("mean score", "num")], rows))
    top = summary.top_rules()
    if top:
        parts.append(_table("drill-rules-table", [("rule", "wide"), ("citation", ""), ("attempts", "num")],
                            [[f"{escape(title)}<div class=muted><code>{escape(rid)}</code></div>", escape(cite),
                              _num(n)] for rid, title, cite, n in top],
                            caption="Rules most often broken (drafts) or answered wrongly (scheduling)"))
    parts.append("</section>")
    return "".join(parts)


def _evidence(data: ReportData) -> str:
    parts = ['<section id="evidence"><h2>Failed compliance checks</h2>']
    if not data.evidence_total:
        parts.append('<p class="note" id="evidence-none">No compliance check failed in these sessions.</p></section>')
        return "".join(parts)
    if data.evidence_truncated:
        parts.append(f'<p class="note" id="evidence-truncated"><strong>Showing the {len(data.evidence):,} most recent '
                     f"of {data.evidence_total:,} failed checks.</strong> Narrow the report with --trainee, "
                     "--scenario or --since, or raise --max-evidence, to see the rest.</p>")
    else:
        parts.append(f'<p class="note">Every failed check, {data.evidence_total:,} in all, newest first, with the '
                     "words that failed it.</p>")
    rows = []
    for r in data.evidence:
        words = "".join(f'<q class="evidence">{escape(t)}</q>' for t in r.evidence) or '<span class="muted">–</span>'
        rows.append([escape(_when(r.started)), escape(r.trainee), f"<code>{escape(r.session_id)}</code>",
                     f"<code>{escape(r.scenario_id)}</code>", str(r.turn), escape(r.label), _sev(r.severity), words])
    parts.append(_table("evidence-table", [("date (UTC)", "nowrap"), ("trainee", ""), ("session", "nowrap"),
                                           ("scenario", "nowrap"), ("turn", "num"), ("violation", "name"),
                                           ("severity", ""), ("evidence", "wide")], rows))
    parts.append("</section>")
    return "".join(parts)


def _footer() -> str:
    return (
        '<footer><h3>About these numbers</h3><dl class="defs">'
        "<dt>Finished, pass rate</dt><dd>A call is finished when it reached an ending. Only finished calls have "
        "scores and a pass or fail; the pass rate is passed ÷ finished.</dd>"
        "<dt>Scores</dt><dd>Overall, empathy and de-escalation are the machine's 0-100 call scores. "
        "A team lead's override score is kept beside them and not mixed in.</dd>"
        "<dt>Failed compliance check</dt><dd>One compliance rule broken in one reply, with the words that broke "
        "it. Unfinished calls count too: the words were said.</dd>"
        "<dt>Missed behaviour</dt><dd>A behaviour the scenario expected at that point of the call that the reply "
        "did not show. Counted in finished calls (not \"what if\" replays) and ranked by how many calls missed it "
        "at least once, then by replies: the same count as the review app's cohort.</dd>"
        "<dt>Open <code>callsim show SESSION</code></dt><dd>for the full transcript and debrief of any session "
        "in the tables.</dd></dl></footer>"
    )
