"""The SVG scenario diagram (issue 15): labels clear of each other and of the boxes, on their own lines,
end_when rules drawn, long conditions cut with the whole one in a tooltip, hostile text shown as text.

The geometry is read back from the SVG itself (xml.etree): each label's box comes from its <text> x, y,
font-size and characters, by the layout's own character-width estimate (``graph.text_box``); node boxes from
their <rect>/<polygon>. So these tests check what is drawn, not how it is written.
"""

from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml

from callsim.core import graph
from callsim.core.graph import Box
from callsim.core.loader import load_scenario
from callsim.core.models import Scenario

from .conftest import ROOT

NS = "{http://www.w3.org/2000/svg}"
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))
LONG = ("emotional_reaction and exploration and not violations and not asks_payment and trust >= 4 "
        "and anger <= 3 and not third_party_disclosure")


def shipped(path: Path) -> Scenario:
    return load_scenario(path, run_walkthroughs=False).scenario


def tangled() -> Scenario:
    """Many routes between the same two nodes both ways, back-edges to the start, loops, long conditions."""
    data: dict[str, Any] = yaml.safe_load((ROOT / "scenarios" / "medical_emergency_uk.yaml").read_text())
    nodes = data["nodes"]
    opening = nodes["opening"]
    opening["routes"] = [{"when": f"turn >= {k} and trust >= {k}", "goto": "verified"} for k in range(1, 7)] + [
        {"when": LONG, "goto": "verified"}, {"when": "anger >= 5", "goto": "opening"},
        {"when": "anger >= 3", "goto": "opening"}, {"goto": "hung_up"}]
    nodes["verified"]["routes"] = [{"when": f"distress >= {k}", "goto": "opening"} for k in range(1, 6)] + [
        {"when": LONG + " and turn >= 2", "goto": "opening"}, {"when": "turn >= 9", "goto": "verified"},
        {"when": "turn >= 4", "goto": "too_upset"}] + nodes["verified"]["routes"]
    for nid in ("budget_talk", "options", "pressured"):  # long back-edges to the top
        nodes[nid]["routes"] = [{"when": f"back to the start from {nid}", "goto": "opening"},
                                {"when": f"back to verified from {nid}", "goto": "verified"}] + nodes[nid]["routes"]
    data["end_when"] += [{"when": LONG, "goto": "hung_up"}, {"when": "turn >= 30", "goto": "complaint"}]
    return Scenario.model_validate(data)


def odd(kind: str) -> Scenario:
    """Shapes the layout must survive: an end_when rule back to the start, an ending with routes out of it
    (one to a node not yet reached), a one-node scenario looping on itself."""
    data: dict[str, Any] = yaml.safe_load((ROOT / "scenarios" / "medical_emergency_uk.yaml").read_text())
    if kind == "rule-to-start":
        data["end_when"].append({"when": "turn >= 2", "goto": "opening"})
    elif kind == "ending-with-routes":
        data["nodes"]["hung_up"]["routes"] = [{"when": "x", "goto": "too_upset"}, {"goto": "opening"}]
    else:
        data["nodes"] = {"opening": {"say": ["hi"], "routes": [{"when": "turn < 3", "goto": "opening"},
                                                               {"goto": "done"}]},
                         "done": {"say": ["bye"], "outcome": {"id": "done", "label": "Done", "result": "partial"}}}
        data["end_when"] = [{"when": "anger >= 9", "goto": "done"}]
        data["walkthroughs"] = []
    return Scenario.model_validate(data)


CASES = ([pytest.param(shipped, p, id=p.stem) for p in SHIPPED]
         + [pytest.param(lambda _: tangled(), None, id="tangled-fixture")]
         + [pytest.param(lambda k: odd(k), k, id=k) for k in ("rule-to-start", "ending-with-routes", "one-node")])


def parse(text: str) -> ET.Element:
    return ET.fromstring(text)  # well-formed XML, or this raises


def cls(el: ET.Element) -> set[str]:
    return set(el.get("class", "").split())


def groups(root: ET.Element, name: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{NS}g") if name in cls(g)]


def shape_box(g: ET.Element) -> Box:
    rect = g.find(f"{NS}rect")
    if rect is not None:
        return Box(*(float(rect.get(k, "0")) for k in ("x", "y", "width", "height")))
    poly = g.find(f"{NS}polygon")
    assert poly is not None, ET.tostring(g)
    xs, ys = zip(*((float(a), float(b)) for a, b in (p.split(",") for p in poly.get("points", "").split())),
                 strict=True)
    return Box(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))


