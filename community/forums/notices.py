"""Who hears of a new post: the people and OSCs it mentions, and the subscribers of its topic
and category. One notification per person per post, never to the author."""

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from community.accounts.models import User
from community.core.inputs import as_id
from community.core.notifications import notify
from community.core.text import slugify
from community.extensions import db
from community.forums.access import can_read_topic, post_path
from community.forums.models import Post, Subscription
from community.profiles.models import Membership, Organization

# @handle: a person's handle is "<name-slug>-<id>"; an OSC's is its profile slug.
MENTION = re.compile(r"(?<![\w@/])@([a-z0-9][a-z0-9-]{1,90})")
PERSON_HANDLE = re.compile(r"^[a-z0-9-]+-(\d+)$")


def handle_of(user: User) -> str:
    return f"{slugify(user.name, max_length=60) or 'persona'}-{user.id}"


def person_ids(handles) -> set[int]:
    """The account ids named by personal handles; a number no account can have (``@ana-`` and
    40 digits, which the database cannot even compare) names nobody."""
    return {i for h in handles if (m := PERSON_HANDLE.match(h)) and (i := as_id(m.group(1)))}


def mentioned_people(body: str) -> list[User]:
    """The people a text mentions: by personal handle, or every admin of a mentioned OSC."""
    handles = set(MENTION.findall(body.lower()))
    if not handles:
        return []
    ids = person_ids(handles)
    people = [user for user in db.session.scalars(select(User).where(User.id.in_(ids)))
              if handle_of(user) in handles] if ids else []
    orgs = list(db.session.scalars(select(Organization).where(Organization.slug.in_(handles),
                                                                 Organization.status ==
                                                                 "validated")))
    if orgs:
        people += list(db.session.scalars(
            select(User).join(Membership, Membership.user_id == User.id).where(
                Membership.organization_id.in_([o.id for o in orgs]),
                Membership.status == "active", Membership.role == "admin")))
    return people


def subscribers(post: Post) -> list[User]:
    topic = post.topic
    return list(db.session.scalars(select(User).join(
        Subscription, Subscription.user_id == User.id).where(or_(
            Subscription.topic_id == topic.id, Subscription.category_id == topic.category_id))))


def post_created(actor, post: Post, new_topic: bool) -> None:
    topic = post.topic
    url = post_path(post)
    mentioned = [u for u in mentioned_people(post.body)
                 if u.id != actor.id and can_read_topic(u, topic)]
    notify(mentioned, "forum.mention",
           _l("%(name)s te mencionó en «%(title)s»", name=actor.name, title=topic.title), url)
    already = {u.id for u in mentioned} | {actor.id}
    readers = [u for u in subscribers(post) if u.id not in already and can_read_topic(u, topic)]
    message = (_l("Nuevo tema en %(category)s: «%(title)s»", category=topic.category.name,
                  title=topic.title) if new_topic else
               _l("%(name)s respondió en «%(title)s»", name=actor.name, title=topic.title))
    notify(readers, "forum.topic" if new_topic else "forum.reply", message, url)
