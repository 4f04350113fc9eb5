"""Survey charts drawn on the server: numbers in, SVG geometry out.

Nothing here knows about the database, the request or HTML. Each function returns a
:class:`Chart` (rectangles, lines of text, a title and a description) that the template
``surveys/results_charts.html`` writes as an ``<svg role="img">``; Jinja escapes every label
there, so an option called ``<script>`` stays text. The charts never rely on colour alone:
each segment or bar carries its count and share in words, the legend names every colour, and
the page shows the same figures in a table. Sizes are viewBox units: the SVG scales to the
width of a phone (``svg { max-width: 100%; height: auto }`` in site.css).
"""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext

WIDTH = 480
FONT = 14
SMALL = 13
INK = "#1a1a1a"
WHITE = "#ffffff"
OUTLINE = "#4a4a4a"
#: Five points from "in disagreement" to "in agreement" (ColorBrewer RdBu, darkened ends):
#: each fill keeps a contrast of at least 4.5:1 with the text written on it.
LIKERT_FILLS = ("#b2182b", "#ef8a62", "#d9d9d9", "#67a9cf", "#2166ac")
NPS_FILLS = {"detractors": "#b2182b", "passives": "#d9d9d9", "promoters": "#1a7837"}
BAR_FILL = "#2166ac"
DARK_FILLS = frozenset({"#b2182b", "#2166ac", "#1a7837"})
#: A label longer than this is cut in the drawing (the table below shows it whole).
LABEL_CHARS = 52
#: A histogram of numbers shows at most this many bars (wider ranges are grouped).
MAX_BINS = 10


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    fill: str
    title: str = ""  # what the shape means, read as a tooltip
    stroke: str | None = None


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    anchor: str = "start"
    fill: str = INK
    size: int = FONT
    bold: bool = False


@dataclass(frozen=True)
class Chart:
    """A drawing: ``viewBox="0 0 width height"``, its accessible name and description."""

    kind: str
    title: str
    desc: str
    height: float
    rects: tuple[Rect, ...] = ()
    texts: tuple[Text, ...] = ()
    width: float = WIDTH
    lines: tuple[tuple[float, float, float, float], ...] = field(default=())

    @property
    def viewbox(self) -> str:
        return f"0 0 {_num(self.width)} {_num(self.height)}"


# --- formatting --------------------------------------------------------------------------



def _distribution_title(total: int) -> str:
    return ngettext("Distribución de %(num)d respuesta", "Distribución de %(num)d respuestas",
                    total)

