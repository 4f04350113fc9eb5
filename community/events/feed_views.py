"""iCalendar: one event, the public feed with the calendar's filters, and each person's
secret feed of their registrations (with the page that explains how to subscribe)."""

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from community.core.pagecache import cached_page
from community.core.urls import external_url
from community.events import bp, ical, queries, services
from community.events.fields import CLOCK_PAGES_MAX_AGE
from community.extensions import db

CALENDAR_TYPE = "text/calendar; charset=utf-8"


def _ics(body: bytes, filename: str, cache: str) -> Response:
    """A calendar answer with an ETag, so subscribed clients that poll get 304s."""
    response = Response(body, mimetype=CALENDAR_TYPE)
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = cache
    response.add_etag()
    return response.make_conditional(request)


@bp.route("/eventos/<slug>.ics")
@cached_page("events", max_age=CLOCK_PAGES_MAX_AGE)
def event_ics(slug: str):
    """The event as this person may see it: with the online link when the page shows it to
    them, so a signed-in answer is never for shared caches."""
    event = services.get_visible(current_user, slug)
    if event.status == "draft":
        cache = "private, no-store"
    elif current_user.is_authenticated:
        cache = "private, max-age=300"
    else:
        cache = "public, max-age=300"
    calendar = ical.event_calendar(event, services.registration_of(current_user, event),
                                   viewer=current_user)
    return _ics(calendar, f"{event.slug}.ics", cache)


@bp.route("/eventos/calendario.ics")
@cached_page("events", max_age=CLOCK_PAGES_MAX_AGE, args=queries.FILTER_ARGS)
def calendar_feed():
    filters = queries.CalendarFilters.from_args(request.args)
    return _ics(ical.public_feed(filters), "eventos-comunidad-osc.ics", "public, max-age=900")


@bp.route("/eventos/mi-calendario")
@login_required
def feed_settings():
    key = ical.feed_key(current_user)
    url = ical.personal_url(key) if key else None
    return render_template("events/feeds/settings.html", key=key, feed_url=url,
                           webcal_url=url.replace("https://", "webcal://", 1)
                           .replace("http://", "webcal://", 1) if url else None,
                           public_url=external_url("events.calendar_feed"))


@bp.route("/eventos/mi-calendario/renovar", methods=["POST"])
@login_required
def rotate_feed_key():
    had_key = ical.feed_key(current_user) is not None
    ical.rotate_key(current_user)
    db.session.commit()
    if had_key:
        flash(_("Tu enlace de calendario cambió: el anterior ya no funciona. Suscríbete de nuevo "
                "con el enlace nuevo."), "success")
    else:
        flash(_("Tu enlace de calendario está listo."), "success")
    return redirect(url_for("events.feed_settings"))


@bp.route("/eventos/mi-calendario/<token>.ics")
def personal_feed(token: str):
    response = _ics(ical.personal_feed(token), "mis-eventos.ics", "private, max-age=300")
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
