"""The server-side map: shapes from the GeoJSON, shade classes, legend and the Jinja macro."""

import csv
import json
import random
import re
from pathlib import Path

import pytest

from community.profiles import geo

ROOT = Path(__file__).resolve().parents[2]
CSV_FILE = ROOT / "community" / "data" / "municipios_edomex.csv"
MAP_CSS = ROOT / "static" / "css" / "map.css"
TOKEN = re.compile(r"[A-Za-z]|-?(?:\d+(?:\.\d*)?|\.\d+)")
MACRO = ('{% from "profiles/_map.html" import osc_map %}'
         '{{ osc_map(items, legend, link_endpoint="main.home") }}')


def _catalogue() -> dict[str, str]:
    with open(CSV_FILE, newline="", encoding="utf-8") as handle:
        return {row["clave"]: row["nombre"] for row in csv.DictReader(handle)}


def _rings(d: str) -> list[list[tuple[float, float]]]:
    """Absolute points of each ring of a path made of ``M x y l dx dy … z`` (what geo writes)."""
    tokens = TOKEN.findall(d)
    assert "".join(tokens) == d.replace(" ", ""), "unexpected characters in the path"
    rings, i = [], 0
    while i < len(tokens):
        assert tokens[i] == "M" and tokens[i + 3] == "l", d[:40]
        x, y = float(tokens[i + 1]), float(tokens[i + 2])
        ring, i = [(x, y)], i + 4
        while tokens[i] != "z":
            x, y = round(x + float(tokens[i]), 1), round(y + float(tokens[i + 1]), 1)
            ring.append((x, y))
            i += 2
        rings.append(ring)
        i += 1
    return rings


def _inside(x: float, y: float, rings) -> bool:
    """Even-odd point-in-polygon test over all rings (as fill-rule: evenodd fills)."""
    inside = False
    for ring in rings:
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
                inside = not inside
    return inside


def _random_counts(seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    pool = [0] * 6 + [1] * 4 + [2, 2, 3, 5, 8, 13, 21, 40, 150]
    return {code: rng.choice(pool) for code in geo.municipality_shapes()}


# ---------- shapes ----------


def test_125_shapes_with_the_catalogue_codes_and_names():
    shapes = geo.municipality_shapes()
    catalogue = _catalogue()
    assert len(shapes) == 125
    assert set(shapes) == set(catalogue)
    assert list(shapes) == sorted(shapes)
    for code, shape in shapes.items():
        assert shape.code == code and re.fullmatch(r"15\d{3}", code)
        assert shape.name == catalogue[code]
    assert shapes["15058"].name == "Nezahualcóyotl"


def test_paths_are_non_empty_and_inside_the_viewbox():
    _x, _y, width, height = map(int, geo.viewbox().split())
    assert width == geo.VIEW_WIDTH and 900 < height < 1100  # the state is about as tall as wide
    for shape in geo.municipality_shapes().values():
        rings = _rings(shape.d)
        assert rings, shape.code
        for ring in rings:
            assert len(ring) >= 3
            for x, y in ring:
                assert 0 <= x <= width and 0 <= y <= height, (shape.code, x, y)
            steps = zip(ring, ring[1:] + ring[:1], strict=True)
            assert all(a != b for a, b in steps), f"{shape.code}: duplicate consecutive point"


def test_the_drawing_fills_the_viewbox_width_with_the_margin():
    _x, _y, width, height = map(int, geo.viewbox().split())
    points = [p for s in geo.municipality_shapes().values() for r in _rings(s.d) for p in r]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    assert min(xs) == pytest.approx(geo.MARGIN, abs=0.1)
    assert max(xs) == pytest.approx(width - geo.MARGIN, abs=0.1)
    assert min(ys) >= geo.MARGIN - 1 and max(ys) <= height - geo.MARGIN + 1


def test_multipolygons_keep_every_part():
    with open(geo.DATA_FILE, encoding="utf-8") as handle:
        features = json.load(handle)["features"]
    multi = {f["properties"]["cve_geo"]: len(f["geometry"]["coordinates"])
             for f in features if f["geometry"]["type"] == "MultiPolygon"}
    assert multi  # 9 in the shipped file
    shapes = geo.municipality_shapes()
    for code, parts in multi.items():
        # a tiny part may vanish when rounded, but never all of them
        assert 1 <= len(_rings(shapes[code].d)) <= parts


def test_west_is_left_and_north_is_up():
    shapes = geo.municipality_shapes()
    toluca, neza = shapes["15106"], shapes["15058"]
    assert toluca.label_x < neza.label_x  # Toluca is west of Nezahualcóyotl
    tlatlaya, jilotepec = shapes["15105"], shapes["15045"]
    assert jilotepec.label_y < tlatlaya.label_y  # Jilotepec (north) above Tlatlaya (south)


def test_label_points_are_inside_their_municipality():
    for shape in geo.municipality_shapes().values():
        assert _inside(shape.label_x, shape.label_y, _rings(shape.d)), shape.code


def test_the_svg_stays_small():
    size = sum(len(s.d.encode()) for s in geo.municipality_shapes().values())
    assert size < 100_000


@pytest.fixture
def tiny_geojson(tmp_path, monkeypatch):
    """Swap in a two-feature GeoJSON: a square with a hole and a MultiPolygon."""
    square = [[-100, 19], [-99, 19], [-99, 20], [-100, 20], [-100, 19]]
    hole = [[-99.8, 19.2], [-99.8, 19.8], [-99.2, 19.8], [-99.2, 19.2], [-99.8, 19.2]]
    # The second part has a point repeated and one that rounds onto its neighbour.
    part = [[-98.9, 19], [-98.5, 19], [-98.5, 19], [-98.500001, 19], [-98.5, 19.4],
            [-98.9, 19]]
    data = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"cve_geo": "15001", "nom_mun": "Uno"},
         "geometry": {"type": "Polygon", "coordinates": [square, hole]}},
        {"type": "Feature", "properties": {"cve_geo": "15002", "nom_mun": "Dos"},
         "geometry": {"type": "MultiPolygon",
                      "coordinates": [[square[:1] + [[-99.5, 18.5], [-99, 19], square[0]]],
                                      [part]]}},
    ]}
    path = tmp_path / "tiny.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(geo, "DATA_FILE", path)
    geo._geometry.cache_clear()
    yield
    geo._geometry.cache_clear()