def label_text_box(t: ET.Element) -> Box:
    return graph.text_box(float(t.get("x", "0")), float(t.get("y", "0")), t.text or "",
                          float(t.get("font-size", "12")), t.get("text-anchor", "start"))


def path_points(d: str) -> list[tuple[float, float]]:
    return [(float(a), float(b)) for a, b in re.findall(r"(-?[\d.]+),(-?[\d.]+)", d)]


def on_border(box: Box, p: tuple[float, float], tol: float = 0.6) -> bool:
    inside = box.contains(*p, tol=tol)
    near_edge = min(abs(p[0] - box.x), abs(p[0] - box.right), abs(p[1] - box.y), abs(p[1] - box.bottom)) <= tol
    return inside and near_edge


@pytest.mark.parametrize(("load", "path"), CASES)
def test_no_label_overlaps_another_label_or_a_box(load: Any, path: Path | str | None) -> None:
    """Every label's text box (and its background) is clear of every other label, every node box and the
    heading. Today's drawing put labels at the bare midpoints of their lines, so parallel routes stacked
    their labels on one spot and long routes put them under the boxes in between."""
    s = load(path)
    root = parse(graph.svg(s))
    nodes = {g.get("data-id"): shape_box(g) for g in groups(root, "node")}
    labels: list[tuple[str, Box, Box]] = []
    for g in groups(root, "edge"):
        (t,) = [el for el in g.iter(f"{NS}text") if "edge-label" in cls(el)]
        (bg,) = [el for el in g.iter(f"{NS}rect") if "label-box" in cls(el)]
        labels.append((t.text or "", label_text_box(t), Box(*(float(bg.get(k, "0"))
                                                               for k in ("x", "y", "width", "height")))))
    heading = next(el for el in root.iter(f"{NS}text") if "heading" in cls(el))
    heading_box = graph.layout(s).heading_box  # as label_text_box(heading), but for bold text
    plain = label_text_box(heading)
    assert heading_box.contains(plain.x, plain.y, tol=0) and heading_box.contains(plain.right, plain.bottom, tol=0)
    routes = sum(len(n.routes) for n in s.nodes.values())
    assert len(labels) == routes + len(s.end_when)
    assert len(nodes) == len(s.nodes) + (1 if s.end_when else 0)
    for i, (text, box, bg) in enumerate(labels):
        assert bg.contains(box.x, box.y, tol=0) and bg.contains(box.right, box.bottom, tol=0), text
        for other, obox, obg in labels[i + 1:]:
            assert not box.overlaps(obox) and not bg.overlaps(obg), f"label {text!r} overlaps label {other!r}"
        for nid, nbox in nodes.items():
            assert not bg.overlaps(nbox), f"label {text!r} overlaps node {nid}"
        assert not bg.overlaps(heading_box), f"label {text!r} overlaps the heading"
    node_list = list(nodes.items())
    for i, (a, abox) in enumerate(node_list):
        for b, bbox in node_list[i + 1:]:
            assert not abox.overlaps(bbox), f"nodes {a} and {b} overlap"
    width, height = float(root.get("width", "0")), float(root.get("height", "0"))
    for _, box, _ in labels:
        assert 0 <= box.x and box.right <= width and 0 <= box.y and box.bottom <= height


@pytest.mark.parametrize(("load", "path"), CASES)
def test_each_label_sits_on_its_own_line_which_joins_its_nodes(load: Any, path: Path | str | None) -> None:
    """The line of an edge runs through the edge's own label (it enters the label's box), starts on the
    source's box and ends on the target's; and the SVG draws what ``layout()`` returns."""
    s = load(path)
    lay = graph.layout(s)
    root = parse(graph.svg(s))
    nodes = {g.get("data-id"): shape_box(g) for g in groups(root, "node")}
    edges = groups(root, "edge")
    assert len(edges) == len(lay.edges)
    for g, drawn in zip(edges, lay.edges, strict=True):
        source, target = g.get("data-from", ""), g.get("data-to", "")
        assert (source, target) == (drawn.source, drawn.target)
        (p,) = g.iter(f"{NS}path")
        points = path_points(p.get("d", ""))
        (bg,) = [el for el in g.iter(f"{NS}rect") if "label-box" in cls(el)]
        box = Box(*(float(bg.get(k, "0")) for k in ("x", "y", "width", "height")))
        assert abs(box.x - drawn.label.box.x) < 0.1 and abs(box.y - drawn.label.box.y) < 0.1
        assert any(box.contains(*pt) for pt in points), f"{source}->{target}: its line misses its label"
        assert on_border(nodes[source], points[0]), f"{source}->{target} does not start on {source}"
        assert on_border(nodes[target], points[-1]), f"{source}->{target} does not end on {target}"


