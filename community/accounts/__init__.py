from flask import Blueprint

bp = Blueprint("accounts", __name__)

from community.accounts import console, notification_views, privacy_views, views  # noqa: E402, F401