def _num(value: float) -> str:
    """A coordinate without trailing zeros (``12.5``, ``40``)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def percent(share: float | None) -> str:
    """``0.456`` -> ``"46%"`` (whole percents, as es-MX writes them)."""
    if share is None:
        return "—"
    return f"{round(share * 100)}%"


def decimal(value: float | None, places: int = 1) -> str:
    if value is None:
        return "—"
    return f"{value:.{places}f}"


def signed(value: float | None, places: int = 0) -> str:
    """A difference or an NPS: ``+12``, ``−3`` (a real minus sign), ``0``."""
    if value is None:
        return "—"
    rounded = round(value, places)
    text = f"{abs(rounded):.{places}f}"
    if rounded > 0:
        return "+" + text
    if rounded < 0:
        return "−" + text
    return text


def short(label: str, limit: int = LABEL_CHARS) -> str:
    label = " ".join(str(label).split())
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _text_on(fill: str) -> str:
    return WHITE if fill in DARK_FILLS else INK


# --- geometry ----------------------------------------------------------------------------


def segments(counts, width: float = WIDTH) -> list[tuple[float, float]]:
    """``(x, width)`` of each part of a stacked bar: proportional to its count, placed from
    rounded cumulative sums so that the parts always end exactly at ``width`` (no gap or
    overlap from rounding). All zeros give zero widths."""
    total = sum(counts)
    if total <= 0:
        return [(0.0, 0.0) for _count in counts]
    edges, running = [0.0], 0
    for count in counts:
        running += count
        edges.append(round(width * running / total, 2))
    return [(edges[i], round(edges[i + 1] - edges[i], 2)) for i in range(len(counts))]


def _stacked(parts, *, top: float, height: float, min_label: float = 44):
    """Rectangles and in-segment percentages of one stacked bar. ``parts`` are
    ``(label, count, fill)``; a segment too narrow for its text leaves it to the legend."""
    counts = [count for _label, count, _fill in parts]
    total = sum(counts)
    rects, texts = [], []
    for (label, count, fill), (x, width) in zip(parts, segments(counts), strict=True):
        if width <= 0:
            continue
        share = count / total
        rects.append(Rect(x, top, width, height, fill,
                          title=f"{label}: {count} ({percent(share)})"))
        if width >= min_label:
            texts.append(Text(round(x + width / 2, 2), top + height / 2 + 5, percent(share),
                              anchor="middle", fill=_text_on(fill), bold=True))
    outline = Rect(0, top, WIDTH, height, "none", stroke=OUTLINE) if total else None
    return rects + ([outline] if outline else []), texts


def _legend(parts, top: float) -> tuple[list[Rect], list[Text], float]:
    """One line per part: a swatch and its name, count and share in words."""
    total = sum(count for _label, count, _fill in parts) or 1
    rects, texts, y = [], [], top
    for label, count, fill in parts:
        rects.append(Rect(0, y, 14, 14, fill, stroke=OUTLINE))
        texts.append(Text(22, y + 12, f"{short(label, 40)}: {count} ({percent(count / total)})",
                          size=SMALL))
        y += 22
    return rects, texts, y


def likert_chart(labels, counts, mean: float | None, top_two: float | None) -> Chart:
    """A five-point Likert question as one stacked horizontal bar, from the lowest point on
    the left to the highest on the right, with its mean and top-two-box share written above."""
    if len(labels) != 5 or len(counts) != 5:
        raise ValueError("A Likert chart has five points.")
    parts = list(zip(labels, counts, LIKERT_FILLS, strict=True))
    total = sum(counts)
    summary = _("Promedio: %(mean)s de 5 · Las dos respuestas más altas: %(share)s",
                mean=decimal(mean), share=percent(top_two))
    texts = [Text(0, 18, summary, bold=True)]
    rects, bar_texts = _stacked(parts, top=30, height=36)
    legend_rects, legend_texts, bottom = _legend(parts, 80)
    desc = "; ".join(f"{label}: {count}" for label, count in zip(labels, counts, strict=True))
    return Chart("likert", _distribution_title(total),
                 f"{summary}. {desc}.", bottom + 4, tuple(rects + legend_rects),
                 tuple(texts + bar_texts + legend_texts))


def nps_chart(detractors: int, passives: int, promoters: int, score: float | None) -> Chart:
    """Net Promoter Score: detractors (0–6), passives (7–8) and promoters (9–10) stacked in
    that order, with the score (% promoters − % detractors) written above."""
    parts = [(_("Detractores (0 a 6)"), detractors, NPS_FILLS["detractors"]),
             (_("Pasivos (7 y 8)"), passives, NPS_FILLS["passives"]),
             (_("Promotores (9 y 10)"), promoters, NPS_FILLS["promoters"])]
    summary = _("Puntaje NPS: %(score)s (de −100 a +100)", score=signed(score))
    rects, bar_texts = _stacked(parts, top=30, height=36)
    legend_rects, legend_texts, bottom = _legend(parts, 80)
    desc = "; ".join(f"{label}: {count}" for label, count, _fill in parts)
    return Chart("nps", summary, f"{summary}. {desc}.", bottom + 4,
                 tuple(rects + legend_rects),
                 tuple([Text(0, 18, summary, bold=True)] + bar_texts + legend_texts))


def bar_chart(items, base: int) -> Chart:
    """Horizontal bars, one per option: ``items`` are ``(label, count)``; each bar's length is
    its share of ``base`` (the people who answered the question), so the bars of a multiple
    choice may add up to more than 100 %. The label sits above its bar, the count and share
    after it."""
    value_room = 96
    track = WIDTH - value_room
    rects, texts, y = [], [], 0.0
    for label, count in items:
        share = count / base if base else 0.0
        words = f"{count} ({percent(share)})"
        texts.append(Text(0, y + 15, short(label)))
        width = round(track * min(share, 1.0), 2)
        rects.append(Rect(0, y + 22, width, 18, BAR_FILL, title=f"{label}: {words}"))
        texts.append(Text(round(width + 6, 2), y + 36, words, size=SMALL, bold=True))
        y += 50
    desc = "; ".join(f"{label}: {count} ({percent(count / base if base else 0)})"
                     for label, count in items)
    title = _("Respuestas por opción, de %(num)d personas", num=base)
    return Chart("bars", title, f"{title}. {desc}.", max(y, 20), tuple(rects), tuple(texts),
                 lines=((0, 0, 0, max(y, 20)),))


def bins(counts: dict[int, int], max_bins: int = MAX_BINS) -> list[tuple[str, int]]:
    """Counts per whole number grouped into at most ``max_bins`` equal ranges
    (``"10–19"``); a narrow range keeps one bar per value, empty values included."""
    if not counts:
        return []
    low, high = min(counts), max(counts)
    span = high - low + 1
    step = max(1, -(-span // max_bins))
    grouped = []
    for start in range(low, high + 1, step):
        end = min(start + step - 1, high)
        total = sum(count for value, count in counts.items() if start <= value <= end)
        grouped.append((str(start) if start == end else f"{start}–{end}", total))
    return grouped


def histogram(items) -> Chart:
    """Vertical bars over the values of a rating or a number: ``items`` are
    ``(value label, count)`` in order; each bar has its count above and its value below."""
    chart_top, chart_height, label_room = 24, 160, 26
    tallest = max((count for _label, count in items), default=0) or 1
    slot = WIDTH / max(len(items), 1)
    bar = max(min(slot * 0.7, 64), 4)
    rects, texts = [], []
    baseline = chart_top + chart_height
    for index, (label, count) in enumerate(items):
        height = round(chart_height * count / tallest, 2)
        x = round(index * slot + (slot - bar) / 2, 2)
        centre = round(index * slot + slot / 2, 2)
        rects.append(Rect(x, round(baseline - height, 2), round(bar, 2), height, BAR_FILL,
                          title=f"{label}: {count}"))
        texts.append(Text(centre, round(baseline - height - 6, 2), str(count),
                          anchor="middle", size=SMALL, bold=True))
        texts.append(Text(centre, baseline + 18, short(label, 12), anchor="middle",
                          size=SMALL))
    total = sum(count for _label, count in items)
    title = _distribution_title(total)
    desc = "; ".join(f"{label}: {count}" for label, count in items)
    return Chart("histogram", title, f"{title}. {desc}.", baseline + label_room,
                 tuple(rects), tuple(texts), lines=((0, baseline, WIDTH, baseline),))
