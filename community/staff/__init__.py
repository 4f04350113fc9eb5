from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/personal")
#: The public side of the indicators (/resultados): the same registry, aggregates only.
public_bp = Blueprint("results", __name__)


@public_bp.record_once
def _offer_home_figures(state) -> None:
    """The home page (``main``) shows figures from the registry of indicators. Nothing
    imports ``staff`` (DESIGN.md), so staff offers them through the app."""
    from community.staff.home_figures import home_figures

    state.app.extensions["home_figures"] = home_figures

from community.profiles import padron_views  # noqa: E402, F401
from community.staff import (  # noqa: E402, F401
    console,
    console_views,
    indicator_export_views,
    indicator_views,
    mail_views,
    views,
)
