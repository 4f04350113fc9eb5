"""Events: calendar, registration with a waiting list, attendance, certificates, iCalendar."""

from flask import Blueprint

bp = Blueprint("events", __name__)

# The routes register themselves on bp when their modules are imported.
from community.events import (  # noqa: E402, F401
    attendance_views,
    console,
    feed_views,
    models,
    search,
    views,
)
