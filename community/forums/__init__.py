"""Forums, private messages and moderation: the social network of the OSCs."""

from flask import Blueprint

bp = Blueprint("forums", __name__)

# The routes register themselves on bp when their modules are imported.
from community.forums import (  # noqa: E402, F401
    category_views,
    console,
    conversation_views,
    marks,
    models,
    moderation_views,
    realtime,
    search,
    views,
)
