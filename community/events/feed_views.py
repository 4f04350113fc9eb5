"""iCalendar: one event, the public feed, and each person's secret feed of registrations.
(Being written: stubs answer until the services land.)"""

from flask import abort
from flask_login import login_required

from community.events import bp


@bp.route("/eventos/<slug>.ics")
def event_ics(slug: str):
    abort(404)


@bp.route("/eventos/calendario.ics")
def calendar_feed():
    abort(404)


@bp.route("/eventos/mi-calendario")
@login_required
def feed_settings():
    abort(404)


@bp.route("/eventos/mi-calendario/renovar", methods=["POST"])
@login_required
def rotate_feed_key():
    abort(404)


@bp.route("/eventos/mi-calendario/<token>.ics")
def personal_feed(token: str):
    abort(404)
