"""Answering surveys through HTTP: the page on a phone without JavaScript, every question kind
round-tripping, bad input refused with the message next to the question and nothing saved,
once per person, who may answer (invitation link, invited account, members, public with the
anonymous visitor's cookie and rate limit), closed and not-yet-open surveys, display
conditions without JavaScript, the pending list, published results, and hostile text.

The surveys are written as rows (the builder's own tests cover building them); every answer
goes through the real form, its CSRF token and ``services.submit``.
"""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from community.core.timeutil import utcnow
from community.extensions import db
from community.surveys import services
from community.surveys.models import (
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyOption,
    SurveyQuestion,
    SurveyResponse,
    SurveySection,
)
from tests.conftest import client_as, csrf_token, field_error

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


# --- building surveys ---------------------------------------------------------------------


def _question(survey, section, position, kind, text, options=(), **fields):
    question = SurveyQuestion(survey=survey, section=section, position=position, kind=kind,
                              text=text, **fields)
    for index, label in enumerate(options):
        question.options.append(SurveyOption(position=index, code=f"o{index + 1}",
                                             label=label))
    db.session.add(question)
    db.session.flush()
    return question


def make_survey(slug="satisfaccion-abc123", audience="public", anonymous=True,
                status="open", title="Satisfacción con el taller", **fields) -> tuple:
    """An open survey with one question of each kind; returns (survey, {name: question})."""
    survey = Survey(slug=slug, title=title, intro="", intro_html="<p>Gracias por venir.</p>",
                    status=status, anonymous=anonymous, audience=audience, **fields)
    db.session.add(survey)
    first = SurveySection(survey=survey, position=0, title="Sobre el taller",
                          description="Lo que viviste ese día.")
    second = SurveySection(survey=survey, position=1, title="Para terminar")
    db.session.add_all([first, second])
    db.session.flush()
    q = {}
    q["likert"] = _question(survey, first, 1, "likert_agreement", "El taller fue útil",
                            required=True, help="Piensa en lo que aprendiste.")
    q["satisfaction"] = _question(survey, first, 2, "likert_satisfaction",
                                  "¿Qué tan satisfecho quedaste?")
    q["nps"] = _question(survey, first, 3, "nps", "¿Recomendarías el taller?", required=True)
    q["rating"] = _question(survey, first, 4, "rating", "Califica la sede")
    q["single"] = _question(survey, first, 5, "single", "¿Volverías?", ("Sí", "No"),
                            required=True)
    q["why"] = _question(survey, first, 6, "short_text", "¿Por qué no volverías?",
                         condition_question_id=q["single"].id, condition_option="o2")
    q["multiple"] = _question(survey, second, 7, "multiple", "¿Qué te interesa?",
                              ("Talleres", "Foros"), allow_other=True)
    q["number"] = _question(survey, second, 8, "number", "¿Cuántas personas de tu OSC vinieron?",
                            number_min=0, number_max=100)
    q["long"] = _question(survey, second, 9, "long_text", "¿Algo más que quieras contarnos?")
    db.session.commit()
    return survey, q


def good_answers(q) -> dict:
    return {q["likert"].field_name: "4", q["satisfaction"].field_name: "5",
            q["nps"].field_name: "9", q["rating"].field_name: "3",
            q["single"].field_name: "o1", q["multiple"].field_name: ["o1", "__other"],
            f"{q['multiple'].field_name}_other": "Cursos en línea",
            q["number"].field_name: "12", q["long"].field_name: "Todo muy bien."}


def url(key: str) -> str:
    return f"/encuestas/{key}"


def send(client, key: str, data: dict, **kwargs):
    """POST the answers as the browser would: with the CSRF token of the answering page."""
    page = client.get(url(key))
    assert page.status_code == 200, page.status_code
    return client.post(url(key), data={"csrf_token": _token(page), **data}, **kwargs)


def _token(page) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      page.get_data(as_text=True))
    assert match
    return match.group(1)


def responses() -> int:
    return db.session.scalar(select(func.count()).select_from(SurveyResponse))


def answers_of(question) -> list[SurveyAnswer]:
    return list(db.session.scalars(select(SurveyAnswer).where(
        SurveyAnswer.question_id == question.id).order_by(SurveyAnswer.option_code)))


def invite(survey, user=None, email=None) -> SurveyInvitation:
    invitation = SurveyInvitation(survey_id=survey.id, user_id=user.id if user else None,
                                  email=email, invited_on=utcnow().date())
    db.session.add(invitation)
    db.session.commit()
    return invitation


