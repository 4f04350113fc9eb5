"""Who reads what in the library: the rules every part asks (services, pages, the file route,
search, the API, OAI-PMH), kept apart so none of them needs another's code to know them.

Two questions, never mixed up:

- *May this person see that the resource exists?* Published resources: everyone; drafts:
  staff only; withdrawn ones answer 410 with their note (a citation must not just break).
- *May this person read its file and its text?* Public resources: everyone who sees them;
  restricted ones ("members"): staff and the active members of a validated OSC. Everyone
  else gets the metadata only: no file, no page text, no snippet, no cover of a page.
"""

from sqlalchemy import select

from community.core.permissions import has_role
from community.extensions import db
from community.library.models import Resource
from community.profiles.models import Membership, Organization

PUBLIC = "public"
MEMBERS = "members"
ACCESS_LEVELS = (PUBLIC, MEMBERS)

# Search visibility labels (``search.service.visibility_for``): a restricted resource has one
# document with its text for readers and one with its metadata only for everyone else, so
# each person finds it exactly once.
READERS_LABEL = "library-readers"
OUTSIDERS_LABEL = "library-outsiders"


def is_staff(user) -> bool:
    return has_role(user, "staff")


def reads_restricted(user) -> bool:
    """Staff, and the active members of at least one validated OSC."""
    if is_staff(user):
        return True
    if not has_role(user, "citizen"):
        return False
    member = (select(Membership.id)
              .join(Organization, Organization.id == Membership.organization_id)
              .where(Membership.user_id == user.id, Membership.status == "active",
                     Organization.status == "validated")
              .limit(1))
    return db.session.scalar(member) is not None


def search_labels(user) -> set[str]:
    """The library's part of what a person may see in the search."""
    return {READERS_LABEL} if reads_restricted(user) else {OUTSIDERS_LABEL}


def effective(resource: Resource) -> Resource:
    """The resource whose status and access rule a part follows: a part of a withdrawn or
    restricted issue is withdrawn or restricted too."""
    return resource.parent if resource.parent_id and resource.parent is not None else resource


def status_of(resource: Resource) -> str:
    own, whole = resource.status, effective(resource).status
    if "withdrawn" in (own, whole):
        return "withdrawn"
    if "draft" in (own, whole):
        return "draft"
    return "published"


def is_restricted(resource: Resource) -> bool:
    return MEMBERS in (resource.access, effective(resource).access)


def can_see(user, resource: Resource) -> bool:
    """Whether the resource's page exists for this person (withdrawn: 410, not hidden)."""
    return status_of(resource) != "draft" or is_staff(user)


def can_read(user, resource: Resource) -> bool:
    """Whether this person may download the file and read the text."""
    if not can_see(user, resource) or status_of(resource) == "withdrawn" and not is_staff(user):
        return False
    return not is_restricted(resource) or reads_restricted(user)
