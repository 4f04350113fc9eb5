"""The personal home (``/inicio``): what waits for the signed-in person, read from each
module's queries with one query per block, whatever the number of items.

Like the staff console, this page sits above the modules: it reads their ``queries`` (and
the notices of ``core``) and nothing imports it. The public home (``/``) stays in
``community.main``.
"""

from dataclasses import dataclass, field
from datetime import datetime

from flask import render_template
from flask_login import current_user, login_required

from community.advisory import queries as advisory
from community.advisory.labels import STATES as ADVISORY_STATES
from community.advisory.models import AdvisoryRequest
from community.core import notifications
from community.core.models import Notification
from community.core.permissions import has_role, require_signed_in
from community.core.timeutil import utcnow
from community.events import queries as events
from community.events.fields import REGISTRATION_STATUSES
from community.events.models import Event, Registration
from community.forums import access as forums_access
from community.forums import queries as forums
from community.main import bp
from community.profiles import queries as profiles
from community.profiles.fields import STATUS_LABELS
from community.surveys import services as surveys
from community.surveys.models import Survey, SurveyInvitation

BLOCK_SIZE = 5


@dataclass
class Overview:
    organizations: list[profiles.MyOrganization] = field(default_factory=list)
    registrations: list[tuple[Registration, Event]] = field(default_factory=list)
    registrations_total: int = 0
    notices: list[Notification] = field(default_factory=list)
    notices_total: int = 0
    topics: list[forums.TopicNews] = field(default_factory=list)
    topics_total: int = 0
    advisory: list[AdvisoryRequest] = field(default_factory=list)
    surveys: list[tuple[Survey, SurveyInvitation]] = field(default_factory=list)
    staff: bool = False


def overview(actor, now: datetime | None = None) -> Overview:
    """Every block of the personal home for ``actor``: one query each."""
    require_signed_in(actor)
    now = now or utcnow()
    registrations, registrations_total = events.upcoming_registrations(actor, now, BLOCK_SIZE)
    notices, notices_total = notifications.latest_unread(actor, BLOCK_SIZE)
    topics, topics_total = forums.followed_topics_with_news(
        actor, forums_access.is_moderator(actor), BLOCK_SIZE)
    return Overview(organizations=profiles.my_organizations(actor, now),
                    registrations=registrations, registrations_total=registrations_total,
                    notices=notices, notices_total=notices_total,
                    topics=topics, topics_total=topics_total,
                    advisory=advisory.requests_of_user(actor, limit=BLOCK_SIZE),
                    surveys=surveys.pending_for_user(actor)[:BLOCK_SIZE],
                    staff=has_role(actor, "staff"))


@bp.route("/inicio")
@login_required
def personal_home():
    return render_template("main/personal_home.html", home=overview(current_user),
                           status_labels=STATUS_LABELS,
                           registration_statuses=REGISTRATION_STATUSES,
                           advisory_states=ADVISORY_STATES)
