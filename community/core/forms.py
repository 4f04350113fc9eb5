"""Glue between service errors and Flask-WTF forms."""

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField
from wtforms.meta import DefaultMeta
from wtforms.widgets import CheckboxInput, ListWidget

from community.core.errors import ValidationError
from community.core.text import fold


def attach_errors(form, error: ValidationError) -> None:
    """Show each service message next to its field; unknown fields go to the form summary."""
    for field_name, message in error.errors.items():
        field = getattr(form, field_name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]
        else:
            form.form_errors.append(message)


class MultiCheckboxField(SelectMultipleField):
    """Every multi-choice field of the site: a list of checkboxes, never a Ctrl-click
    ``<select multiple>`` (one plain click there drops what was chosen, and phones have no
    Ctrl). Rendered by the ``field`` macro of ``templates/_forms.html`` inside a ``<fieldset>``
    with a ``<legend>``.

    ``grouped``: long lists (the 125 municipalities) are split into one ``<fieldset>`` per
    initial letter of the label. The municipalities catalogue (INEGI's AGEEML, see
    ``../shared/data/SOURCES.md``) carries no region, so the groups are alphabetical.
    ``filterable``: ``static/js/checklist.js`` adds a box that hides the entries not matching
    what is typed; without JavaScript every checkbox is shown. Unknown choices are reported by
    the service, next to the field, in Spanish (no ``pre_validate``).
    """

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, validators=None, *, grouped=False, filterable=False,
                 **kwargs):
        super().__init__(label, validators, **kwargs)
        self.grouped = grouped
        self.filterable = filterable

    def pre_validate(self, form):
        """Unknown choices are reported by the service, next to the field, in Spanish."""

    def option_groups(self) -> list[tuple[str, list]]:
        """The options as (group label, options): one unnamed group unless ``grouped``."""
        options = list(self)
        if not self.grouped:
            return [("", options)]
        groups: dict[str, list] = {}
        for option in options:
            initial = fold(str(option.label.text))[:1].upper() or "#"
            groups.setdefault(initial, []).append(option)
        return sorted(groups.items())


HIDDEN_FIELD_TYPES = ("HiddenField", "CSRFTokenField")


def _render_field(meta, field, render_kw):
    """Hidden inputs of every Flask-WTF form are rendered without an ``id``.

    A page with several forms (a row of buttons per account, per member, per OSC) would repeat
    ``id="csrf_token"`` (or ``id="active"``) once per form: invalid HTML, reported by the Nu
    HTML checker (tests/test_html_validation.py). No label points at a hidden input and the
    scripts find them by ``name``, so the id serves nothing. Set on ``FlaskForm.Meta``, which
    every form of the site inherits, so that no form can forget it.
    """
    if field.type in HIDDEN_FIELD_TYPES:
        render_kw = {"id": False, **render_kw}
    return DefaultMeta.render_field(meta, field, render_kw)


FlaskForm.Meta.render_field = _render_field
