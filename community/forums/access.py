"""Who reads what in the forums, and where a post is shown: the rules every part of the forums
asks (services, notices, mentions, search, live rooms, views), kept apart from the writing
rules so that none of those modules needs another's services to know them.

This module imports models and the base modules (core, profiles) only; nothing of the forums
beyond their models.
"""

from sqlalchemy import bindparam, or_, select, true

from community.core.permissions import has_role
from community.extensions import db
from community.forums.models import Category, Post, Topic
from community.profiles import services as profiles
from community.profiles.models import Membership, Organization

POSTS_PER_PAGE = 20


def is_moderator(user) -> bool:
    return has_role(user, "staff")


def profiles_member_orgs(user) -> list[Organization]:
    """The validated OSCs a person may write for."""
    return profiles.organizations_of(user)


def is_osc_member(user) -> bool:
    """Active member of at least one validated OSC (asked with EXISTS: loading the OSCs
    would cost their activity areas too)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(db.session.scalar(_IS_OSC_MEMBER, {"user_id": user.id}))


def _active_membership(user_id):
    return (select(Membership.id)
            .join(Organization, Organization.id == Membership.organization_id)
            .where(Membership.user_id == user_id, Membership.status == "active",
                   Organization.status == "validated").exists())


#: Asked on every forum page (its audience): built once (see core.pagecache._VERSION).
_IS_OSC_MEMBER = select(_active_membership(bindparam("user_id")))


def can_read_category(user, category: Category) -> bool:
    """Open categories are public; restricted ones need OSC membership (or staff)."""
    if not category.members_only:
        return True
    return is_moderator(user) or is_osc_member(user)


def readable_categories(user):
    """:func:`can_read_category` as a condition on ``Category`` for a query that reads many
    topics at once (the personal home): open categories, and restricted ones for staff and
    the active members of a validated OSC."""
    if is_moderator(user):
        return true()
    return or_(Category.members_only.is_(False), _active_membership(user.id))


def can_read_topic(user, topic: Topic) -> bool:
    if not can_read_category(user, topic.category):
        return False
    return not topic.hidden or is_moderator(user)


def shown_body(user, post: Post) -> str | None:
    """The HTML a person sees: withdrawn and hidden posts show a notice instead (None),
    except to moderators, who see everything."""
    if post.status == "visible" or is_moderator(user):
        return post.body_html
    return None


def post_page(number: int) -> int:
    """The page of its topic that shows post ``number`` (the first page is 1)."""
    return (max(number, 1) - 1) // POSTS_PER_PAGE + 1


def post_path(post: Post) -> str:
    """The page of the topic that shows ``post`` (``?page=N`` beyond the first), anchored on
    it, so the ``#p<n>`` of a notification, a search hit or a moderation link exists on the
    page it opens."""
    page = post_page(post.number)
    query = f"?page={page}" if page > 1 else ""
    return f"/foros/t/{post.topic_id}-{post.topic.slug}{query}#p{post.number}"