def test_parallel_routes_and_back_edges_each_get_their_own_label() -> None:
    """Seven routes from opening to verified, six back, loops: every one is drawn, each label at its own place."""
    s = tangled()
    lay = graph.layout(s)
    forth = [e for e in lay.edges if (e.source, e.target) == ("opening", "verified")]
    back = [e for e in lay.edges if (e.source, e.target) == ("verified", "opening")]
    loops = [e for e in lay.edges if e.source == e.target == "opening"]
    assert (len(forth), len(back), len(loops)) == (7, 6, 2)
    centres = {(round(e.label.box.cx), round(e.label.box.y)) for e in forth + back + loops}
    assert len(centres) == 15
    assert lay.nodes["opening"].box.bottom <= min(e.label.box.y for e in forth)  # under their source...
    assert max(e.label.box.bottom for e in back) <= lay.nodes["verified"].box.y  # ...and above, going back up
    ups = [e for e in lay.edges if e.target == "opening" and e.source in ("budget_talk", "options", "pressured")]
    assert len(ups) == 3 and all(e.points[0][1] > e.points[-1][1] for e in ups)  # drawn upwards, to the start


@pytest.mark.parametrize(("load", "path"), CASES)
def test_every_end_when_rule_is_drawn_from_any_turn(load: Any, path: Path | str | None) -> None:
    """Mermaid and DOT drew the scenario-wide endings; the SVG now does too: an "any turn" node with a dashed
    line to each rule's ending, labelled with its condition (whole in the tooltip)."""
    s = load(path)
    root = parse(graph.svg(s))
    (any_turn,) = groups(root, "any")
    assert any_turn.get("data-id") == graph.ANY
    assert "any turn" in "".join(any_turn.itertext())
    drawn = [(g.get("data-to"), g.findtext(f"{NS}title"), g) for g in groups(root, "end-when")]
    assert len(drawn) == len(s.end_when) > 0
    for rule, (goto, title, g) in zip(s.end_when, drawn, strict=True):
        assert (goto, title) == (rule.goto, rule.when)
        assert g.get("data-from") == graph.ANY
        (p,) = g.iter(f"{NS}path")
        assert p.get("stroke-dasharray")
        label = next(t for t in g.iter(f"{NS}text") if "edge-label" in cls(t))
        shown = label.text or ""
        assert shown == rule.when or (shown.endswith("…") and rule.when.startswith(shown[:-1]))


def test_long_conditions_are_cut_and_whole_in_the_tooltip() -> None:
    root = parse(graph.svg(tangled()))
    found = 0
    for g in groups(root, "edge"):
        title = g.findtext(f"{NS}title") or ""
        shown = next(t.text or "" for t in g.iter(f"{NS}text") if "edge-label" in cls(t))
        assert len(shown) <= graph.LABEL_CHARS
        if title.startswith(LONG):
            found += 1
            assert shown.endswith("…") and title.startswith(shown[:-1])
    assert found == 3  # the route there, the route back, the end_when rule


def test_hostile_text_shows_as_text() -> None:
    """Markup, entities, quotes and control characters in conditions, lines and labels stay text: the SVG
    parses, has no element the diagram did not make, and the tooltips read back the text as written."""
    s = tangled()
    data = s.model_dump(mode="json", by_alias=True, exclude_none=True)
    evil = '</text><script>alert("x")</script> & &amp; <![CDATA[ ]]> "q" \'a\' \x07 end'
    data = copy.deepcopy(data)
    data["title"] = evil
    data["nodes"]["opening"]["routes"][0]["when"] = "trust > 3 " + evil
    data["nodes"]["opening"]["say"][0]["text"] = evil
    data["nodes"]["hung_up"]["outcome"]["label"] = evil
    data["end_when"][0]["when"] = "anger >= 9 <b>" + evil
    hostile = Scenario.model_validate(data)
    root = parse(graph.svg(hostile))
    tags = {el.tag.removeprefix(NS) for el in root.iter()}
    assert tags <= {"svg", "defs", "marker", "path", "title", "text", "g", "rect", "polygon"}, tags
    clean = evil.replace("\x07", "")
    titles = [el.text or "" for el in root.iter(f"{NS}title")]
    assert "trust > 3 " + clean in titles and "anger >= 9 <b>" + clean in titles and clean in titles
    assert any(clean in t for t in titles if t.startswith("opening: "))
    texts = "".join("".join(el.itertext()) for el in root.iter(f"{NS}text"))
    assert "</text><script>" in texts  # drawn as the characters the author typed


