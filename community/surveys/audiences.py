"""Who is asked to answer, and how they hear of it: invitations, the receivers of the core
signals (an event concluded, an advisory request concluded), members on opening, reminders.

Each invitation is a ``SurveyInvitation`` row (one per survey and person, by unique key) with
its own random token, an in-app notice and a mail through the outbox, in the caller's
transaction. The receivers take plain ids from the signal: surveys never imports the events
or advisory services, and those modules never import surveys.

The receivers connect when this module is imported (the app factory imports it).
"""

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from werkzeug.routing import BuildError

from community.accounts.models import User
from community.core.mail import send_template
from community.core.notifications import notify
from community.core.signals import advisory_concluded, event_concluded
from community.core.urls import external_url
from community.extensions import db
from community.profiles.models import Membership, Organization
from community.surveys import services
from community.surveys.models import Survey, SurveyInvitation

#: The endpoint of the answering page, ``/encuestas/<key>`` (views.py).
ANSWER_ENDPOINT = "surveys.answer"


def answer_url(invitation: SurveyInvitation) -> str:
    """The absolute answering link of an invitation (on ``BASE_URL``, never the request's
    host: it goes out by mail)."""
    try:
        return external_url(ANSWER_ENDPOINT, key=invitation.token)
    except BuildError:  # the answering page not registered (a CLI without the blueprint)
        from flask import current_app

        return f"{current_app.config['BASE_URL'].rstrip('/')}/encuestas/{invitation.token}"


def _context_values(context: Mapping | None) -> dict:
    context = context or {}
    return {"context_event_id": context.get("event_id") or None,
            "context_kind": context.get("kind") or None,
            "context_municipality": context.get("municipality_code") or None}


def invite_users(survey: Survey, user_ids: Iterable[int], context: Mapping | None = None,
                 day: date | None = None) -> list[SurveyInvitation]:
    """Invite each active account once (those already invited are skipped), tell them in
    the app and by mail. ``context``: event_id, kind, municipality_code of what they attended
    or asked for, copied to their answer (never who they are)."""
    wanted = {int(uid) for uid in user_ids if uid}
    if not wanted:
        return []
    already = set(db.session.scalars(select(SurveyInvitation.user_id).where(
        SurveyInvitation.survey_id == survey.id, SurveyInvitation.user_id.in_(wanted))))
    users = db.session.scalars(select(User).where(
        User.id.in_(wanted - already), User.active.is_(True)).order_by(User.id)).all()
    day = day or services.today()
    created = []
    for user in users:
        invitation = SurveyInvitation(survey_id=survey.id, user_id=user.id, invited_on=day,
                                      **_context_values(context))
        db.session.add(invitation)
        created.append((user, invitation))
    db.session.flush()
    services.count_invited(invitation for _, invitation in created)
    for user, invitation in created:
        _tell_user(survey, user, invitation, "survey_invitation")
    return [invitation for _, invitation in created]


def invite_email(survey: Survey, email: str, context: Mapping | None = None,
                 day: date | None = None) -> SurveyInvitation | None:
    """Invite an address without an account (an anonymous advisory requester) once."""
    email = (email or "").strip()
    if not email:
        return None
    exists = db.session.scalar(select(SurveyInvitation.id).where(
        SurveyInvitation.survey_id == survey.id, SurveyInvitation.email == email))
    if exists:
        return None
    invitation = SurveyInvitation(survey_id=survey.id, email=email,
                                  invited_on=day or services.today(),
                                  **_context_values(context))
    db.session.add(invitation)
    db.session.flush()
    services.count_invited([invitation])
    _mail(survey, email, None, invitation, "survey_invitation")
    return invitation


def _tell_user(survey: Survey, user: User, invitation: SurveyInvitation, template: str) -> None:
    url = answer_url(invitation)
    message = (_l("Te invitamos a responder la encuesta «%(title)s».", title=survey.title)
               if template == "survey_invitation" else
               _l("Recordatorio: tu opinión nos falta en la encuesta «%(title)s».",
                  title=survey.title))
    notify([user], "survey", message, url=url, already_mailed=True)
    _mail(survey, user.email, user, invitation, template)


