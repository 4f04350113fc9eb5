"""Building surveys: staff only, sections and questions, options that keep their codes,
order and conditions, presets, duplicate, and freezing at the first answer."""

import pytest

from community.core.errors import PermissionDenied, ValidationError
from community.surveys import services
from community.surveys.models import Survey, SurveyQuestion

from .conftest import question_data, survey_data


def test_only_staff_build(db, citizen, make_survey):
    with pytest.raises(PermissionDenied):
        services.create_survey(citizen, survey_data())
    survey = make_survey()
    with pytest.raises(PermissionDenied):
        services.add_question(citizen, survey, question_data("nps"))
    with pytest.raises(PermissionDenied):
        services.open_survey(None, survey)
    with pytest.raises(PermissionDenied):
        services.duplicate(citizen, survey)


def test_create_checks_fields_in_spanish(db, staff):
    with pytest.raises(ValidationError) as refused:
        services.create_survey(staff, survey_data(title=" ", audience="todos",
                                                  reminder_days="-1",
                                                  opens_at="2026-12-10T10:00",
                                                  closes_at="2026-12-01T10:00"))
    assert set(refused.value.errors) == {"title", "audience", "reminder_days", "closes_at"}
    assert "título" in str(refused.value.errors["title"])


def test_create_makes_readable_random_slug_and_sanitized_intro(db, staff):
    survey = services.create_survey(staff, survey_data(
        intro="Hola <script>alert(1)</script> **equipo**"))
    assert survey.slug.startswith("satisfaccion-con-el-taller-de-procuracion-")
    assert len(survey.slug.rsplit("-", 1)[1]) == 6
    assert "<script>" not in survey.intro_html and "<strong>equipo</strong>" in survey.intro_html
    assert survey.status == "draft" and survey.anonymous and survey.frozen_at is None


def test_only_event_surveys_name_an_event_kind(db, staff):
    with pytest.raises(ValidationError) as refused:
        services.create_survey(staff, survey_data(audience="public", event_kind="taller"))
    assert "event_id" in refused.value.errors
    survey = services.create_survey(staff, survey_data(event_kind="taller"))
    assert survey.event_kind == "taller"


def test_question_checks(db, staff, make_survey):
    survey = make_survey(kinds=())
    with pytest.raises(ValidationError) as refused:
        services.add_question(staff, survey, {"kind": "slider", "text": ""})
    assert set(refused.value.errors) == {"kind", "text"}
    with pytest.raises(ValidationError) as refused:
        services.add_question(staff, survey, question_data("number", number_min="10",
                                                           number_max="2"))
    assert "number_max" in refused.value.errors
    with pytest.raises(ValidationError) as refused:
        services.add_question(staff, survey, question_data("single", options=["Sí"]))
    assert "options" in refused.value.errors
    with pytest.raises(ValidationError) as refused:
        services.add_question(staff, survey, question_data("single", options=["Sí", "sí"]))
    assert "repetida" in str(refused.value.errors["options"])


def test_options_keep_their_codes(db, staff, make_survey):
    survey = make_survey(kinds=("single",))
    question = survey.q["single"]
    assert [(o.code, o.label) for o in question.options] == [
        ("o1", "Sí"), ("o2", "No"), ("o3", "Tal vez")]
    services.set_options(staff, question, ["Tal vez", "Sí", "Depende"])
    assert [(o.code, o.label) for o in question.options] == [
        ("o3", "Tal vez"), ("o1", "Sí"), ("o4", "Depende")]


def test_conditions_point_to_an_earlier_choice(db, staff, make_survey):
    survey = make_survey(kinds=("single", "long_text"))
    single, text = survey.q["single"], survey.q["long_text"]
    with pytest.raises(ValidationError) as refused:
        services.update_question(staff, single, question_data(
            "single", condition_question_id=str(text.id), condition_option="o1"))
    assert "condition_question_id" in refused.value.errors
    with pytest.raises(ValidationError) as refused:
        services.update_question(staff, text, question_data(
            "long_text", condition_question_id=str(single.id), condition_option="o9"))
    assert "condition_option" in refused.value.errors
    services.update_question(staff, text, question_data(
        "long_text", condition_question_id=str(single.id), condition_option="o2"))
    assert (text.condition_question_id, text.condition_option) == (single.id, "o2")
    # the dependent cannot move before its question, and its option cannot go
    with pytest.raises(ValidationError):
        services.move_question(staff, text, "up")
    with pytest.raises(ValidationError):
        services.set_options(staff, single, ["Sí", "Tal vez"])
    # deleting the question it depends on clears the condition
    services.delete_question(staff, single)
    db.session.refresh(text)
    assert text.condition_question_id is None and text.condition_option is None
    assert text.position == 1


