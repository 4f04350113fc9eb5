"""Route × role rows of surveys (/encuestas and /personal/encuestas).

Answering: a survey for invited people (event, advisory, members) is answered only by them;
its own link (the slug) tells anyone else 403 with the reason, and a draft is 404 for all.
Building and results are staff's (403 for the citizen and the OSC roles, sign-in for an
anonymous visitor). The published results are for everyone.

Placeholders (a fresh world for every row, so a POST that succeeds changes nothing for the
next one):
- {srv_event}, {srv_event_slug}: an open anonymous survey of a concluded taller, with an
  invitation for osc_member (the route table's citizens are created after the world, so the
  invited person is the OSC member, a citizen account like any other).
- {srv_members}: an open identified survey of the members of validated OSCs (opening it
  invited osc_member, osc_admin and other_osc_admin).
- {srv_public}, {srv_public_slug}: an open public survey with five anonymous answers (the
  fewest that show), its results published; {srv_text_q} is its short-text question.
- {srv_draft}, {srv_draft_slug}: a draft with a section ({srv_draft_section}) and two questions
  ({srv_draft_q}, a single choice, and {srv_draft_q2}, a short text).

The answering page answers GET and POST and has one row, its GET (the navigation crawl then
checks that the invited person reaches it); its POST, CSRF included, is tested in
tests/surveys/test_answer_http.py.
"""

from community.accounts.models import User as _User
from community.surveys import audiences as _audiences
from community.surveys import services as _surveys
from tests.route_roles import LOGIN as _LOGIN
from tests.route_roles import ROLES as _ROLES
from tests.route_roles import expect as _expect
from tests.surveys.conftest import question_data as _question_data
from tests.surveys.conftest import survey_data as _survey_data
from tests.surveys.conftest import valid_answers as _valid_answers

_EVERYONE_200 = dict.fromkeys(_ROLES, 200)
_DONE = 302  # a builder action that worked: back to the survey
_STAFF_200 = _expect(_LOGIN, 403, 200, 200)
_STAFF_DONE = _expect(_LOGIN, 403, _DONE, _DONE)
_STAFF_REFUSED = _expect(_LOGIN, 403, 422, 422)  # past the permission check, bad input
_BUILDER = "/personal/encuestas/{srv_draft}"
_RESULTS = "/personal/encuestas/{srv_public}/resultados"

SURVEYS_ROUTES = {
    # Only the invited answer an invitation-only survey.
    "surveys.answer": ("GET", "/encuestas/{srv_event_slug}",
                       _expect(403, 403, 403, 403, osc_member=200)),
    # A draft is nobody's to answer, nor to be thanked for. (An open survey's thanks page
    # sends whoever did not just answer on to its form, a 302 that is not the sign-in's, which
    # the table's anonymous row would take for one.)
    "surveys.thanks": ("GET", "/encuestas/{srv_draft_slug}/gracias", dict.fromkeys(_ROLES, 404)),
    "surveys.mine": ("GET", "/encuestas", _expect(200, 200, 200, 200)),
    "surveys.public_results": ("GET", "/encuestas/{srv_public_slug}/resultados", _EVERYONE_200),
    "surveys.builder_index": ("GET", "/personal/encuestas", _STAFF_200),
    "surveys.builder_new": ("GET", "/personal/encuestas/nueva?plantilla=event", _STAFF_200),
    "surveys.builder_edit": ("GET", _BUILDER, _STAFF_200),
    "surveys.builder_open": ("POST", _BUILDER + "/abrir", _STAFF_DONE),
    "surveys.builder_close": ("POST", "/personal/encuestas/{srv_members}/cerrar", _STAFF_DONE),
    "surveys.builder_duplicate": ("POST", "/personal/encuestas/{srv_public}/duplicar",
                                  _STAFF_DONE),
    "surveys.builder_section_new": ("POST", _BUILDER + "/secciones", _STAFF_DONE),
    # The section's fields carry its id in their names: an empty title is refused.
    "surveys.builder_section_edit": ("POST", _BUILDER + "/secciones/{srv_draft_section}",
                                     _STAFF_REFUSED),
    "surveys.builder_section_delete": ("POST", _BUILDER + "/secciones/{srv_draft_section}/borrar",
                                       _STAFF_DONE),
    "surveys.builder_question_new": ("GET", _BUILDER + "/preguntas/nueva", _STAFF_200),
    "surveys.builder_question_edit": ("GET", _BUILDER + "/preguntas/{srv_draft_q}", _STAFF_200),
    "surveys.builder_question_delete": ("POST", _BUILDER + "/preguntas/{srv_draft_q2}/borrar",
                                        _STAFF_DONE),
    "surveys.builder_question_move": ("POST", _BUILDER + "/preguntas/{srv_draft_q}/mover",
                                      _STAFF_DONE),
    # The whole order is every question id; none sent is refused.
    "surveys.builder_reorder": ("POST", _BUILDER + "/orden", _STAFF_REFUSED),
    "surveys.builder_preview": ("GET", _BUILDER + "/vista-previa", _STAFF_200),
    "surveys.results": ("GET", _RESULTS + "?desde=2024-01-01", _STAFF_200),
    "surveys.results_compare": ("GET", _RESULTS + "/comparar", _STAFF_200),
    "surveys.results_texts": ("GET", _RESULTS + "/textos/{srv_text_q}", _STAFF_200),
    "surveys.results_csv": ("GET", _RESULTS.removesuffix("/resultados") + "/resultados.csv",
                            _STAFF_200),
    "surveys.results_xlsx": ("GET", _RESULTS.removesuffix("/resultados") + "/resultados.xlsx",
                             _STAFF_200),
}

