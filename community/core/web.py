"""Helpers shared by views (never by services): status codes for forms, the client address."""

from flask import render_template, request


def render_form(template: str, form, form_name: str = "form", **context):
    """Render a form page; a submitted form with errors answers 422 so clients and tests see it."""
    has_errors = request.method == "POST" and (
        form.errors or getattr(form, "form_errors", None)
    )
    context[form_name] = form
    return render_template(template, **context), 422 if has_errors else 200


def client_ip() -> str | None:
    return request.remote_addr
