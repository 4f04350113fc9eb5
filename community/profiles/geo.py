"""The map of the 125 municipalities: SVG paths drawn on the server from the shipped GeoJSON.

No tiles, no JavaScript, no network: ``community/data/municipios_edomex.geojson`` (INEGI,
Marco Geoestadístico; see ``../shared/data/SOURCES.md``) is read once, projected and turned
into one SVG path per municipality, keyed by its 5-digit INEGI code (``cve_geo``, "15058").

Projection: equirectangular, x = lon · cos(φ₀), y = −lat, with φ₀ the latitude of the middle
of the state's bounding box (≈ 19.33°), so that a kilometre east and a kilometre north have
about the same length on screen. The result is scaled to a viewBox ``VIEW_WIDTH`` wide with a
``MARGIN`` on every side; the height follows from the state's proportions.

Paths: coordinates rounded to 1 decimal of a viewBox unit (at 1000 units wide that is about
20 m), consecutive duplicate points dropped (and rings left with fewer than 3 points). Each
ring is ``M`` + its first point, then ``l`` + relative steps between the rounded points in the
shortest number form ("-.3", no space before a minus), then ``z``: a third smaller than
absolute coordinates, with no drift, since the steps are exact differences of rounded points.
Polygons and MultiPolygons become one path each; holes are just further rings, drawn with
``fill-rule: evenodd`` (set in ``static/css/map.css``).

Shades (``shade-0`` … ``shade-5``), the rule:

* ``shade-0``: no validated OSC (count 0 or missing).
* The non-zero counts are split into at most five classes at their quintiles: the breaks are
  the nearest-rank 20th, 40th, 60th and 80th percentiles of the sorted non-zero counts, with
  duplicates and any break equal to the maximum dropped. A class is (previous break, break],
  the last one (last break, maximum]; so every class holds at least one municipality.
* With k classes, class i (1-based) gets ``shade = 1 + round((i − 1) · 4 / (k − 1))``
  (k = 1 gives shade 5): the top class is always the darkest wine and the scale keeps its
  full range when there are few distinct counts. 5 classes → 1 2 3 4 5, 4 → 1 2 4 5,
  3 → 1 3 5, 2 → 1 5, 1 → 5.

The rule depends only on the multiset of counts (not on order), and the shade never goes
down when a count goes up for the same data: it is monotonic.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "municipios_edomex.geojson"
VIEW_WIDTH = 1000
MARGIN = 10
SHADES = 5

Point = tuple[float, float]
Ring = list[Point]


@dataclass(frozen=True, slots=True)
class Shape:
    """One municipality on the map: its INEGI code, name, SVG path and a point for a label."""

    code: str
    name: str
    d: str
    label_x: float
    label_y: float


@dataclass(frozen=True, slots=True)
class MapItem:
    """A municipality as the choropleth draws it."""

    code: str
    name: str
    d: str
    count: int
    shade: int

    @property
    def shade_class(self) -> str:
        return f"shade-{self.shade}"


@dataclass(frozen=True, slots=True)
class LegendBin:
    """One legend entry: the counts from ``low`` to ``high`` (inclusive) share ``shade``."""

    shade: int
    low: int
    high: int
    municipalities: int

    @property
    def shade_class(self) -> str:
        return f"shade-{self.shade}"


class ChoroplethMap(list):
    """The list of :class:`MapItem` of ``choropleth``, carrying the viewBox it is drawn in."""

    viewbox: str
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class _Geometry:
    width: int
    height: int
    shapes: dict[str, Shape]

    @property
    def viewbox(self) -> str:
        return f"0 0 {self.width} {self.height}"


def _polygons(geometry: dict) -> list[list[list[list[float]]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["coordinates"])
    raise ValueError(f"unsupported geometry type {geometry['type']!r}")


def _num(tenths: int) -> str:
    """A number of tenths in SVG's shortest form: 12 → "1.2", 10 → "1", -3 → "-.3"."""
    whole, tenth = divmod(abs(tenths), 10)
    text = (str(whole) if whole else "") + (f".{tenth}" if tenth else "")
    return ("-" if tenths < 0 else "") + (text or "0")


def _pair(x: int, y: int) -> str:
    """Two numbers of tenths; the space between them is only needed before a digit or dot."""
    second = _num(y)
    return _num(x) + (second if second.startswith("-") else " " + second)


def _ring_path(ring: Ring) -> tuple[str, Ring]:
    """The ``M x y l dx dy … z`` of one ring, or ``""`` when it is degenerate.

    Points are rounded to tenths of a unit first (so neighbours that share a vertex share
    its rounded position), consecutive duplicates are dropped, and the ring is written as a
    start point plus relative steps between rounded points, so no rounding error builds up.
    Also returns the rounded points.
    """
    points: list[tuple[int, int]] = []
    for x, y in ring:
        point = (round(x * 10), round(y * 10))
        if not points or point != points[-1]:
            points.append(point)
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()  # z closes the ring
    if len(points) < 3:
        return "", []
    steps = " ".join(_pair(x1 - x0, y1 - y0)
                     for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False))
    d = f"M{_pair(*points[0])}l{steps}z".replace(" -", "-")
    return d, [(x / 10, y / 10) for x, y in points]