def test_move_and_reorder(db, staff, make_survey):
    survey = make_survey(kinds=("nps", "rating", "number"))
    nps, rating, number = survey.q["nps"], survey.q["rating"], survey.q["number"]
    services.move_question(staff, number, "up")
    assert [q.id for q in survey.questions] == [nps.id, number.id, rating.id]
    services.move_question(staff, nps, "up")  # already first: nothing moves
    assert [q.id for q in survey.questions] == [nps.id, number.id, rating.id]
    services.reorder_questions(staff, survey, [str(rating.id), str(nps.id), str(number.id)])
    assert [q.id for q in survey.questions] == [rating.id, nps.id, number.id]
    with pytest.raises(ValidationError):
        services.reorder_questions(staff, survey, [rating.id, nps.id])
    with pytest.raises(ValidationError):
        services.reorder_questions(staff, survey, [rating.id, nps.id, number.id, 99999])


def test_sections(db, staff, make_survey):
    survey = make_survey(kinds=("nps",))
    section = services.add_section(staff, survey, {"title": "La logística"})
    question = services.add_question(staff, survey, question_data(
        "rating", section_id=str(section.id)))
    assert question.section_id == section.id
    other = make_survey(kinds=())
    with pytest.raises(ValidationError) as refused:
        services.add_question(staff, other, question_data("rating",
                                                          section_id=str(section.id)))
    assert "section_id" in refused.value.errors
    services.delete_section(staff, section)
    db.session.refresh(question)
    assert question.section_id is None


def test_open_needs_questions_and_options(db, staff, make_survey):
    empty = make_survey(kinds=())
    with pytest.raises(ValidationError) as refused:
        services.open_survey(staff, empty)
    assert "pregunta" in str(refused.value.errors["form"])
    survey = make_survey(kinds=("single",))
    survey.q["single"].options = survey.q["single"].options[:1]
    db.session.flush()
    with pytest.raises(ValidationError):
        services.open_survey(staff, survey)


def test_open_close_and_open_again(db, staff, make_survey):
    survey = make_survey()
    services.open_survey(staff, survey)
    assert survey.status == "open" and services.is_answerable(survey)
    with pytest.raises(ValidationError):
        services.open_survey(staff, survey)
    services.close_survey(staff, survey)
    assert survey.status == "closed" and not services.is_answerable(survey)
    services.open_survey(staff, survey)
    assert survey.status == "open"


def test_presets_build_realistic_surveys(db, staff):
    event = services.create_from_preset(staff, "event")
    assert event.title == "Satisfacción con el evento" and event.preset == "event"
    kinds = [q.kind for q in event.questions]
    assert "nps" in kinds and "likert_satisfaction" in kinds and "long_text" in kinds
    assert [q.position for q in event.questions] == list(range(1, len(kinds) + 1))
    assert len(event.sections) == 4
    advisory = services.create_from_preset(staff, "advisory", {"title": "Asesorías 2027"})
    assert advisory.title == "Asesorías 2027" and advisory.audience == "advisory"
    follow_up = next(q for q in advisory.questions if q.condition_question_id)
    assert follow_up.condition_question.kind == "single"
    assert follow_up.condition_option == "o3"
    services.open_survey(staff, advisory)  # ready as it comes
    with pytest.raises(ValidationError):
        services.create_from_preset(staff, "congreso")


def test_duplicate_copies_structure_unfrozen(db, staff, make_survey, answer, citizen):
    survey = make_survey(kinds=("single", "long_text"), open=True, audience="public")
    text = survey.q["long_text"]
    services.update_question(staff, text, question_data(
        "long_text", condition_question_id=str(survey.q["single"].id), condition_option="o2"))
    db.session.commit()
    answer(survey, actor=citizen)
    assert services.is_frozen(survey)
    copy = services.duplicate(staff, survey)
    db.session.commit()
    assert copy.status == "draft" and copy.frozen_at is None
    assert copy.copied_from_id == survey.id and copy.slug != survey.slug
    assert copy.title.startswith("Copia de ")
    single_copy, text_copy = copy.questions
    assert [o.code for o in single_copy.options] == ["o1", "o2", "o3"]
    assert text_copy.condition_question_id == single_copy.id != survey.q["single"].id
    services.add_question(staff, copy, question_data("nps"))  # the copy is editable


def test_first_answer_freezes_structure(db, staff, make_survey, answer, citizen):
    survey = make_survey(open=True, audience="public")
    answer(survey, actor=citizen)
    assert services.is_frozen(survey)
    question = survey.q["single"]
    attempts = [
        lambda: services.add_question(staff, survey, question_data("nps")),
        lambda: services.update_question(staff, question, question_data("single")),
        lambda: services.delete_question(staff, question),
        lambda: services.move_question(staff, question, "up"),
        lambda: services.reorder_questions(staff, survey, [q.id for q in survey.questions]),
        lambda: services.set_options(staff, question, ["Sí", "No"]),
        lambda: services.add_section(staff, survey, {"title": "Otra"}),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert "Duplicar" in str(refused.value.errors["form"])
    # settings that do not change the questions still can
    services.update_survey(staff, survey, {"title": "Nuevo título", "reminder_days": "3"})
    assert survey.title == "Nuevo título" and survey.reminder_days == 3
    db.session.rollback()
    assert db.session.get(Survey, survey.id).questions[0].id == survey.q["likert_agreement"].id
    assert db.session.query(SurveyQuestion).filter_by(survey_id=survey.id).count() == 9
