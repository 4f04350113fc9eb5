"""Multi-choice fields are checkboxes that cannot lose a selection (issue 12): the 125
municipalities were a Ctrl-click <select multiple> where one plain click replaced three
choices with one, and phones have no Ctrl."""

import importlib
import re

import pytest
from wtforms import SelectMultipleField

from community.core.forms import MultiCheckboxField
from community.profiles.models import Organization
from tests.conftest import post_form, sign_in

BASE = {"name": "Colectivo Raíces de Texcoco", "municipality_code": "15099",
        "activities": ["IX", "XI"]}
THREE = ["15099", "15058", "15033"]  # Texcoco, Nezahualcóyotl, Ecatepec de Morelos


def _checked(body: str, name: str) -> set[str]:
    values = set()
    for tag in re.findall(r"<input[^>]*>", body):
        if f'name="{name}"' in tag and "checked" in tag:
            values.add(re.search(r'value="([^"]*)"', tag).group(1))
    return values


@pytest.mark.parametrize("module", ["community.profiles.forms", "community.events.forms"])
def test_every_multi_choice_field_is_the_shared_checkbox_field(app, module):
    forms = importlib.import_module(module)
    for form_class in vars(forms).values():
        if not isinstance(form_class, type) or not hasattr(form_class, "_unbound_fields"):
            continue
        for name, unbound in form_class._unbound_fields or []:
            if issubclass(unbound.field_class, SelectMultipleField):
                assert unbound.field_class is MultiCheckboxField, (form_class, name)


def test_municipalities_are_grouped_checkboxes_with_a_filter(client, signed_in):
    signed_in()
    body = client.get("/osc/registrar").get_data(as_text=True)
    assert "<select multiple" not in body and " multiple" not in body
    assert "Ctrl" not in body
    boxes = re.findall(r'<input[^>]*name="served_municipalities"[^>]*>', body)
    assert len(boxes) == 125 and all('type="checkbox"' in box for box in boxes)
    assert 'data-checklist-filter="' in body and "js/checklist.js" in body
    legends = re.findall(r'<fieldset class="choice-group" data-checklist-group>\s*'
                         r"<legend>([^<]+)</legend>", body)
    assert legends[:3] == ["A", "C", "D"] and "N" in legends and "T" in legends
    # activities and populations are checkboxes too, in one fieldset each, with a legend
    for name in ("activities", "populations"):
        assert re.search(rf'<fieldset class="field field--choices[^"]*" id="{name}"', body)
        assert re.search(rf'<input[^>]*name="{name}"[^>]*type="checkbox"'
                         rf'|<input[^>]*type="checkbox"[^>]*name="{name}"', body)


def test_failed_submit_keeps_every_selection(client, signed_in, db):
    signed_in()
    response = post_form(client, "/osc/registrar", {
        **BASE, "rfc": "abc123", "served_municipalities": THREE,
        "populations": ["ninez", "mujeres"]}, page="/osc/registrar")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert _checked(body, "served_municipalities") == set(THREE)
    assert _checked(body, "activities") == {"IX", "XI"}
    assert _checked(body, "populations") == {"ninez", "mujeres"}


def test_saved_selection_is_checked_when_editing(client, make_org, db):
    org = make_org(served_municipalities=THREE)
    sign_in(client, org.admin.email)
    body = client.get(f"/osc/{org.slug}/editar").get_data(as_text=True)
    assert _checked(body, "served_municipalities") == set(THREE)
    response = post_form(client, f"/osc/{org.slug}/editar", {
        "name": org.name, "municipality_code": "15106", "activities": ["IX"],
        "served_municipalities": [*THREE, "15106"]}, page=f"/osc/{org.slug}/editar")
    assert response.status_code in (302, 303)
    db.session.refresh(org)
    assert {m.code for m in db.session.get(Organization, org.id).served_municipalities} == {
        *THREE, "15106"}
