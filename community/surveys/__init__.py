"""Satisfaction surveys: built by staff, sent to the people who attended or were advised,
answered anonymously once, read as charts and compared year over year."""

from flask import Blueprint

bp = Blueprint("surveys", __name__)

from community.surveys import (  # noqa: E402, F401
    builder_views,
    console,
    models,
    results_views,
    views,
)
