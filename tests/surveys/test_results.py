"""Results figures against hand-computed expectations, filters, the <5 hiding and the period
comparison (answers written into the contract's tables by tests/surveys/results_helpers.py)."""

from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from community.core import periods
from community.core.errors import NotFound, PermissionDenied
from community.surveys import results as res
from tests.surveys.results_helpers import OTHER_CODE, answer, invite, make_event, make_survey

QUESTIONS = [
    ("likert_satisfaction", "¿Qué tan satisfecho quedaste?"),
    ("nps", "¿Nos recomendarías?"),
    ("rating", "Califica el lugar"),
    ("single", "¿Cómo te enteraste?", ["Redes", "Correo", "Radio"]),
    ("multiple", "¿Qué temas te interesan?", ["Fiscal", "Legal", "Comunicación"]),
    ("number", "¿Cuántas personas de tu OSC vinieron?"),
    ("long_text", "¿Qué mejorarías?"),
]
# Six people: likert 5,4,4,3,2,5 ; nps 10,9,8,7,3,0 ; rating 5,5,4,3,1 (one skipped) ;
# single o1,o1,o2,o3,o1,o2 ; multiple [o1,o2],[o1],[o2,o3],[o1,otro],[o3],[] (one skipped) ;
# number 1,2,2,3,10 (one skipped) ; texts from five.
PEOPLE = [
    {0: 5, 1: 10, 2: 5, 3: "o1", 4: ["o1", "o2"], 5: 1, 6: "Más café"},
    {0: 4, 1: 9, 2: 5, 3: "o1", 4: ["o1"], 5: 2, 6: "Horario"},
    {0: 4, 1: 8, 2: 4, 3: "o2", 4: ["o2", "o3"], 5: 2, 6: "Nada"},
    {0: 3, 1: 7, 2: 3, 3: "o3", 4: ["o1", (OTHER_CODE, "Arte")], 5: 3, 6: "Sillas"},
    {0: 2, 1: 3, 2: 1, 3: "o1", 4: ["o3"], 5: 10, 6: "<b>más</b>"},
    {0: 5, 1: 0, 3: "o2"},
]


@pytest.fixture
def survey(app):
    survey = make_survey(QUESTIONS)
    for person in PEOPLE:
        answer(survey, person, kind="taller", municipality="15106")
    invite(survey, 12, kind="taller", municipality="15106")
    return survey


def _by_position(outcome):
    return {item.question.position: item for item in outcome.questions}


def test_totals_and_response_rate(survey):
    outcome = res.results(survey, res.Filters())
    assert (outcome.invited, outcome.answered) == (12, 6)
    assert outcome.rate == pytest.approx(0.5)
    assert not outcome.hidden


def test_likert_counts_mean_and_top_two_box(survey):
    item = _by_position(res.results(survey, res.Filters()))[0]
    assert [row.count for row in item.rows] == [0, 1, 1, 2, 2]
    assert item.rows[4].label == "Muy satisfecho"
    assert item.stats["mean"] == pytest.approx(23 / 6)
    assert item.stats["top_two"] == pytest.approx(4 / 6)
    assert item.chart.kind == "likert"


def test_nps_groups_and_score(survey):
    item = _by_position(res.results(survey, res.Filters()))[1]
    assert [row.count for row in item.rows] == [2, 2, 2]  # 0-6, 7-8, 9-10
    assert item.stats["score"] == pytest.approx(0.0)
    assert item.stats["promoters"] == pytest.approx(1 / 3)


def test_rating_distribution_and_mean(survey):
    item = _by_position(res.results(survey, res.Filters()))[2]
    assert item.answered == 5
    assert [row.count for row in item.rows] == [1, 0, 1, 1, 2]
    assert item.stats["mean"] == pytest.approx(18 / 5)


def test_single_choice_counts_and_shares(survey):
    item = _by_position(res.results(survey, res.Filters()))[3]
    assert [(row.label, row.count) for row in item.rows] == [("Redes", 3), ("Correo", 2),
                                                             ("Radio", 1)]
    assert sum(row.share for row in item.rows) == pytest.approx(1)


