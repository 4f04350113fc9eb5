"""The staff results pages over HTTP: who may read them, filters, hiding, escaping, the
comparison and a number of SQL statements that does not grow with the answers."""

from datetime import date

import pytest

from community.extensions import db
from tests.conftest import client_as, count_queries
from tests.surveys.results_helpers import XSS, answer, invite, make_survey

QUESTIONS = [
    ("likert_agreement", "La sesión fue útil " + XSS),
    ("nps", "¿Recomendarías el taller?"),
    ("multiple", "¿Qué te sirvió?", ["Materiales", XSS]),
    ("number", "¿Cuántas horas?"),
    ("short_text", "Un comentario"),
]


def _answer_many(survey, count, day=date(2026, 3, 2)):
    for index in range(count):
        answer(survey, {0: 1 + index % 5, 1: index % 11, 2: ["o1", "o2"] if index % 2 else
                        ["o2"], 3: index % 7, 4: f"Comentario {index} {XSS}"},
               day=day, kind="taller", municipality="15106")


@pytest.fixture
def survey(app):
    survey = make_survey(QUESTIONS, title="Satisfacción " + XSS)
    _answer_many(survey, 6)
    invite(survey, 10, kind="taller")
    return survey


@pytest.fixture
def staff_client(app, staff):
    return client_as(app, staff)


def _url(survey, suffix=""):
    return f"/personal/encuestas/{survey.id}/resultados{suffix}"


@pytest.mark.parametrize("suffix", ["", "/comparar", ".csv", ".xlsx"])
def test_only_staff_read_results(app, client, make_user, survey, suffix):
    assert client.get(_url(survey, suffix)).status_code == 302  # to sign in
    citizen = client_as(app, make_user())
    assert citizen.get(_url(survey, suffix)).status_code == 403
    staff_member = client_as(app, make_user(role="staff"))
    assert staff_member.get(_url(survey, suffix)).status_code == 200
    assert staff_member.get(f"/personal/encuestas/999999/resultados{suffix}").status_code == 404


def test_results_page_shows_charts_tables_and_escapes_text(staff_client, survey):
    body = staff_client.get(_url(survey)).get_data(as_text=True)
    assert body.count('role="img"') == 4  # likert, nps, multiple, number
    assert body.count("<table") >= 4 and 'scope="row"' in body and "<caption>" in body
    assert "Personas invitadas" in body and "60%" in body  # 6 of 10
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(" in body
    assert "Comentario 0" in body or "Comentario 1" in body
    assert f"/personal/encuestas/{survey.id}/resultados/textos/" in body


def test_filters_narrow_and_refuse_unknown_values(staff_client, survey):
    body = staff_client.get(_url(survey) + "?tipo=curso").get_data(as_text=True)
    response = staff_client.get(_url(survey) + "?tipo=curso&desde=ayer")
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert 'id="tipo-error"' in body and 'id="desde-error"' in body
    body = staff_client.get(_url(survey) + "?desde=2026-04-01").get_data(as_text=True)
    assert "menos de 5 respuestas" in body and 'role="img"' not in body


def test_small_result_shows_no_figures(app, staff_client):
    survey = make_survey(QUESTIONS)
    _answer_many(survey, 4)
    body = staff_client.get(_url(survey)).get_data(as_text=True)
    assert "menos de 5 respuestas" in body and 'role="img"' not in body
    assert "Comentario" not in body
    assert staff_client.get(_url(survey, ".csv")).status_code == 302  # refused, with a message


def test_text_answers_page(staff_client, survey):
    question = survey.questions[4]
    body = staff_client.get(_url(survey, f"/textos/{question.id}")).get_data(as_text=True)
    assert body.count("Comentario ") == 6 and "<script>alert" not in body
    assert staff_client.get(_url(survey, f"/textos/{survey.questions[0].id}")).status_code == 404


def test_comparison_page_side_by_side(staff_client, survey):
    _answer_many(survey, 5, day=date(2025, 3, 2))
    body = staff_client.get(
        _url(survey, "/comparar?periodo=anios&anio_a=2026&anio_b=2025&tipo=taller"),
    ).get_data(as_text=True)
    assert "2026 contra 2025" in body and "Diferencia" in body and "Puntaje NPS" in body
    assert "<script>alert" not in body
    refused = staff_client.get(_url(survey, "/comparar?periodo=anios&anio_a=1900"))
    assert refused.status_code == 400 and 'id="anio_a-error"' in refused.get_data(as_text=True)
    default = staff_client.get(_url(survey, "/comparar")).get_data(as_text=True)
    assert "hasta el" in default





def test_results_page_costs_the_same_statements_whatever_the_answers(staff_client, survey):
    staff_client.get(_url(survey))  # warm the catalogues
    db.session.commit()
    db.session.expire_all()  # the request loads the survey itself, as in production
    with count_queries() as few:
        assert staff_client.get(_url(survey)).status_code == 200
    _answer_many(survey, 40)
    db.session.commit()
    db.session.expire_all()
    with count_queries() as many:
        assert staff_client.get(_url(survey)).status_code == 200
    assert len(many) == len(few)
    assert len(few) <= 15


def test_public_partial_has_no_staff_links_nor_texts(app, survey):
    from flask import render_template

    from community.core.errors import NotFound
    from community.surveys.results_views import public_context

    with app.test_request_context():
        with pytest.raises(NotFound):
            public_context(survey)
        survey.results_public = True
        html = render_template("surveys/_results.html", **public_context(survey))
    assert html.count('role="img"') == 4
    assert "/personal/" not in html and "Comentario" not in html
    assert "Las respuestas escritas no se publican." in html
