"""Private messages: small conversations between people (optionally on behalf of an OSC),
unread counts, leaving, and blocking.

Privacy is the rule of this module: only the active members of a conversation read it, and
:func:`can_read_conversation` is the one check that the pages, the message fragment and the
Socket.IO room ``conversation:<id>`` all use. Someone who may not read a conversation is told
it does not exist (``NotFound``), so its existence does not leak either.

A person who blocked another no longer receives messages from them; the blocked person is
told only "no puedes enviar mensajes a esta persona". Services flush; the caller commits; live
pushes and notifications leave after commit.
"""

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, func, or_, select

from community.accounts.models import User
from community.core.aftercommit import push_after_commit
from community.core.errors import NotFound, PermissionDenied, ValidationError
from community.core.inputs import as_id
from community.core.notifications import notify
from community.core.permissions import require_signed_in
from community.core.sanitize import render_markdown
from community.core.timeutil import utcnow
from community.extensions import db, socketio
from community.forums import access, services
from community.forums.models import Block, Conversation, ConversationMember, Message
from community.forums.notices import PERSON_HANDLE, handle_of
from community.profiles.models import Organization

MAX_OTHERS = 9
SUBJECT_MAX = 200
MESSAGES_PER_PAGE = 30
CONVERSATIONS_PER_PAGE = 30
SEARCH_LIMIT = 10
CANNOT_MESSAGE = _l("No puedes enviar mensajes a esta persona.")


def conversation_room(conversation_id: int) -> str:
    return f"conversation:{conversation_id}"


def conversation_path(conversation_id: int) -> str:
    return f"/mensajes/{conversation_id}"


# --- who reads ----------------------------------------------------------------------------


def membership(user, conversation: Conversation) -> ConversationMember | None:
    """The person's active membership (not left), or None."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    row = db.session.get(ConversationMember, (conversation.id, user.id))
    return row if row is not None and row.left_at is None else None


def can_read_conversation(user, conversation: Conversation | None) -> bool:
    """The one privacy check: page, fragment and socket room ask here."""
    return conversation is not None and membership(user, conversation) is not None


def get_conversation(user, conversation_id: int) -> Conversation:
    conversation = db.session.get(Conversation, conversation_id)
    if not can_read_conversation(user, conversation):
        raise NotFound()
    return conversation


def get_message(user, message_id: int) -> Message:
    message = db.session.get(Message, message_id)
    if message is None or not can_read_conversation(
            user, db.session.get(Conversation, message.conversation_id)):
        raise NotFound()
    return message


def active_members(conversation: Conversation) -> list[ConversationMember]:
    return [m for m in conversation.members if m.left_at is None]


def others(user, conversation: Conversation) -> list[User]:
    return [m.user for m in active_members(conversation) if m.user_id != user.id]


# --- blocking -----------------------------------------------------------------------------


def has_blocked(blocker, blocked) -> bool:
    return db.session.get(Block, (blocker.id, blocked.id)) is not None


def block(actor, user: User) -> bool:
    """Stop receiving messages from ``user``; False when they were already blocked."""
    require_signed_in(actor)
    if user.id == actor.id:
        raise ValidationError({"user": _l("No puedes bloquearte a ti misma o a ti mismo.")})
    if has_blocked(actor, user):
        return False
    db.session.add(Block(blocker_id=actor.id, blocked_id=user.id))
    return True


def unblock(actor, user: User) -> bool:
    require_signed_in(actor)
    row = db.session.get(Block, (actor.id, user.id))
    if row is None:
        return False
    db.session.delete(row)
    return True


def blocked_people(actor) -> list[User]:
    require_signed_in(actor)
    return list(db.session.scalars(select(User).join(Block, Block.blocked_id == User.id)
                                   .where(Block.blocker_id == actor.id).order_by(User.name)))


def _blockers_among(actor, people: Iterable[User]) -> list[User]:
    """Who, among ``people``, blocked ``actor``."""
    ids = [p.id for p in people]
    if not ids:
        return []
    blocker_ids = set(db.session.scalars(select(Block.blocker_id).where(
        Block.blocked_id == actor.id, Block.blocker_id.in_(ids))))
    return [p for p in people if p.id in blocker_ids]


# --- recipients ---------------------------------------------------------------------------


def find_person(raw) -> User | None:
    """A person by handle ("ana-torres-12") or by id; only accounts that may take part."""
    text = str(raw or "").strip().lstrip("@").lower()
    if not text:
        return None
    match = PERSON_HANDLE.match(text)
    user_id = as_id(match.group(1) if match else text)
    user = db.session.get(User, user_id) if user_id else None
    if user is None or not user.is_active or user.email_confirmed_at is None:
        return None
    if match and handle_of(user) != text:
        return None
    return user


def split_recipients(raw) -> list[str]:
    """Handles typed in one field (commas, spaces or new lines) or sent as a list."""
    if isinstance(raw, str):
        raw = [raw]
    parts: list[str] = []
    for value in raw or []:
        parts.extend(p for p in re.split(r"[\s,;]+", str(value)) if p)
    return list(dict.fromkeys(parts))


def resolve_recipients(actor, raw) -> list[User]:
    """1 to 9 other people who can receive messages from ``actor``."""
    wanted = split_recipients(raw)
    people: list[User] = []
    unknown = []
    for value in wanted:
        person = find_person(value)
        if person is None:
            unknown.append(value)
        elif person.id != actor.id and person not in people:
            people.append(person)
    if unknown:
        raise ValidationError({"to": _l("No encontramos a: %(names)s. Revisa el identificador "
                                        "(por ejemplo, ana-torres-12).",
                                        names=", ".join(unknown[:5]))})
    if not people:
        raise ValidationError({"to": _l("Elige al menos a una persona.")})
    if len(people) > MAX_OTHERS:
        raise ValidationError({"to": _l("Una conversación admite como máximo %(max)d personas "
                                        "además de ti.", max=MAX_OTHERS)})
    _require_may_message(actor, people)
    return people


def _require_may_message(actor, people: list[User]) -> None:
    blockers = _blockers_among(actor, people)
    if blockers:
        raise ValidationError({"to": _l("No puedes enviar mensajes a esta persona: "
                                        "%(name)s.", name=blockers[0].name)})
    blocked = [p for p in people if has_blocked(actor, p)]
    if blocked:
        raise ValidationError({"to": _l("Bloqueaste a %(name)s; desbloquéala o desbloquéalo "
                                        "para escribirle.", name=blocked[0].name)})


def search_people(actor, query: str) -> list[User]:
    """People to write to, by name: signed-in use only, never the searcher."""
    require_signed_in(actor)
    text = " ".join(str(query or "").split())[:80]
    if len(text) < 2:
        return []
    like = "%" + text.lower().replace("%", "").replace("_", "") + "%"
    return list(db.session.scalars(
        select(User).where(func.lower(User.name).like(like), User.id != actor.id,
                           User.active.is_(True), User.email_confirmed_at.is_not(None))
        .order_by(User.name).limit(SEARCH_LIMIT)))


# --- writing ------------------------------------------------------------------------------


def messaging_problem(user):
    """Why this person cannot write private messages now (a message), or None."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return _l("Entra con tu cuenta para enviar mensajes.")
    if user.email_confirmed_at is None:
        return _l("Confirma tu correo electrónico para enviar mensajes.")
    return None


