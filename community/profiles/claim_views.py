"""Claiming an unclaimed OSC (one imported from the padrón, with no admin yet)."""

from community.profiles import bp  # noqa: F401
