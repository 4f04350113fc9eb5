"""Event pages. (Being written: the calendar, forms and registration routes join here.)"""

from flask import render_template
from flask_login import current_user

from community.core.errors import NotFound
from community.events import bp, services


@bp.route("/eventos/<slug>")
def event(slug: str):
    try:
        found = services.get_visible(current_user, slug)
    except NotFound:
        raise
    return render_template("events/event.html", event=found, seats=services.seats(found))
