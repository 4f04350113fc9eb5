"""Glue between service errors and Flask-WTF forms."""

from community.core.errors import ValidationError


def attach_errors(form, error: ValidationError) -> None:
    """Show each service message next to its field; unknown fields go to the form summary."""
    for field_name, message in error.errors.items():
        field = getattr(form, field_name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]
        else:
            form.form_errors.append(message)