def test_multiple_choice_counts_each_option_on_its_own(survey):
    item = _by_position(res.results(survey, res.Filters()))[4]
    assert item.answered == 5  # respondents, not choices (8 ticks)
    assert [(row.label, row.count) for row in item.rows] == [
        ("Fiscal", 3), ("Legal", 2), ("Comunicación", 2), ("Otro", 1)]
    assert item.rows[0].share == pytest.approx(0.6)
    assert sum(row.share for row in item.rows) > 1


def test_number_statistics_from_counts_per_value(survey):
    item = _by_position(res.results(survey, res.Filters()))[5]
    assert item.stats == {"count": 5, "mean": pytest.approx(18 / 5), "median": 2.0,
                          "min": 1, "max": 10}
    assert res.number_stats({1: 1, 2: 1, 3: 1, 4: 1}) == {
        "count": 4, "mean": 2.5, "median": 2.5, "min": 1, "max": 4}


def test_text_answers_are_listed_in_response_id_order(survey):
    item = _by_position(res.results(survey, res.Filters()))[6]
    assert item.answered == 5
    assert sorted(item.texts) == sorted(["Más café", "Horario", "Nada", "Sillas",
                                         "<b>más</b>"])
    question, answered, page = res.text_page(survey, item.question.id, res.Filters(), 1)
    assert answered == 5 and page.total == 5 and page.items == item.texts
    with pytest.raises(NotFound):
        res.text_page(survey, _by_position(res.results(survey, res.Filters()))[0].question.id,
                    res.Filters(), 1)


def test_fewer_than_five_answers_hide_the_whole_result(app):
    survey = make_survey(QUESTIONS)
    for person in PEOPLE[:4]:
        answer(survey, person)
    outcome = res.results(survey, res.Filters())
    assert outcome.hidden and outcome.answered == 4 and outcome.questions == []


def test_a_question_with_fewer_than_five_answers_is_hidden_alone(app):
    survey = make_survey(QUESTIONS)
    for index, person in enumerate(PEOPLE):
        answer(survey, {k: v for k, v in person.items() if k != 2 or index < 3})
    by_position = _by_position(res.results(survey, res.Filters()))
    assert by_position[2].hidden and by_position[2].answered == 3
    assert by_position[2].rows == [] and by_position[2].chart is None
    assert not by_position[0].hidden


def test_filters_by_kind_municipality_event_and_days(app):
    survey = make_survey(QUESTIONS[:1])
    event = make_event()
    for value in (5, 5, 5, 5, 5):
        answer(survey, {0: value}, kind="taller", municipality="15106", event_id=event.id,
               day=date(2026, 2, 1))
    for value in (1, 1, 1, 1, 1, 1):
        answer(survey, {0: value}, kind="curso", municipality="15033", day=date(2026, 3, 1))
    mean = {}
    for name, filters in {
            "all": res.Filters(), "taller": res.Filters(event_kind="taller"),
            "muni": res.Filters(municipality="15033"), "event": res.Filters(event_id=event.id),
            "march": res.Filters(date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))}.items():
        outcome = res.results(survey, filters)
        mean[name] = (outcome.answered, outcome.questions[0].stats["mean"])
    assert mean == {"all": (11, pytest.approx(31 / 11)), "taller": (5, 5.0),
                    "muni": (6, 1.0), "event": (5, 5.0), "march": (6, 1.0)}
    assert res.results(survey, res.Filters(date_to=date(2026, 1, 31))).hidden


def test_parse_filters_keeps_known_values_and_refuses_others(app):
    survey = make_survey(QUESTIONS[:1])
    answer(survey, {0: 3}, kind="taller", municipality="15106")
    choices = res.filter_choices(survey)
    assert choices["kinds"] == [("taller", "Taller")]
    assert [code for code, _name in choices["municipalities"]] == ["15106"]
    filters, chosen, errors = res.parse_filters(MultiDict(
        {"tipo": "taller", "municipio": "99999", "desde": "2026-13-01", "hasta": "2026-01-01",
         "evento": "12"}), choices)
    assert filters == res.Filters(event_kind="taller", date_to=date(2026, 1, 1))
    assert set(errors) == {"municipio", "desde", "evento"}
    assert chosen["municipio"] == "" and chosen["tipo"] == "taller"
    _filters, _chosen, errors = res.parse_filters(
        MultiDict({"desde": "2026-03-01", "hasta": "2026-01-01"}), choices)
    assert "hasta" in errors