def _mail(survey: Survey, email: str, user: User | None, invitation: SurveyInvitation,
          template: str) -> None:
    subject = (_l("Tu opinión: %(title)s", title=survey.title)
               if template == "survey_invitation" else
               _l("Recordatorio: %(title)s", title=survey.title))
    send_template(email, subject, template, locale=user.locale if user else None,
                  survey=survey, name=user.name if user else None,
                  answer_url=answer_url(invitation), closes_at=survey.closes_at)


def _inviting(audience: str):
    """The open surveys of an audience that still take answers (or will: not yet open)."""
    moment = services.now()
    return (select(Survey).where(Survey.audience == audience, Survey.status == "open",
                                 or_(Survey.closes_at.is_(None), Survey.closes_at > moment))
            .order_by(Survey.id))


# --- audiences --------------------------------------------------------------------------------


def invite_members(survey: Survey) -> list[SurveyInvitation]:
    """The active members of validated OSCs (each person once, whatever their OSCs)."""
    ids = db.session.scalars(
        select(Membership.user_id).distinct()
        .join(Organization, Organization.id == Membership.organization_id)
        .where(Organization.status == "validated", Membership.status == "active")).all()
    return invite_users(survey, ids)


def on_event_concluded(sender=None, *, event_id: int, kind: str | None = None,
                       municipality_code: str | None = None, day: date | None = None,
                       attendee_ids: Iterable[int] = (), **_ignored) -> int:
    """Invite the people checked in at a concluded event to every open event survey about
    it: one naming the event, or one for every event (optionally of its kind)."""
    surveys = db.session.scalars(_inviting("event").where(
        or_(Survey.event_id == event_id,
            (Survey.event_id.is_(None)
             & or_(Survey.event_kind.is_(None), Survey.event_kind == kind))))).all()
    context = {"event_id": event_id, "kind": kind, "municipality_code": municipality_code}
    attendees = list(attendee_ids)
    return sum(len(invite_users(survey, attendees, context, day)) for survey in surveys)


def on_advisory_concluded(sender=None, *, request_id: int, user_id: int | None = None,
                          email: str | None = None, topic: str | None = None,
                          municipality_code: str | None = None, **_ignored) -> int:
    """Invite the requester of a concluded advisory request to every open advisory survey:
    their account, or the contact address of a request made without one."""
    context = {"kind": topic, "municipality_code": municipality_code}
    invited = 0
    for survey in db.session.scalars(_inviting("advisory")).all():
        if user_id:
            invited += len(invite_users(survey, [user_id], context))
        elif email:
            invited += invite_email(survey, email, context) is not None
    return invited


event_concluded.connect(on_event_concluded)
advisory_concluded.connect(on_advisory_concluded)


# --- reminders --------------------------------------------------------------------------------


def send_reminders(today: date | None = None) -> int:
    """One reminder per unanswered invitation, ``reminder_days`` after it was sent, while
    the survey takes answers. Returns how many went out (the caller commits)."""
    today = today or services.today()
    sent = 0
    for survey in db.session.scalars(select(Survey).where(
            Survey.status == "open", Survey.reminder_days > 0)).all():
        if not services.is_answerable(survey):
            continue
        due = today - timedelta(days=survey.reminder_days)
        invitations = db.session.scalars(select(SurveyInvitation).where(
            SurveyInvitation.survey_id == survey.id, SurveyInvitation.answered_on.is_(None),
            SurveyInvitation.reminded_on.is_(None), SurveyInvitation.anon_key.is_(None),
            SurveyInvitation.invited_on <= due)).all()
        for invitation in invitations:
            invitation.reminded_on = today
            _remind(survey, invitation)
            sent += 1
    db.session.flush()
    return sent


def _remind(survey: Survey, invitation: SurveyInvitation) -> None:
    if invitation.user_id:
        user = db.session.get(User, invitation.user_id)
        if user is not None and user.active:
            _tell_user(survey, user, invitation, "survey_reminder")
    elif invitation.email:
        _mail(survey, invitation.email, None, invitation, "survey_reminder")