@pytest.fixture
def public_survey(app):
    return make_survey()


# --- the page -----------------------------------------------------------------------------


def test_page_renders_every_kind_as_native_controls(client, public_survey):
    survey, q = public_survey
    response = client.get(url(survey.slug))
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<legend>Sobre el taller</legend>" in body and "<legend>Para terminar</legend>" in body
    for name in ("likert", "satisfaction", "rating", "single"):
        assert f'type="radio" id="{q[name].field_name}-0" name="{q[name].field_name}"' in body
    assert "Totalmente de acuerdo" in body and "Muy satisfecho" in body
    nps = q["nps"].field_name
    assert [int(v) for v in re.findall(rf'name="{nps}" value="(\d+)"', body)] == list(range(11))
    assert "Nada probable" in body and "Muy probable" in body
    multiple = q["multiple"].field_name
    assert f'type="checkbox" id="{multiple}-2" name="{multiple}" value="__other"' in body
    assert f'name="{multiple}_other"' in body
    number = q["number"].field_name
    assert re.search(rf'type="number" id="{number}" name="{number}" value="" inputmode="numeric"'
                     r' step="1" min="0" max="100"', body)
    assert f'<textarea id="{q["long"].field_name}"' in body
    assert f'<input type="text" id="{q["why"].field_name}"' in body
    assert "(obligatoria)" in body and "(opcional)" in body


def test_help_and_notes_are_tied_to_their_question(client, public_survey):
    survey, q = public_survey
    body = client.get(url(survey.slug)).get_data(as_text=True)
    likert = q["likert"].field_name
    assert re.search(rf'id="{likert}-field" aria-describedby="{likert}-hint"', body)
    assert f'id="{likert}-hint">Piensa en lo que aprendiste.' in body
    why = q["why"].field_name
    assert f'aria-describedby="{why}-condition"' in body
    nps = q["nps"].field_name
    assert f'id="{nps}-hint">De 0 (nada probable) a 10 (muy probable).' in body


def test_anonymous_survey_states_the_promise_and_the_cookie(client, public_survey):
    survey, _q = public_survey
    body = client.get(url(survey.slug)).get_data(as_text=True)
    assert "Tus respuestas son anónimas" in body
    assert "sin tu nombre y sin ningún dato que las una contigo" in body
    assert "guardamos el día, pero no la hora" in body
    assert "menos de 5 respuestas no se muestran" in body
    assert "Si respondes sin cuenta, usamos una cookie para evitar respuestas repetidas" in body


def test_identified_survey_says_answers_carry_the_name(app, make_user):
    survey, _q = make_survey(anonymous=False)
    body = client_as(app, make_user()).get(url(survey.slug)).get_data(as_text=True)
    assert "Esta encuesta no es anónima" in body and "con tu nombre" in body
    assert "Tus respuestas son anónimas" not in body
    assert "usamos una cookie" not in body  # signed in: the account answers once


def test_answering_pages_are_private_and_scripts_load_from_static(client, public_survey):
    survey, _q = public_survey
    response = client.get(url(survey.slug))
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    body = response.get_data(as_text=True)
    assert '<script src="/static/js/survey-conditions.js' in body
    assert "<script>" not in body and " onclick=" not in body


def test_unknown_survey_and_draft_are_404(client, app):
    make_survey(slug="borrador-x1", status="draft")
    assert client.get(url("no-existe")).status_code == 404
    assert client.get(url("borrador-x1")).status_code == 404


# --- round trip ---------------------------------------------------------------------------


def test_every_kind_round_trips_and_thanks_after_redirect(client, public_survey):
    survey, q = public_survey
    response = send(client, survey.slug, good_answers(q))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/encuestas/{survey.slug}/gracias")
    thanks = client.get(response.headers["Location"])
    assert thanks.status_code == 200 and "¡Gracias por responder!" in thanks.get_data(as_text=True)
    assert responses() == 1
    assert [a.number for a in answers_of(q["likert"])] == [4]
    assert [a.number for a in answers_of(q["satisfaction"])] == [5]
    assert [a.number for a in answers_of(q["nps"])] == [9]
    assert [a.number for a in answers_of(q["rating"])] == [3]
    assert [a.option_code for a in answers_of(q["single"])] == ["o1"]
    chosen = {a.option_code: a.text for a in answers_of(q["multiple"])}
    assert chosen.keys() == {"o1", "__other"} and chosen["__other"] == "Cursos en línea"
    assert [a.number for a in answers_of(q["number"])] == [12]
    assert [a.text for a in answers_of(q["long"])] == ["Todo muy bien."]