def test_year_to_date_against_the_same_cut_off_last_year(app):
    survey = make_survey(QUESTIONS[:2])
    this_year = [(date(2026, 1, 10), 5), (date(2026, 2, 1), 5), (date(2026, 3, 1), 4),
                 (date(2026, 3, 14), 4), (date(2026, 3, 14), 5)]
    last_year = [(date(2025, 1, 5), 2), (date(2025, 2, 2), 3), (date(2025, 3, 1), 3),
                 (date(2025, 3, 14), 4), (date(2025, 3, 10), 2), (date(2025, 3, 15), 5),
                 (date(2025, 11, 1), 5)]  # the last two are after the cut-off
    for day, value in this_year + last_year:
        answer(survey, {0: value, 1: 10 if value >= 4 else 2}, day=day)
    with app.test_request_context():
        period_a, period_b = res.year_to_date(date(2026, 3, 14))
        assert (period_a.start, period_a.end) == (date(2026, 1, 1), date(2026, 3, 14))
        assert (period_b.start, period_b.end) == (date(2025, 1, 1), date(2025, 3, 14))
        comparison = res.compare(survey, period_a, period_b, res.Filters())
    totals = {row.label: row for row in comparison.totals}
    assert (totals["Respuestas recibidas"].a, totals["Respuestas recibidas"].b) == (5, 5)
    likert = {i.label: i for i in comparison.questions[0].indicators}
    assert likert["Promedio (1 a 5)"].a == pytest.approx(23 / 5)
    assert likert["Promedio (1 a 5)"].b == pytest.approx(14 / 5)
    assert likert["Promedio (1 a 5)"].difference == pytest.approx(9 / 5)
    assert likert["Las dos respuestas más altas"].difference == pytest.approx(1 - 1 / 5)
    nps = {i.label: i for i in comparison.questions[1].indicators}
    assert (nps["Puntaje NPS"].a, nps["Puntaje NPS"].b) == (100.0, -60.0)
    assert nps["Puntaje NPS"].difference == 160.0


def test_comparison_hides_a_small_period_and_its_differences(app):
    survey = make_survey(QUESTIONS[:1])
    for value in (5, 4, 4, 5, 5):
        answer(survey, {0: value}, day=date(2026, 2, 1), kind="taller")
    for value in (1, 2):
        answer(survey, {0: value}, day=date(2025, 2, 1), kind="taller")
    comparison = res.compare(survey, res.whole_year(2026), res.whole_year(2025),
                           res.Filters(event_kind="taller"))
    row = comparison.questions[0]
    assert not row.hidden_a and row.hidden_b
    assert all(indicator.b is None and indicator.difference is None
               for indicator in row.indicators)


def test_parse_periods_years_and_ranges(app):
    today = date(2026, 6, 30)
    with app.test_request_context():
        a, b, chosen, errors = res.parse_periods(
            MultiDict({"periodo": "anios", "anio_a": "2026", "anio_b": "2025"}), today)
        assert (a.start, a.end, b.start, b.end, errors) == (
            date(2026, 1, 1), date(2026, 12, 31), date(2025, 1, 1), date(2025, 12, 31), {})
        a, b, chosen, errors = res.parse_periods(MultiDict(
            {"periodo": "fechas", "a_desde": "2026-02-01", "a_hasta": "2026-01-01",
             "b_desde": "2025-01-01", "b_hasta": "2025-02-01"}), today)
        assert set(errors) == {"a_hasta"}
        assert (a.start, b.end) == (date(2026, 1, 1), date(2025, 6, 30))  # back to default
        _a, _b, _chosen, errors = res.parse_periods(
            MultiDict({"periodo": "anios", "anio_a": "3000", "anio_b": "x"}), today)
        assert set(errors) == {"anio_a", "anio_b"}
    assert periods.same_day_last_year(date(2024, 2, 29)) == date(2023, 2, 28)


def test_only_staff_read_results_and_public_ones_need_publishing(app, make_user):
    survey = make_survey(QUESTIONS[:1])
    with pytest.raises(PermissionDenied):
        res.require_results_access(make_user(), survey)
    with pytest.raises(NotFound):
        res.require_results_access(make_user(role="staff"), None)
    with pytest.raises(NotFound):
        res.public_results(survey)
    survey.results_public = True
    for value in (1, 2, 3, 4, 5):
        answer(survey, {0: value})
    assert res.public_results(survey).questions[0].stats["mean"] == 3.0
