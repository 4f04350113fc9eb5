"""Registry data of a validated OSC (its public name, the Folio del Registro Social Estatal)
waits for staff like the legal fields: the public profile keeps the validated value until
staff approve the change request (issue 12)."""

import pytest

from community.profiles import services
from community.profiles.fields import LEGAL_FIELDS
from tests.conftest import post_form, sign_in


@pytest.mark.parametrize("name", ["name", "social_registry_folio"])
def test_registry_data_is_reviewed(name):
    assert name in LEGAL_FIELDS


def test_validated_osc_renaming_waits_for_staff(app, client, make_org, staff, db):
    org = make_org(name="Manos Unidas de Toluca", social_registry_folio="RSE-0001")
    sign_in(client, org.admin.email)
    response = post_form(client, f"/osc/{org.slug}/editar", {
        "name": "Nombre Falso de Gobierno", "municipality_code": "15106", "activities": ["IX"],
        "social_registry_folio": "RSE-9999", "mission": "Misión nueva"},
        page=f"/osc/{org.slug}/editar")
    assert response.status_code in (302, 303)
    db.session.commit()
    db.session.refresh(org)
    assert org.name == "Manos Unidas de Toluca" and org.social_registry_folio == "RSE-0001"
    assert org.mission == "Misión nueva"  # what is not registry data publishes at once
    request = services.pending_change_request(org)
    assert request is not None
    assert request.changes == {"name": "Nombre Falso de Gobierno",
                               "social_registry_folio": "RSE-9999"}
    anonymous = app.test_client()
    page = anonymous.get(f"/osc/{org.slug}").get_data(as_text=True)
    assert "Manos Unidas de Toluca" in page and "Nombre Falso de Gobierno" not in page
    assert "RSE-9999" not in page

    services.decide_change_request(staff, request, approve=True)
    db.session.commit()
    db.session.refresh(org)
    assert org.name == "Nombre Falso de Gobierno" and org.social_registry_folio == "RSE-9999"
    page = anonymous.get(f"/osc/{org.slug}").get_data(as_text=True)
    assert "Nombre Falso de Gobierno" in page


def test_staff_rename_publishes_directly(db, make_org, staff):
    org = make_org(name="Antes A.C.")
    assert services.update_profile(staff, org, {
        "name": "Después", "municipality_code": "15106", "activities": ["IX"],
        "social_registry_folio": "RSE-1"}) is None
    assert org.name == "Después" and org.social_registry_folio == "RSE-1"