def test_thanks_page_without_an_answer_sends_to_the_survey(client, public_survey):
    survey, _q = public_survey
    response = client.get(f"/encuestas/{survey.slug}/gracias")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/encuestas/{survey.slug}")


# --- bad input ----------------------------------------------------------------------------


def _other_survey_question():
    _survey, other = make_survey(slug="otra-encuesta-zz9")
    return other["nps"]


@pytest.mark.parametrize("case", ["nps_11", "not_an_option", "missing_required",
                                  "number_out_of_range"])
def test_bad_answer_is_422_next_to_the_question_and_keeps_what_was_typed(client, public_survey,
                                                                          case):
    survey, q = public_survey
    data = good_answers(q)
    data[q["long"].field_name] = "Lo que escribí <b>se queda</b>"
    target = {"nps_11": "nps", "not_an_option": "single", "missing_required": "likert",
              "number_out_of_range": "number"}[case]
    if case == "nps_11":
        data[q["nps"].field_name] = "11"
    elif case == "not_an_option":
        data[q["single"].field_name] = "o9"
    elif case == "missing_required":
        del data[q["likert"].field_name]
    else:
        data[q["number"].field_name] = "101"
    response = send(client, survey.slug, data)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_error(body, q[target].field_name).strip()
    assert f'href="#{q[target].field_name}' in body  # the summary links to the question
    assert responses() == 0
    assert "Lo que escribí &lt;b&gt;se queda&lt;/b&gt;</textarea>" in body
    multiple = q["multiple"].field_name
    assert f'id="{multiple}-0" name="{multiple}" value="o1" checked' in body
    assert 'value="Cursos en línea"' in body
    if case != "nps_11":
        assert f'name="{q["nps"].field_name}" value="9" checked' in body


def test_a_question_of_another_survey_is_refused(client, public_survey):
    survey, q = public_survey
    foreign = _other_survey_question()
    data = {**good_answers(q), foreign.field_name: "7"}
    response = send(client, survey.slug, data)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'class="error-summary"' in body
    assert responses() == 0


@pytest.mark.parametrize(("change", "status"), [
    ({"status": "closed"}, 410),
    ({"closes_at_delta": -1}, 410),
    ({"opens_at_delta": 2}, 403),
])
def test_closed_and_not_yet_open_surveys_refuse_clearly(client, public_survey, change, status):
    survey, q = public_survey
    token = csrf_token(client, url(survey.slug))
    if "status" in change:
        survey.status = change["status"]
    if "closes_at_delta" in change:
        survey.closes_at = utcnow() + timedelta(days=change["closes_at_delta"])
    if "opens_at_delta" in change:
        survey.opens_at = utcnow() + timedelta(days=change["opens_at_delta"])
    db.session.commit()
    page = client.get(url(survey.slug))
    assert page.status_code == status
    words = "todavía no abre" if status == 403 else "ya cerró"
    assert words in page.get_data(as_text=True)
    posted = client.post(url(survey.slug), data={"csrf_token": token, **good_answers(q)})
    assert posted.status_code == status
    assert responses() == 0


# --- once per person ----------------------------------------------------------------------


def test_an_account_answers_a_public_survey_once(app, make_user, public_survey):
    survey, q = public_survey
    client = client_as(app, make_user())
    token = csrf_token(client, url(survey.slug))
    assert send(client, survey.slug, good_answers(q)).status_code == 303
    again = client.post(url(survey.slug), data={"csrf_token": token, **good_answers(q)})
    assert again.status_code == 409
    assert "Ya respondiste esta encuesta" in again.get_data(as_text=True)
    assert client.get(url(survey.slug)).status_code == 409
    assert responses() == 1


# --- who may answer -----------------------------------------------------------------------


@pytest.fixture
def invitation_survey(app):
    return make_survey(slug="evento-q7w8", audience="event")


