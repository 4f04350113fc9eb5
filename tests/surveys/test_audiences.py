"""Who is invited, once, and told: the people checked in when an event concludes, the
requester when an advisory request concludes, members of validated OSCs when a members
survey opens; one reminder after ``reminder_days``; personal data of invitations."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from community.accounts import services as accounts
from community.core import personal_data
from community.core.models import Notification, OutgoingMail
from community.core.timeutil import utcnow
from community.events import attendance
from community.events import services as events
from community.surveys import audiences, results, services
from community.surveys.models import SurveyDay, SurveyInvitation, SurveyResponse
from tests.advisory.conftest import make_request  # noqa: F401 - the advisory fixture
from tests.conftest import PASSWORD
from tests.events.conftest import event_form


def _invited(survey) -> dict[int | str, SurveyInvitation]:
    rows = services.db.session.scalars(select(SurveyInvitation).where(
        SurveyInvitation.survey_id == survey.id)).all()
    return {row.user_id or row.email: row for row in rows}


@pytest.fixture
def concluded_event(db, staff, make_user):
    """A taller in Toluca with three confirmed people, two of them checked in; returns a
    function that concludes it."""
    event = events.create_event(staff, event_form(), None)
    events.publish(staff, event)
    people = [make_user() for _ in range(3)]
    for person in people:
        events.register(person, event)
    db.session.flush()
    event.starts_at = utcnow() - timedelta(hours=3)
    event.ends_at = utcnow() - timedelta(hours=1)
    for registration in event_registrations(event)[:2]:
        attendance.check_in(staff, registration)
    db.session.commit()
    event.people = people

    def conclude():
        events.conclude(staff, event)
        db.session.commit()
        return event

    return event, conclude


def event_registrations(event):
    from community.events.models import Registration

    return services.db.session.scalars(select(Registration).where(
        Registration.event_id == event.id).order_by(Registration.user_id)).all()


def test_event_conclusion_invites_the_checked_in_once(db, staff, make_survey, concluded_event,
                                                      outbox):
    event, conclude = concluded_event
    this_event = make_survey(open=True, event_id=str(event.id))
    every_taller = make_survey(open=True, event_kind="taller")
    every_event = make_survey(open=True)
    cursos = make_survey(open=True, event_kind="curso")
    draft = make_survey()
    closed = make_survey(open=True)
    services.close_survey(staff, closed)
    public = make_survey(open=True, audience="public")
    db.session.commit()
    conclude()
    attended = {event.people[0].id, event.people[1].id}
    for survey in (this_event, every_taller, every_event):
        invited = _invited(survey)
        assert set(invited) == attended
        for invitation in invited.values():
            assert (invitation.context_event_id, invitation.context_kind,
                    invitation.context_municipality) == (event.id, "taller", "15106")
            assert invitation.invited_on == services.today() and invitation.answered_on is None
    for survey in (cursos, draft, closed, public):
        assert _invited(survey) == {}
    # in the app and by mail, with the personal answering link
    invitation = _invited(this_event)[event.people[0].id]
    notices = db.session.scalars(select(Notification).where(
        Notification.user_id == event.people[0].id, Notification.kind == "survey")).all()
    assert len(notices) == 3 and any(n.url.endswith(f"/encuestas/{invitation.token}")
                                     for n in notices)
    mails = db.session.scalars(select(OutgoingMail).where(
        OutgoingMail.recipient == event.people[0].email)).all()
    assert len([m for m in mails if invitation.token in m.body]) == 1
    assert all("anónima" in m.body for m in mails if "/encuestas/" in m.body)
    # the signal again (a second conclusion cannot happen; a repeated receiver changes nothing)
    audiences.on_event_concluded(event_id=event.id, kind="taller", municipality_code="15106",
                                 attendee_ids=list(attended))
    assert db.session.scalar(select(func.count()).select_from(SurveyInvitation)
                             .where(SurveyInvitation.survey_id == this_event.id)) == 2


def test_invited_attendee_answers_with_the_event_context(db, make_survey, concluded_event,
                                                         answer):
    event, conclude = concluded_event
    survey = make_survey(open=True, event_id=str(event.id))
    conclude()
    invitation = _invited(survey)[event.people[0].id]
    response = answer(survey, invitation=invitation)
    assert (response.event_id, response.event_kind, response.municipality_code) == (
        event.id, "taller", "15106")
    assert [s.id for s, _ in services.pending_for_user(event.people[1])] == [survey.id]
    assert services.pending_for_user(event.people[2]) == []  # registered, never came


def test_advisory_conclusion_invites_the_requester_once(db, make_survey, make_user,
                                                        make_request):  # noqa: F811
    survey = make_survey(open=True, audience="advisory")
    events_only = make_survey(open=True)
    person = make_user(email="solicitante@ejemplo.mx")
    make_request(actor=person, state="concluida")
    make_request(actor=None, state="concluida", contact_email="anonima@ejemplo.mx")
    make_request(actor=make_user(), state="en_atencion")  # not concluded: not invited
    invited = _invited(survey)
    assert set(invited) == {person.id, "anonima@ejemplo.mx"}
    assert invited[person.id].context_kind == "constituir"
    assert invited[person.id].context_municipality == "15106"
    assert _invited(events_only) == {}
    mail = db.session.scalars(select(OutgoingMail).where(
        OutgoingMail.recipient == "anonima@ejemplo.mx",
        OutgoingMail.body.contains(invited["anonima@ejemplo.mx"].token))).all()
    assert len(mail) == 1
    # a second request of the same person concluding does not invite them twice
    make_request(actor=person, state="concluida")
    assert len(_invited(survey)) == 2


def test_opening_a_members_survey_invites_active_members_of_validated_oscs(
        db, staff, make_survey, make_org, make_user):
    validated = make_org(name="Red Validada")
    pending = make_org(name="Grupo en Trámite", status="pending")
    both = validated.admin
    survey = make_survey(audience="members")
    services.open_survey(staff, survey)
    db.session.commit()
    assert set(_invited(survey)) == {both.id}
    assert pending.admin.id not in _invited(survey)
    services.close_survey(staff, survey)
    services.open_survey(staff, survey)  # opening again invites nobody twice
    assert len(_invited(survey)) == 1


def test_one_reminder_after_the_days_while_answerable(db, staff, event_survey, citizen,
                                                      other_citizen, answer, outbox, clock):
    today = services.today()
    assert audiences.send_reminders(today + timedelta(days=6)) == 0
    answer(event_survey, invitation=event_survey.invitations[citizen.id])
    before = db.session.scalar(select(func.count()).select_from(OutgoingMail))
    assert audiences.send_reminders(today + timedelta(days=7)) == 1
    db.session.commit()
    invitation = event_survey.invitations[other_citizen.id]
    db.session.refresh(invitation)
    assert invitation.reminded_on == today + timedelta(days=7)
    reminder = db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id.desc())).first()
    assert db.session.scalar(select(func.count()).select_from(OutgoingMail)) == before + 1
    assert reminder.recipient == other_citizen.email and invitation.token in reminder.body
    assert "Recordatorio" in reminder.subject
    assert audiences.send_reminders(today + timedelta(days=20)) == 0  # only one, ever


def test_no_reminders_when_closed_or_disabled(db, staff, make_survey, citizen):
    closed = make_survey(open=True)
    none = make_survey(open=True, reminder_days="0")
    for survey in (closed, none):
        audiences.invite_users(survey, [citizen.id], {})
    services.close_survey(staff, closed)
    db.session.commit()
    assert audiences.send_reminders(services.today() + timedelta(days=30)) == 0


def test_remind_command(app, db, event_survey, runner):
    for invitation in event_survey.invitations.values():
        invitation.invited_on = services.today() - timedelta(days=8)
    db.session.commit()
    result = runner.invoke(args=["surveys", "remind"])
    assert result.exit_code == 0 and "Recordatorios enviados: 2." in result.output


def test_personal_data_export_and_account_closing(db, make_survey, event_survey, citizen,
                                                  other_citizen, answer):
    identified = make_survey(open=True, audience="public", anonymous=False)
    answer(identified, actor=citizen, short_text="Me gustó mucho")
    answer(event_survey, invitation=event_survey.invitations[citizen.id])
    sections = personal_data.export_sections(citizen)
    assert {row["survey"] for row in sections["survey_invitations"]} == {
        identified.title, event_survey.title}
    assert len(sections["survey_answers"]) == 1  # the anonymous one cannot be found
    texts = [a["text"] for a in sections["survey_answers"][0]["answers"]]
    assert "Me gustó mucho" in texts
    accounts.close_account(other_citizen, PASSWORD)
    db.session.commit()
    assert other_citizen.id not in _invited(event_survey)  # unanswered: gone
    accounts.close_account(citizen, PASSWORD)
    db.session.commit()
    assert citizen.id in _invited(event_survey)  # answered: a day, nothing of the answers
    assert personal_data.export_sections(citizen)["survey_answers"] == []


def test_a_preset_survey_takes_a_plain_form(db, staff):
    survey = services.create_from_preset(staff, "event")
    form = {q.field_name: "3" for q in survey.questions if q.kind in services.SCALE_RANGES}
    for question in survey.questions:
        if question.kind == "single":
            form[question.field_name] = question.options[0].code
    values, errors = services.validate_answers(survey, form)
    assert errors == {} and len(values) == len(form)


def _day_counts(survey) -> dict[tuple, tuple[int, int]]:
    rows = services.db.session.scalars(select(SurveyDay).where(SurveyDay.survey_id == survey.id))
    return {(r.day, r.event_id, r.event_kind, r.municipality_code): (r.invited, r.answered)
            for r in rows if r.invited or r.answered}


def _counted_from_rows(survey) -> dict[tuple, tuple[int, int]]:
    """What the day counts must hold: the invitation and response rows, grouped."""
    counts: dict[tuple, list[int]] = {}
    for row in services.db.session.scalars(select(SurveyInvitation).where(
            SurveyInvitation.survey_id == survey.id)):
        key = (row.invited_on, row.context_event_id or 0, row.context_kind or "",
               row.context_municipality or "")
        counts.setdefault(key, [0, 0])[0] += 1
    for row in services.db.session.scalars(select(SurveyResponse).where(
            SurveyResponse.survey_id == survey.id)):
        key = (row.answered_on, row.event_id or 0, row.event_kind or "",
               row.municipality_code or "")
        counts.setdefault(key, [0, 0])[1] += 1
    return {key: tuple(value) for key, value in counts.items()}


def test_day_counts_follow_invitations_answers_and_closed_accounts(
        db, make_survey, concluded_event, answer, citizen, other_citizen):
    """The totals of the results pages read ``SurveyDay``: it must equal the rows it counts
    after every way those rows are written or removed."""
    event, conclude = concluded_event
    survey = make_survey(open=True, event_id=str(event.id))
    conclude()
    audiences.invite_email(survey, "sin-cuenta@ejemplo.mx", {"kind": "taller"})
    assert _day_counts(survey) == _counted_from_rows(survey)
    assert sum(invited for invited, _ in _day_counts(survey).values()) == 3
    answer(survey, invitation=_invited(survey)[event.people[0].id])
    assert _day_counts(survey) == _counted_from_rows(survey)
    accounts.close_account(event.people[1], PASSWORD)  # unanswered: no longer counted
    db.session.commit()
    assert _day_counts(survey) == _counted_from_rows(survey)
    assert results.totals(survey, results.Filters()) == (2, 1)
    public = make_survey(open=True, audience="public")
    answer(public, actor=citizen)
    answer(public, actor=other_citizen)
    assert _day_counts(public) == _counted_from_rows(public)
    assert results.totals(public, results.Filters()) == (0, 2)  # a public survey invites nobody


def test_migration_fills_the_day_counts_from_the_rows(db, make_survey, concluded_event, answer):
    """Migration 0012 fills ``survey_day`` from what an earlier version stored."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).parents[2] / "migrations" / "versions" / "0012_survey_days.py"
    spec = importlib.util.spec_from_file_location("migration_0012", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    event, conclude = concluded_event
    survey = make_survey(open=True, event_id=str(event.id))
    conclude()
    answer(survey, invitation=_invited(survey)[event.people[0].id])
    written = _day_counts(survey)
    db.session.execute(SurveyDay.__table__.delete())
    db.session.execute(text(migration.BACKFILL))
    assert _day_counts(survey) == written == _counted_from_rows(survey)