SURVEYS_POST_DATA = {
    "surveys.builder_section_new": {"new_section-title": "Sobre el lugar"},
    "surveys.builder_question_move": {"direction": "down"},
}

_ANSWER_KINDS = ("likert_satisfaction", "nps", "single", "multiple", "short_text")


def _survey(author, kinds, open=True, **settings):
    survey = _surveys.create_survey(author, _survey_data(**settings))
    survey.q = {kind: _surveys.add_question(author, survey, _question_data(kind))
                for kind in kinds}
    if open:
        _surveys.open_survey(author, survey)
    return survey


def _draft(author):
    survey = _survey(author, (), open=False, title="Borrador de la tabla")
    section = _surveys.add_section(author, survey, {"title": "Sobre el taller"})
    single = _surveys.add_question(author, survey, _question_data(
        "single", section_id=str(section.id)))
    text = _surveys.add_question(author, survey, _question_data(
        "short_text", section_id=str(section.id)))
    return survey, section, single, text


def _public(author):
    """Five anonymous visitors answered (five browsers, five cookies)."""
    survey = _survey(author, _ANSWER_KINDS, audience="public", results_public=True,
                     title="¿Qué te parece la plataforma?")
    for n in range(5):
        _surveys.submit(None, survey, _valid_answers(survey), anon_key=f"{n:064x}")
    return survey


def surveys_world(db, people) -> dict:
    author = _User(email="encuestas.tabla@edomex.mx", name="Encuestas DGPS", role="staff")
    author.password_hash = "!"  # never signs in: no hash to compute
    db.session.add(author)
    db.session.flush()
    event = _survey(author, _ANSWER_KINDS, title="Satisfacción con el taller")
    _audiences.invite_users(event, [people["osc_member"].id],
                            {"event_id": None, "kind": "taller", "municipality_code": "15106"})
    members = _survey(author, ("rating",), audience="members", anonymous=False,
                      title="Encuesta de las OSC")
    public = _public(author)
    draft, section, single, text = _draft(author)
    db.session.commit()
    return {"srv_event": event.id, "srv_event_slug": event.slug, "srv_members": members.id,
            "srv_public": public.id, "srv_public_slug": public.slug,
            "srv_text_q": public.q["short_text"].id, "srv_draft": draft.id,
            "srv_draft_slug": draft.slug, "srv_draft_section": section.id, "srv_draft_q": single.id,
            "srv_draft_q2": text.id}