def test_invitation_link_answers_signed_out_once(client, invitation_survey, make_user):
    survey, q = invitation_survey
    invitation = invite(survey, user=make_user())
    page = client.get(url(invitation.token))
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "private, no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "usamos una cookie" not in page.get_data(as_text=True)
    response = send(client, invitation.token, good_answers(q))
    assert response.status_code == 303
    assert client.get(response.headers["Location"]).headers["Cache-Control"] == \
        "private, no-store"
    assert client.get(url(invitation.token)).status_code == 409
    assert responses() == 1
    db.session.expire_all()
    assert db.session.get(SurveyInvitation, invitation.id).answered_on is not None


def test_invitation_only_survey_refuses_the_uninvited(app, client, invitation_survey, make_user):
    survey, q = invitation_survey
    invite(survey, user=make_user())
    anonymous = client.get(url(survey.slug))
    assert anonymous.status_code == 403
    assert "entra para responder" in anonymous.get_data(as_text=True)
    stranger = client_as(app, make_user())
    assert stranger.get(url(survey.slug)).status_code == 403
    token = csrf_token(stranger, "/")
    posted = stranger.post(url(survey.slug), data={"csrf_token": token, **good_answers(q)})
    assert posted.status_code == 403
    assert responses() == 0


def test_invited_account_answers_by_the_survey_link(app, invitation_survey, make_user):
    survey, q = invitation_survey
    person = make_user()
    invite(survey, user=person)
    client = client_as(app, person)
    assert send(client, survey.slug, good_answers(q)).status_code == 303
    assert responses() == 1
    assert client.get(url(survey.slug)).status_code == 409


def test_members_survey_is_for_members_of_validated_oscs(app, make_org, make_user, staff):
    member = make_org().admin
    pending = make_org(status="pending").admin
    survey, q = make_survey(slug="miembros-k2", audience="members", status="draft")
    services.open_survey(staff, survey)  # invites the active members of validated OSCs
    db.session.commit()
    assert client_as(app, make_user()).get(url(survey.slug)).status_code == 403
    assert client_as(app, pending).get(url(survey.slug)).status_code == 403
    assert send(client_as(app, member), survey.slug, good_answers(q)).status_code == 303
    assert responses() == 1


# --- anonymous visitors of a public survey ------------------------------------------------