def test_holes_and_multipolygons_become_rings_of_one_path(tiny_geojson):
    shapes = geo.municipality_shapes()
    assert set(shapes) == {"15001", "15002"}
    square, hole = _rings(shapes["15001"].d)
    assert len(square) == 4 and len(hole) == 4
    hole_x = sum(x for x, _ in hole) / 4
    hole_y = sum(y for _, y in hole) / 4
    assert not _inside(hole_x, hole_y, [square, hole])  # evenodd leaves the hole empty
    assert _inside(shapes["15001"].label_x, shapes["15001"].label_y, [square, hole])
    triangle, part = _rings(shapes["15002"].d)
    assert len(triangle) == 3 and len(part) == 3  # duplicates gone, closing point implied
    assert "l0 0" not in shapes["15002"].d


def test_the_geojson_is_read_once(monkeypatch):
    geo.municipality_shapes()

    def fail(*args, **kwargs):
        raise AssertionError("read again")

    monkeypatch.setattr(geo, "open", fail, raising=False)
    assert len(geo.municipality_shapes()) == 125
    assert len(geo.choropleth({"15058": 3})) == 125


# ---------- shades and legend ----------


def test_no_counts_means_every_municipality_in_shade_0():
    items = geo.choropleth({})
    assert len(items) == 125
    assert {(i.count, i.shade, i.shade_class) for i in items} == {(0, 0, "shade-0")}
    assert geo.legend({}) == [geo.LegendBin(shade=0, low=0, high=0, municipalities=125)]


@pytest.mark.parametrize("seed", range(8))
def test_shades_are_monotonic_in_the_count(seed):
    counts = _random_counts(seed)
    items = sorted(geo.choropleth(counts), key=lambda i: i.count)
    shades = [i.shade for i in items]
    assert shades == sorted(shades)
    for item in items:
        assert (item.shade == 0) == (item.count == 0)
        assert 0 <= item.shade <= 5 and item.shade_class == f"shade-{item.shade}"
    assert items[-1].shade == 5  # the top class is always the darkest


@pytest.mark.parametrize("seed", range(8))
def test_legend_covers_every_count_with_the_items_shade(seed):
    counts = _random_counts(seed)
    items = geo.choropleth(counts)
    bins = geo.legend(counts)
    assert bins[0].shade == 0 and (bins[0].low, bins[0].high) == (0, 0)
    # contiguous ranges from 0 to the largest count, shades going up
    assert [b.low for b in bins[1:]] == [b.high + 1 for b in bins[:-1]]
    assert bins[-1].high == max(counts.values())
    assert [b.shade for b in bins] == sorted({b.shade for b in bins})
    assert sum(b.municipalities for b in bins) == 125
    for item in items:
        (match,) = [b for b in bins if b.low <= item.count <= b.high]
        assert match.shade == item.shade
    for b in bins[1:]:
        assert b.municipalities >= 1


