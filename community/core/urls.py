"""Absolute links for mail and exports, also from the command line where no request exists."""

from flask import current_app, has_request_context, url_for


def external_url(endpoint: str, **values) -> str:
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        return url_for(endpoint, _external=True, **values)


def safe_next(target: str | None, default: str = "/") -> str:
    """A same-site relative path, or ``default``: never another host, scheme or ``//``."""
    if not target:
        return default
    target = target.strip()
    if (
        not target.startswith("/")
        or target.startswith("//")
        or target.startswith("/\\")
        or any(ch in target for ch in "\r\n\t\\")
    ):
        return default
    return target
