"""The library: Ciudadanía Activa, the Manual de Visibilidad and the training material."""

from flask import Blueprint

bp = Blueprint("library", __name__)

from community.library import (  # noqa: E402, F401
    api,
    console,
    manage_views,
    models,
    oai_views,
    search,
    views,
)
