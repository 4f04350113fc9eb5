from flask import Blueprint

bp = Blueprint("profiles", __name__)

# The routes register themselves on bp when their modules are imported.
from community.profiles import (  # noqa: E402, F401
    api,
    directory_views,
    models,
    views,
)
