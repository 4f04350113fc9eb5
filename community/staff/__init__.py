from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/personal")

from community.staff import console, console_views, mail_views, views  # noqa: E402, F401