def _area_centroid(ring: Ring) -> tuple[float, float, float]:
    """Signed area and area centroid of a closed ring (shoelace)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    area /= 2
    if area == 0:
        xs, ys = zip(*ring, strict=True)
        return 0.0, sum(xs) / len(xs), sum(ys) / len(ys)
    return area, cx / (6 * area), cy / (6 * area)


def _label_point(rings: list[Ring]) -> Point:
    """The area centroid of the largest ring, moved inside the shape when it falls outside.

    The horizontal line through that centroid crosses the rings (even-odd, so holes and other
    parts count); if the centroid is not in one of the inside stretches, the middle of the
    widest stretch is used instead.
    """
    outer = max(rings, key=lambda ring: abs(_area_centroid(ring)[0]))
    _area, cx, cy = _area_centroid(outer)
    crossings = sorted(
        x0 + (cy - y0) * (x1 - x0) / (y1 - y0)
        for ring in rings
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True)
        if (y0 > cy) != (y1 > cy)
    )
    stretches = list(zip(crossings[::2], crossings[1::2], strict=True))
    if not stretches or any(a <= cx <= b for a, b in stretches):
        return round(cx, 1), round(cy, 1)
    a, b = max(stretches, key=lambda s: s[1] - s[0])
    return round((a + b) / 2, 1), round(cy, 1)


@cache
def _geometry() -> _Geometry:
    with open(DATA_FILE, encoding="utf-8") as handle:
        features = json.load(handle)["features"]

    lons = [c[0] for f in features for p in _polygons(f["geometry"]) for r in p for c in r]
    lats = [c[1] for f in features for p in _polygons(f["geometry"]) for r in p for c in r]
    kx = math.cos(math.radians((min(lats) + max(lats)) / 2))
    span_x = (max(lons) - min(lons)) * kx
    span_y = max(lats) - min(lats)
    scale = (VIEW_WIDTH - 2 * MARGIN) / span_x
    height = math.ceil(span_y * scale + 2 * MARGIN)
    # Centre the drawing vertically in the whole-unit height.
    top = (height - span_y * scale) / 2
    west, north = min(lons), max(lats)

    def project(lon: float, lat: float) -> Point:
        return MARGIN + (lon - west) * kx * scale, top + (north - lat) * scale

    shapes: dict[str, Shape] = {}
    for feature in features:
        props = feature["properties"]
        parts: list[str] = []
        rings: list[Ring] = []
        for polygon in _polygons(feature["geometry"]):
            for ring in polygon:
                d, points = _ring_path([project(lon, lat) for lon, lat in ring])
                if d:
                    parts.append(d)
                    rings.append(points)
        if not parts:
            raise ValueError(f"municipality {props['cve_geo']} has no drawable ring")
        x, y = _label_point(rings)
        code = str(props["cve_geo"])
        shapes[code] = Shape(code=code, name=props["nom_mun"], d="".join(parts),
                             label_x=x, label_y=y)
    ordered = dict(sorted(shapes.items()))
    return _Geometry(width=VIEW_WIDTH, height=height, shapes=ordered)


def municipality_shapes() -> dict[str, Shape]:
    """Every municipality's shape by INEGI code, in code order (computed once per process)."""
    return dict(_geometry().shapes)


def viewbox() -> str:
    """The SVG ``viewBox`` the paths are drawn in: ``"0 0 1000 <height>"``."""
    return _geometry().viewbox


def _breaks(counts: dict[str, int]) -> list[int]:
    """The upper bounds of every class but the last (see the module docstring)."""
    values = sorted(n for n in counts.values() if n > 0)
    if not values:
        return []
    top = values[-1]
    picks = {values[math.ceil(j * len(values) / SHADES) - 1] for j in range(1, SHADES)}
    return sorted(b for b in picks if b < top)


def _class_shade(index: int, classes: int) -> int:
    """Shade of class ``index`` (1-based) out of ``classes``, spread over 1..SHADES."""
    if classes == 1:
        return SHADES
    return 1 + round((index - 1) * (SHADES - 1) / (classes - 1))


def _shader(counts: dict[str, int]):
    breaks = _breaks(counts)
    classes = len(breaks) + 1

    def shade(count: int) -> int:
        if count <= 0:
            return 0
        index = 1 + sum(1 for b in breaks if count > b)
        return _class_shade(index, classes)

    return shade


def choropleth(counts: dict[str, int]) -> ChoroplethMap:
    """Every municipality with its count (0 when missing) and shade, in code order.

    Codes in ``counts`` that are not municipalities of the state are ignored.
    """
    geometry = _geometry()
    known = {code: max(int(counts.get(code, 0) or 0), 0) for code in geometry.shapes}
    shade = _shader(known)
    items = ChoroplethMap(
        MapItem(code=s.code, name=s.name, d=s.d, count=known[s.code], shade=shade(known[s.code]))
        for s in geometry.shapes.values()
    )
    items.viewbox, items.width, items.height = geometry.viewbox, geometry.width, geometry.height
    return items


def legend(counts: dict[str, int]) -> list[LegendBin]:
    """The legend of ``choropleth(counts)``: shade 0 first, then each class from low to high.

    Every count on the map falls in exactly one bin's ``low..high``; the shade-0 bin is always
    there (0..0), even when every municipality has an OSC (then ``municipalities`` is 0).
    """
    known = {code: max(int(counts.get(code, 0) or 0), 0) for code in _geometry().shapes}
    breaks = _breaks(known)
    values = sorted(n for n in known.values() if n > 0)
    bins = [LegendBin(shade=0, low=0, high=0,
                      municipalities=sum(1 for n in known.values() if n == 0))]
    if not values:
        return bins
    lows = [1, *(b + 1 for b in breaks)]
    highs = [*breaks, values[-1]]
    classes = len(lows)
    for index, (low, high) in enumerate(zip(lows, highs, strict=True), start=1):
        members = sum(1 for n in values if low <= n <= high)
        bins.append(LegendBin(shade=_class_shade(index, classes), low=low, high=high,
                              municipalities=members))
    return bins
