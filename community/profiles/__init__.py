from flask import Blueprint

bp = Blueprint("profiles", __name__)

from community.profiles import models  # noqa: E402, F401
from community.profiles import views  # noqa: E402, F401
from community.profiles import directory_views  # noqa: E402, F401
from community.profiles import api  # noqa: E402, F401
