from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/personal")
#: The public side of the indicators (/resultados): the same registry, aggregates only.
public_bp = Blueprint("results", __name__)

from community.profiles import padron_views  # noqa: E402, F401
from community.staff import (  # noqa: E402, F401
    console,
    console_views,
    indicator_export_views,
    indicator_views,
    mail_views,
    views,
)