def test_quintile_classes_use_the_whole_scale():
    codes = list(geo.municipality_shapes())
    counts = {code: 1 + n % 10 for n, code in enumerate(codes)}  # 1..10, evenly
    bins = geo.legend(counts)
    assert [(b.shade, b.low, b.high) for b in bins] == [
        (0, 0, 0), (1, 1, 2), (2, 3, 4), (3, 5, 6), (4, 7, 8), (5, 9, 10)]


@pytest.mark.parametrize(("counts", "shades"), [
    ({"15058": 3}, {3: 5}),
    ({"15058": 1, "15106": 2}, {1: 1, 2: 5}),
    ({"15058": 1, "15106": 2, "15033": 3}, {1: 1, 2: 3, 3: 5}),
])
def test_few_distinct_counts_spread_over_the_scale(counts, shades):
    got = {i.count: i.shade for i in geo.choropleth(counts) if i.count}
    assert got == shades


def test_shades_do_not_depend_on_order_and_ignore_unknown_codes():
    counts = _random_counts(3)
    reversed_counts = dict(reversed(list(counts.items())))
    assert geo.choropleth(counts) == geo.choropleth(reversed_counts)
    assert geo.legend(counts) == geo.legend(reversed_counts)
    noisy = {**counts, "09015": 500, "15999": 7}
    assert geo.choropleth(noisy) == geo.choropleth(counts)
    items = geo.choropleth({"15058": -4})
    assert {i.shade for i in items} == {0}


def test_choropleth_carries_the_viewbox():
    items = geo.choropleth({"15058": 2})
    assert items.viewbox == geo.viewbox() == f"0 0 {items.width} {items.height}"
    shapes = geo.municipality_shapes()
    assert [i.code for i in items] == list(shapes)
    assert all(i.d == shapes[i.code].d and i.name == shapes[i.code].name for i in items)


def test_every_shade_has_a_colour_in_the_stylesheet():
    css = MAP_CSS.read_text(encoding="utf-8")
    for shade in range(6):
        assert f".osc-map .shade-{shade} {{" in css
    assert "focus-visible" in css


# ---------- the macro ----------


def _render(app, counts):
    with app.test_request_context():
        return app.jinja_env.from_string(MACRO).render(
            items=geo.choropleth(counts), legend=geo.legend(counts))


def test_macro_renders_a_linked_svg_legend_and_table(app):
    counts = {"15058": 12, "15106": 1, "15033": 4}
    html = _render(app, counts)
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert f'viewBox="{geo.viewbox()}"' in svg
    assert 'role="group"' in svg and 'aria-labelledby="mapa-osc-titulo"' in svg
    assert '<title id="mapa-osc-titulo">' in svg and '<desc id="mapa-osc-desc">' in svg
    links = re.findall(r'<a href="([^"]+)"><title>([^<]+)</title>'
                       r'<path class="muni (shade-\d)" d="([^"]+)"/></a>', svg)
    assert len(links) == 125 == svg.count("<a ")
    titles = {t for _href, t, _shade, _d in links}
    assert "Nezahualcóyotl: 12 OSC validadas" in titles
    assert "Toluca: 1 OSC validada" in titles
    assert "Acambay de Ruíz Castañeda: 0 OSC validadas" in titles
    shade_of = {href.rsplit("=", 1)[1]: shade for href, _t, shade, _d in links}
    assert shade_of["15058"] == "shade-5" and shade_of["15106"] == "shade-1"
    assert all(href.startswith("/?code=15") for href, *_ in links)

    legend = html[html.index('class="osc-map__legend-list"'):html.index("</ul>")]
    assert legend.count("<li>") == len(geo.legend(counts))
    assert "Sin OSC validadas" in legend and "122 municipios" in legend
    assert "1 municipio)" in legend

    table = html[html.index("<table"):html.index("</table>")]
    rows = re.findall(r'<tr><th scope="row"><a href="[^"]+">([^<]+)</a></th>'
                      r'<td class="osc-map__number">(\d+)</td></tr>', table)
    assert len(rows) == 125
    assert ("Nezahualcóyotl", "12") in rows
    assert "<details" in html and "<summary>" in html
    assert "style=" not in html and "<script" not in html


def test_macro_with_no_counts(app):
    html = _render(app, {})
    assert html.count('class="muni shade-0"') == 125
    assert "125 municipios" in html
