"""Advisory requests (asesorías): a citizen or an OSC asks for help, staff track it to an
outcome, municipality by municipality."""

from flask import Blueprint

bp = Blueprint("advisory", __name__)

from community.advisory import (  # noqa: E402, F401
    console,
    models,
    staff_views,
    views,
)
