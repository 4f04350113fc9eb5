from flask import Blueprint

bp = Blueprint("profiles", __name__)


@bp.app_template_filter("phone")
def _phone(digits: str) -> str:
    from community.profiles.validators import format_phone

    return format_phone(digits)


# The routes register themselves on bp when their modules are imported.
from community.profiles import (  # noqa: E402, F401
    api,
    claim_views,
    directory_views,
    models,
    search,
    views,
)
