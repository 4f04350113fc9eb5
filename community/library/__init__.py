"""The library: Ciudadanía Activa, the Manual de Visibilidad and the training material."""

from flask import Blueprint

bp = Blueprint("library", __name__)

from community.library import api, models, oai_views, search, views  # noqa: E402, F401