def test_the_routes_a_call_took_are_highlighted() -> None:
    s = shipped(ROOT / "scenarios" / "medical_emergency_uk.yaml")
    root = parse(graph.svg(s, ["opening", "verified"], [("opening", 0)]))
    (hot,) = groups(root, "taken")
    assert (hot.get("data-from"), hot.get("data-to"), hot.get("data-index")) == ("opening", "verified", "0")
    assert {g.get("data-id") for g in groups(root, "visited")} == {"opening", "verified"}


def sample(d: str, steps: int = 24) -> list[tuple[float, float]]:
    """Points along a path of M, L and C commands (the ones the diagram writes)."""
    out: list[tuple[float, float]] = []
    at = (0.0, 0.0)
    for cmd, args in re.findall(r"([MLC])([^MLC]*)", d):
        pts = path_points(args)
        if cmd == "M":
            at = pts[0]
        elif cmd == "L":
            out += [(at[0] + (pts[0][0] - at[0]) * k / steps, at[1] + (pts[0][1] - at[1]) * k / steps)
                    for k in range(steps + 1)]
            at = pts[0]
        else:
            (x0, y0), (x1, y1), (x2, y2), (x3, y3) = at, *pts
            for k in range(steps + 1):
                t = k / steps
                a, b, c, e = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t ** 2, t ** 3
                out.append((a * x0 + b * x1 + c * x2 + e * x3, a * y0 + b * y1 + c * y2 + e * y3))
            at = pts[-1]
        out.append(at)
    return out


@pytest.mark.parametrize(("load", "path"), CASES)
def test_lines_pass_between_the_boxes_and_labels_they_do_not_join(load: Any, path: Path | str | None) -> None:
    """A line crosses no node box but its own two ends', and no label but its own: a route that skips rows
    runs between the boxes there, so nothing is drawn over a box or another edge's label."""
    s = load(path)
    lay = graph.layout(s)
    for e in lay.edges:
        points = sample(e.d)
        for nid, node in lay.nodes.items():
            if nid in (e.source, e.target):
                continue
            inner = Box(node.box.x + 1, node.box.y + 1, node.box.w - 2, node.box.h - 2)
            assert not any(inner.contains(*p, tol=0) for p in points), f"{e.source}->{e.target} crosses {nid}"
        for other in lay.edges:
            if other is e:
                continue
            b = other.label.box
            inner = Box(b.x + 1, b.y + 1, b.w - 2, b.h - 2)
            assert not any(inner.contains(*p, tol=0) for p in points), \
                f"{e.source}->{e.target} crosses the label of {other.source}->{other.target}"


MEASURE = """
const box = el => { const b = el.getBBox(); return [b.x, b.y, b.width, b.height]; };
return {
  labels: [...document.querySelectorAll('g.edge')].map(g => {
    const t = g.querySelector('text.edge-label');
    return [t.textContent, box(t), box(g.querySelector('rect.label-box'))];
  }),
  nodes: [...document.querySelectorAll('g.node')].map(g => [
    g.getAttribute('data-id'), box(g.querySelector('rect, polygon')),
    [...g.querySelectorAll('text')].map(t => [t.textContent, box(t)])]),
};
"""


def test_in_chromium_real_text_fits_the_estimate_and_nothing_overlaps(tmp_path: Path) -> None:
    """The layout trusts an estimate of text width; a real browser, with real fonts, measures each label and
    node line: each fits inside its own box, so the real labels overlap nothing either."""
    from .browser import chromium

    cases = {"medical": shipped(ROOT / "scenarios" / "medical_emergency_uk.yaml"), "tangled": tangled(),
             "job-loss": shipped(ROOT / "scenarios" / "job_loss_us.yaml")}
    with chromium(1600, 1000) as driver:
        for name, s in cases.items():
            page = tmp_path / f"{name}.svg"
            page.write_text(graph.svg(s), encoding="utf-8")
            driver.get(page.as_uri())
            got = driver.execute_script(MEASURE)
            assert len(got["labels"]) == len(graph.layout(s).edges)
            real = []
            for text, (x, y, w, h), (bx, by, bw, bh) in got["labels"]:
                assert w > 0, text
                assert w <= graph.text_width(text, graph.LABEL_FONT) + 0.5, f"{name}: {text!r} is wider than estimated"
                assert bx - 0.5 <= x and x + w <= bx + bw + 0.5 and by - 1 <= y and y + h <= by + bh + 1, text
                real.append((text, Box(x, y, w, h)))
            shapes = []
            for nid, (x, y, w, h), lines in got["nodes"]:
                shape = Box(x, y, w, h)
                shapes.append((nid, shape))
                for text, (tx, ty, tw, th) in lines:
                    assert shape.x < tx and tx + tw < shape.right and shape.y < ty and ty + th < shape.bottom, \
                        f"{name}: {text!r} spills out of node {nid}"
            for i, (text, box) in enumerate(real):
                assert not any(box.overlaps(other) for _, other in real[i + 1:]), text
                assert not any(box.overlaps(shape) for _, shape in shapes), text


