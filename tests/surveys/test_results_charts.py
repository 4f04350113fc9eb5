"""The server-drawn charts: geometry that adds up, figures written in words, labels escaped."""

import re

import pytest
from flask import render_template_string

from community.surveys import charts

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
LIKERT = ["Muy insatisfecho", "Insatisfecho", "Ni satisfecho ni insatisfecho", "Satisfecho",
          "Muy satisfecho"]


def _bar_rects(chart, top=30):
    return [r for r in chart.rects if r.y == top and r.fill != "none"]


def test_segments_fill_the_width_exactly_whatever_the_rounding():
    for counts in ([1, 1, 1], [3, 0, 7, 1, 2], [1, 2, 3, 4, 5], [999, 1], [0, 0, 5]):
        parts = charts.segments(counts, 480)
        assert parts[0][0] == 0
        assert sum(width for _x, width in parts) == pytest.approx(480)
        for (x, width), (next_x, _w) in zip(parts, parts[1:], strict=False):
            assert x + width == pytest.approx(next_x)  # no gap, no overlap
    assert charts.segments([0, 0], 480) == [(0.0, 0.0), (0.0, 0.0)]
    assert charts.segments([1, 3], 400) == [(0.0, 100.0), (100.0, 300.0)]


def test_likert_chart_has_five_labelled_segments_mean_and_top_two_box():
    chart = charts.likert_chart(LIKERT, [1, 1, 2, 4, 2], mean=3.5, top_two=0.6)
    bar = _bar_rects(chart)
    assert len(bar) == 5
    assert sum(r.width for r in bar) == pytest.approx(charts.WIDTH)
    assert [r.width for r in bar] == [48, 48, 96, 192, 96]
    assert bar[3].title == "Satisfecho: 4 (40%)"
    words = [t.text for t in chart.texts]
    assert "Promedio: 3.5 de 5 · Las dos respuestas más altas: 60%" in words
    assert "Muy satisfecho: 2 (20%)" in words  # the legend says it in words, not colour alone
    assert "40%" in words  # and the wide segment carries its share
    assert "Satisfecho: 4" in chart.desc and "Promedio: 3.5" in chart.desc
    with pytest.raises(ValueError):
        charts.likert_chart(LIKERT[:4], [1, 2, 3, 4], None, None)


def test_likert_chart_skips_empty_points_and_narrow_labels():
    chart = charts.likert_chart(LIKERT, [0, 0, 0, 1, 99], mean=5.0, top_two=1.0)
    bar = _bar_rects(chart)
    assert len(bar) == 2 and bar[0].width == pytest.approx(4.8)
    in_bar = [t.text for t in chart.texts if 30 < t.y < 66]
    assert in_bar == ["99%"]  # 1% does not fit in 4.8 units: it is in the legend


def test_nps_chart_orders_detractors_passives_promoters_and_writes_the_score():
    chart = charts.nps_chart(2, 3, 5, score=30.0)
    bar = _bar_rects(chart)
    assert [r.title for r in bar] == ["Detractores (0 a 6): 2 (20%)", "Pasivos (7 y 8): 3 (30%)",
                                      "Promotores (9 y 10): 5 (50%)"]
    assert [r.width for r in bar] == [96, 144, 240]
    assert chart.title == "Puntaje NPS: +30 (de −100 a +100)"
    assert charts.nps_chart(5, 0, 0, -100.0).title.startswith("Puntaje NPS: −100")
    assert charts.signed(0.0) == "0"


def test_bar_chart_scales_each_option_to_the_respondents_not_the_sum():
    chart = charts.bar_chart([("Talleres", 8), ("Cursos", 5), ("Otro", 1)], base=10)
    widths = [r.width for r in chart.rects]
    track = charts.WIDTH - 96
    assert widths == [pytest.approx(track * 0.8), pytest.approx(track * 0.5),
                      pytest.approx(track * 0.1)]
    words = [t.text for t in chart.texts]
    assert words == ["Talleres", "8 (80%)", "Cursos", "5 (50%)", "Otro", "1 (10%)"]
    assert chart.height == 150
    assert "de 10 personas" in chart.title


def test_long_labels_are_cut_in_the_drawing_but_whole_in_the_tooltip():
    label = "Una opción con un texto muy largo que no cabe en una sola línea del dibujo"
    chart = charts.bar_chart([(label, 3)], base=3)
    assert chart.texts[0].text.endswith("…") and len(chart.texts[0].text) == charts.LABEL_CHARS
    assert chart.rects[0].title.startswith(label)


def test_histogram_bars_are_proportional_to_the_tallest():
    chart = charts.histogram([("1", 2), ("2", 0), ("3", 4), ("4", 1), ("5", 8)])
    heights = [r.height for r in chart.rects]
    assert heights == [40, 0, 80, 20, 160]
    baseline = 24 + 160
    assert all(r.y + r.height == pytest.approx(baseline) for r in chart.rects)
    assert [t.text for t in chart.texts][:2] == ["2", "1"]
    assert chart.title == "Distribución de 15 respuestas"


def test_number_bins_group_wide_ranges_and_keep_narrow_ones():
    assert charts.bins({1: 2, 3: 1}) == [("1", 2), ("2", 0), ("3", 1)]
    wide = charts.bins({0: 1, 5: 2, 19: 3, 99: 4})
    assert len(wide) == 10 and wide[0] == ("0–9", 3) and wide[1] == ("10–19", 3)
    assert wide[-1] == ("90–99", 4)
    assert sum(count for _label, count in wide) == 10
    assert charts.bins({}) == []


def _render(chart, app):
    template = ('{% from "surveys/results_charts.html" import svg_chart %}'
                '{{ svg_chart(chart, "g1") }}')
    with app.test_request_context():
        return render_template_string(template, chart=chart)


def test_svg_is_an_image_named_and_described_and_escapes_labels(app):
    chart = charts.bar_chart([(XSS, 2), ("Sí & no", 1)], base=3)
    svg = _render(chart, app)
    assert 'role="img"' in svg
    assert 'aria-labelledby="g1-titulo"' in svg and 'aria-describedby="g1-desc"' in svg
    assert re.search(r'<title id="g1-titulo">Respuestas por opción', svg)
    assert 'viewBox="0 0 480 100"' in svg
    assert "<script>" not in svg and "<img" not in svg
    assert "&lt;script&gt;" in svg and "Sí &amp; no" in svg


def test_likert_svg_writes_each_segment(app):
    svg = _render(charts.likert_chart(LIKERT, [1, 1, 2, 4, 2], 3.5, 0.6), app)
    assert svg.count("<rect") == 5 + 1 + 5  # segments, outline, legend swatches
    assert "Promedio: 3.5 de 5" in svg