def test_anonymous_visitor_gets_a_private_cookie_and_answers_once(client, public_survey):
    survey, q = public_survey
    page = client.get(url(survey.slug))
    cookie = page.headers["Set-Cookie"]
    assert cookie.startswith("survey_anon=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/encuestas" in cookie
    assert "Secure" not in cookie
    assert send(client, survey.slug, good_answers(q)).status_code == 303
    assert client.get(url(survey.slug)).status_code == 409
    assert responses() == 1
    stored = db.session.scalar(select(SurveyInvitation.anon_key))
    assert stored and len(stored) == 64  # a SHA-256, never the cookie itself
    assert stored not in cookie


def test_cookie_is_secure_over_https(client, public_survey):
    survey, _q = public_survey
    cookie = client.get(url(survey.slug), base_url="https://localhost").headers["Set-Cookie"]
    assert "Secure" in cookie


def test_anonymous_answers_are_rate_limited_per_address(app, public_survey):
    survey, q = public_survey
    app.config["RATELIMIT_SURVEY_ANSWER"] = "2 per hour"
    statuses = [send(app.test_client(), survey.slug, good_answers(q)).status_code
                for _visitor in range(3)]
    assert statuses == [303, 303, 429]
    assert responses() == 2


def test_refused_forms_do_not_count_against_the_limit(app, public_survey):
    survey, q = public_survey
    app.config["RATELIMIT_SURVEY_ANSWER"] = "1 per hour"
    client = app.test_client()
    bad = {**good_answers(q), q["nps"].field_name: "11"}
    assert send(client, survey.slug, bad).status_code == 422
    assert send(client, survey.slug, good_answers(q)).status_code == 303


# --- display conditions without JavaScript ------------------------------------------------


def test_conditional_question_shows_with_a_note_and_is_ignored_unless_chosen(client,
                                                                          public_survey):
    survey, q = public_survey
    body = client.get(url(survey.slug)).get_data(as_text=True)
    why = q["why"].field_name
    assert "Responde solo si en la pregunta 5 elegiste «No»." in body
    assert re.search(rf'id="{why}-field" data-condition-question="{q["single"].id}"'
                     r' data-condition-option="o2"', body)
    assert f'id="{why}-field" hidden' not in body
    data = {**good_answers(q), why: "Me queda lejos"}
    assert send(client, survey.slug, data).status_code == 303
    assert answers_of(q["why"]) == []  # "Sí" was chosen: the answer is not kept


def test_conditional_question_is_kept_when_its_choice_was_made(client, public_survey):
    survey, q = public_survey
    data = {**good_answers(q), q["single"].field_name: "o2", q["why"].field_name: "Queda lejos"}
    assert send(client, survey.slug, data).status_code == 303
    assert [a.text for a in answers_of(q["why"])] == ["Queda lejos"]


# --- the person's pending surveys ---------------------------------------------------------


def test_pending_lists_invitations_with_deadline_and_open_surveys(app, make_user):
    person = make_user()
    invited, _q = make_survey(slug="evento-a1", audience="event", title="Taller de fondos",
                              closes_at=utcnow() + timedelta(days=10))
    done, _q2 = make_survey(slug="evento-b2", audience="event", title="Foro ya respondido")
    public, _q3 = make_survey(slug="plataforma-c3", title="Opina sobre la plataforma")
    invite(invited, user=person)
    invite(done, user=person).answered_on = utcnow().date()
    db.session.commit()
    client = client_as(app, person)
    body = client.get("/encuestas").get_data(as_text=True)
    assert "Taller de fondos" in body and "hasta el" in body
    assert "Foro ya respondido" not in body
    assert "Opina sobre la plataforma" in body
    assert f'href="/encuestas/{public.slug}"' in body


def test_visitors_see_the_open_public_surveys_and_published_results(client):
    make_survey(slug="evento-a1", audience="event", title="Taller de fondos")
    public, _q = make_survey(slug="plataforma-c3", title="Opina sobre la plataforma")
    closed, _q2 = make_survey(slug="congreso-d4", title="Congreso 2025")
    closed.status, closed.results_public = "closed", True
    db.session.commit()
    response = client.get("/encuestas")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'href="/encuestas/{public.slug}"' in body
    assert f'href="/encuestas/{closed.slug}/resultados"' in body
    assert "Taller de fondos" not in body  # an invitation-only survey is not listed
    assert "Entra para ver tus invitaciones" in body


# --- published results --------------------------------------------------------------------


def test_results_page_exists_only_when_published(client, public_survey):
    survey, _q = public_survey
    assert client.get(f"/encuestas/{survey.slug}/resultados").status_code == 404
    survey.results_public = True
    db.session.commit()
    response = client.get(f"/encuestas/{survey.slug}/resultados")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert survey.title in body
    assert "menos de 5 respuestas" in body  # nobody answered yet: no figure at all


# --- hostile text -------------------------------------------------------------------------


def test_hostile_titles_options_and_answers_come_out_escaped(client, app):
    survey, q = make_survey(slug="hostil-x9", title=XSS)
    survey.sections[0].title = XSS
    q["single"].text = XSS
    q["single"].help = XSS
    q["single"].options[0].label = XSS
    survey.results_public = True
    db.session.commit()
    data = {**good_answers(q), q["single"].field_name: "o9", q["long"].field_name: XSS,
            f"{q['multiple'].field_name}_other": XSS}
    pages = [client.get(url(survey.slug)).get_data(as_text=True),
             send(client, survey.slug, data).get_data(as_text=True)]
    for body in pages:
        assert "<script>alert" not in body
        assert "<img src=x" not in body
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in body
    assert "&lt;img src=x onerror=alert(1)&gt;</textarea>" in pages[1]
    assert send(client, survey.slug, {**data, q["single"].field_name: "o1"}).status_code == 303
    results = client.get(f"/encuestas/{survey.slug}/resultados").get_data(as_text=True)
    assert "<script>alert" not in results and "<img src=x" not in results


def test_identified_survey_says_whether_the_answer_carries_a_name(app, make_user):
    """An identified survey tells an account that its name goes with the answers, and an
    invitation sent to an e-mail address only that its answer carries no name (the
    services store none for it)."""
    survey, _q = make_survey(slug="necesidades-e5", audience="advisory", anonymous=False)
    by_mail = invite(survey, email="grupo@ejemplo.mx")
    person = make_user()
    with_account = invite(survey, user=person)

    signed_out = app.test_client().get(f"/encuestas/{by_mail.token}").get_data(as_text=True)
    assert "sin tu nombre" in signed_out and "con tu nombre" not in signed_out
    own = client_as(app, person).get(f"/encuestas/{with_account.token}").get_data(as_text=True)
    assert "con tu nombre" in own and "sin tu nombre" not in own