def test_an_svg_file_named_with_o_gets_an_svg(tmp_path: Path) -> None:
    """The trainers' guide writes `callsim graph SCENARIO --session ID -o s.svg`: that wrote Mermaid text into
    s.svg. The format now follows the file's extension when --format is left out."""
    from callsim.cli import main

    for name, starts in (("a.svg", "<svg"), ("a.dot", "digraph"), ("a.md", "flowchart TD")):
        assert main(["graph", "medical-emergency-uk", "-o", str(tmp_path / name)]) == 0
        assert (tmp_path / name).read_text(encoding="utf-8").startswith(starts), name
    assert main(["graph", "medical-emergency-uk", "--format", "mermaid", "-o", str(tmp_path / "b.svg")]) == 0
    assert (tmp_path / "b.svg").read_text(encoding="utf-8").startswith("flowchart TD")


def test_crossing_count_matches_counting_every_pair() -> None:
    """The row ordering counts line crossings with a sorted sweep; it agrees with trying every pair."""
    import random

    rng = random.Random(3)
    for _ in range(300):
        n1, n2 = rng.randint(1, 8), rng.randint(1, 8)
        items = [graph._Item(0, 1, 1) for _ in range(n1)] + [graph._Item(1, 1, 1) for _ in range(n2)]
        for i in range(n1):
            items[i].down += [n1 + rng.randrange(n2) for _ in range(rng.randint(0, 4))]
        ranks = [rng.sample(range(n1), n1), rng.sample(range(n1, n1 + n2), n2)]
        pos = {i: p for row in ranks for p, i in enumerate(row)}
        pairs = [(pos[i], pos[k]) for i in ranks[0] for k in items[i].down]
        assert graph._crossings(items, ranks, pos) == sum(1 for a, b in pairs for c, d in pairs if a < c and b > d)


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_ending_names_take_two_lines_before_they_are_cut(path: Path) -> None:
    """An ending's name (what a trainer looks for) is wrapped over up to two lines, cut only past that; the
    whole name and its result are in the node's tooltip."""
    s = shipped(path)
    root = parse(graph.svg(s))
    for g in groups(root, "ending"):
        node = s.nodes[g.get("data-id", "")]
        assert node.outcome is not None
        bold = [t.text or "" for t in g.iter(f"{NS}text") if t.get("font-weight") == "bold"]
        shown = " ".join(bold)
        assert 1 <= len(bold) <= 2
        assert shown == node.outcome.label or (shown.endswith("…") and len(bold) == 2
                                               and node.outcome.label.startswith(bold[0]))
        assert f"{node.outcome.label} ({node.outcome.result})" in (g.findtext(f"{NS}title") or "")


@pytest.mark.parametrize(("load", "path"), CASES)
def test_the_start_node_is_marked(load: Any, path: Path | str | None) -> None:
    """As Mermaid's START circle does: a green "start" mark just left of the start node, pointing at it,
    clear of every label and every other box."""
    s = load(path)
    lay = graph.layout(s)
    root = parse(graph.svg(s))
    (mark,) = [g for g in root.iter(f"{NS}g") if "start-mark" in cls(g)]
    assert mark.get("data-for") == s.start and "".join(mark.itertext()).endswith("start")
    box = shape_box(mark)
    start = lay.nodes[s.start].box
    assert lay.start is not None
    assert [round(v, 1) for v in (lay.start.x, lay.start.y, lay.start.w, lay.start.h)] == [box.x, box.y, box.w, box.h]
    assert box.right < start.x <= box.right + 14 and start.y <= box.y and box.bottom <= start.bottom
    (arrow,) = mark.iter(f"{NS}path")
    (x0, _), (x1, _) = path_points(arrow.get("d", ""))
    assert (x0, x1) == (pytest.approx(box.right, abs=0.1), pytest.approx(start.x, abs=0.1))
    assert not any(box.overlaps(e.label.box) for e in lay.edges)
    assert not any(box.overlaps(n.box) for n in lay.nodes.values())
    for e in lay.edges:
        inner = Box(box.x + 1, box.y + 1, box.w - 2, box.h - 2)
        assert not any(inner.contains(*p, tol=0) for p in sample(e.d)), f"{e.source}->{e.target} crosses the mark"