def _require_may_write(user) -> None:
    require_signed_in(user)
    problem = messaging_problem(user)
    if problem:
        raise PermissionDenied(problem)


def clean_subject(raw) -> str:
    subject = " ".join(str(raw or "").split())
    if len(subject) > SUBJECT_MAX:
        raise ValidationError({"subject": _l("Escribe como máximo %(max)d caracteres.",
                                             max=SUBJECT_MAX)})
    return subject


def _on_behalf(actor, raw) -> Organization | None:
    if not raw:
        return None
    for org in access.profiles_member_orgs(actor):
        if str(org.id) == str(raw) or org.slug == str(raw):
            return org
    raise ValidationError({"organization": _l("Solo puedes escribir a nombre de una OSC de la "
                                              "que formas parte.")})


def _collect(checks) -> list:
    """Run each (field, check) and gather every message, so a form shows them all at once."""
    errors: dict = {}
    values = []
    for check in checks:
        try:
            values.append(check())
        except ValidationError as error:
            errors.update(error.errors)
            values.append(None)
    if errors:
        raise ValidationError(errors)
    return values


def start_conversation(actor, raw: Mapping, now: datetime | None = None) -> Conversation:
    """A new conversation with 1–9 other people and its first message."""
    _require_may_write(actor)
    people, subject, body, organization = _collect([
        lambda: resolve_recipients(actor, _recipients_arg(raw)),
        lambda: clean_subject(raw.get("subject")),
        lambda: services.clean_body(raw.get("body")),
        lambda: _on_behalf(actor, raw.get("organization")),
    ])
    now = now or utcnow()
    conversation = Conversation(subject=subject, created_by_id=actor.id, created_at=now,
                                last_message_at=now)
    db.session.add(conversation)
    db.session.flush()
    for person in [actor, *people]:
        conversation.members.append(ConversationMember(
            user_id=person.id, user=person, joined_at=now,
            last_read_at=now if person.id == actor.id else None))
    _add_message(actor, conversation, body, organization, now)
    return conversation


def _recipients_arg(raw: Mapping):
    if hasattr(raw, "getlist"):
        return raw.getlist("to")
    return raw.get("to")


def send_message(actor, conversation: Conversation, raw: Mapping,
                 now: datetime | None = None) -> Message:
    """A reply in a conversation the actor belongs to; refused while anyone in it has
    blocked the actor."""
    if not can_read_conversation(actor, conversation):
        raise NotFound()
    _require_may_write(actor)
    body, organization = _collect([lambda: services.clean_body(raw.get("body")),
                                   lambda: _on_behalf(actor, raw.get("organization"))])
    recipients = others(actor, conversation)
    if not recipients:
        raise ValidationError({"body": _l("Ya no queda nadie más en esta conversación.")})
    if _blockers_among(actor, recipients):
        raise PermissionDenied(CANNOT_MESSAGE)
    return _add_message(actor, conversation, body, organization, now or utcnow())


def _add_message(actor, conversation: Conversation, body: str, organization,
                 now: datetime) -> Message:
    message = Message(conversation_id=conversation.id, author_id=actor.id, body=body,
                      body_html=str(render_markdown(body)), organization=organization,
                      created_at=now)
    message.author = actor
    db.session.add(message)
    conversation.last_message_at = now
    for member in conversation.members:
        if member.user_id == actor.id:
            member.last_read_at = now
    db.session.flush()
    _after_message(actor, conversation, message)
    return message


def _after_message(actor, conversation: Conversation, message: Message) -> None:
    """The other members hear of it (badge and notification), and open pages fetch it."""
    notify(others(actor, conversation), "message.new",
           _l("%(name)s te envió un mensaje privado", name=actor.name),
           conversation_path(conversation.id))
    emit_message_created(conversation.id, message.id)


def emit_message_created(conversation_id: int, message_id: int) -> None:
    """After commit, tell the conversation's room; the event carries ids only, and each page
    fetches the message through HTTP with its own session (so membership is checked again)."""
    app = current_app._get_current_object()
    payload = {"conversation": conversation_id, "message": message_id}

    def emit() -> None:
        try:
            socketio.emit("message_created", payload, to=conversation_room(conversation_id))
        except Exception:  # noqa: BLE001 - the message is saved; the push is a courtesy
            app.logger.warning("live message_created to conversation %s failed",
                               conversation_id)

    push_after_commit(db.session(), emit)


def leave_conversation(actor, conversation: Conversation, now: datetime | None = None) -> None:
    """Leave for good: the person no longer reads the conversation nor hears of it."""
    row = membership(actor, conversation)
    if row is None:
        raise NotFound()
    row.left_at = now or utcnow()


def mark_read(actor, conversation: Conversation, now: datetime | None = None) -> None:
    row = membership(actor, conversation)
    if row is None:
        raise NotFound()
    now = now or utcnow()
    if row.last_read_at is None or row.last_read_at < now:
        row.last_read_at = now


# --- reading ------------------------------------------------------------------------------


def _unread_condition(user_id: int):
    """Messages by someone else, newer than the person's last read mark."""
    return and_(Message.conversation_id == ConversationMember.conversation_id,
                ConversationMember.user_id == user_id,
                ConversationMember.left_at.is_(None),
                or_(Message.author_id.is_(None), Message.author_id != user_id),
                or_(ConversationMember.last_read_at.is_(None),
                    Message.created_at > ConversationMember.last_read_at))


#: The header's badge, on every signed-in page: built once (see core.pagecache._VERSION).
_UNREAD_CONVERSATIONS = select(func.count(func.distinct(Message.conversation_id))).join(
    ConversationMember, _unread_condition(bindparam("user_id")))


def unread_counts(user, conversation_ids: list[int]) -> dict[int, int]:
    if not getattr(user, "is_authenticated", False) or not conversation_ids:
        return {}
    rows = db.session.execute(
        select(Message.conversation_id, func.count(Message.id))
        .join(ConversationMember, _unread_condition(user.id))
        .where(Message.conversation_id.in_(conversation_ids))
        .group_by(Message.conversation_id))
    return dict(rows.all())


def unread_conversations(user) -> int:
    """How many conversations have something new: the header badge."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return db.session.scalar(_UNREAD_CONVERSATIONS, {"user_id": user.id}) or 0


@dataclass
class Row:
    """A line of "my conversations"."""

    conversation: Conversation
    unread: int
    people: list[User]


def my_conversations(user, page: int = 1):
    """The person's conversations, newest activity first, with unread counts."""
    require_signed_in(user)
    stmt = (select(Conversation).join(ConversationMember, and_(
        ConversationMember.conversation_id == Conversation.id,
        ConversationMember.user_id == user.id, ConversationMember.left_at.is_(None)))
        .order_by(Conversation.last_message_at.desc(), Conversation.id.desc()))
    pages = db.paginate(stmt, page=max(1, page), per_page=CONVERSATIONS_PER_PAGE,
                        error_out=False)
    counts = unread_counts(user, [c.id for c in pages.items])
    rows = [Row(c, counts.get(c.id, 0), others(user, c)) for c in pages.items]
    return pages, rows


def messages_page(user, conversation: Conversation, page: int | None = None):
    """Messages oldest to newest; without a page, the last one (the newest messages)."""
    if not can_read_conversation(user, conversation):
        raise NotFound()
    stmt = (select(Message).where(Message.conversation_id == conversation.id)
            .order_by(Message.created_at, Message.id))
    total = db.session.scalar(select(func.count()).select_from(Message).where(
        Message.conversation_id == conversation.id)) or 0
    last = max(1, math.ceil(total / MESSAGES_PER_PAGE))
    page = last if page is None else min(max(1, page), last)
    return db.paginate(stmt, page=page, per_page=MESSAGES_PER_PAGE, error_out=False)


def last_read_at(user, conversation: Conversation) -> datetime | None:
    row = membership(user, conversation)
    return row.last_read_at if row else None
