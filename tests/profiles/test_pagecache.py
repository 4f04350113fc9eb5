"""Cached public pages: reused for anonymous visitors, never stale, never someone else's token."""

import re

from community.core import pagecache
from community.profiles import services
from tests.conftest import sign_in

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _token(response) -> str:
    return TOKEN.search(response.get_data(as_text=True)).group(1)


def test_anonymous_pages_are_reused_and_carry_each_visitors_token(app, make_org, monkeypatch):
    org = make_org(name="Casa de la Niñez")
    calls = []
    original = services.display_status
    monkeypatch.setattr(services, "display_status",
                        lambda *a, **k: calls.append(1) or original(*a, **k))
    first, second = app.test_client(), app.test_client()
    page_one = first.get(f"/osc/{org.slug}")
    page_two = second.get(f"/osc/{org.slug}")
    assert page_one.status_code == page_two.status_code == 200
    assert len(calls) == 1  # the second visitor got the stored page
    assert _token(page_one) != _token(page_two)
    response = second.post("/idioma", data={"csrf_token": _token(page_two), "language": "en",
                                            "next": "/"})
    assert response.status_code == 302  # the replayed token is valid for its visitor


def test_a_change_makes_the_page_fresh_at_once(app, client, make_org, db):
    org = make_org(name="Nombre Antiguo")
    assert "Nombre Antiguo" in client.get(f"/osc/{org.slug}").get_data(as_text=True)
    services.update_profile(org.admin, org, {"name": "Nombre Antiguo", "mission": "Nueva misión",
                                             "municipality_code": "15106", "activities": ["IX"]})
    db.session.commit()
    assert "Nueva misión" in client.get(f"/osc/{org.slug}").get_data(as_text=True)


def test_directory_sees_a_new_validation(app, client, make_org, staff, db):
    org = make_org(name="Recién Validada", status="pending")
    assert "Recién Validada" not in client.get("/osc").get_data(as_text=True)
    services.validate(staff, org)
    db.session.commit()
    assert "Recién Validada" in client.get("/osc").get_data(as_text=True)


def test_signed_in_people_and_flashes_bypass_the_cache(app, client, make_org):
    org = make_org()
    anonymous = app.test_client().get(f"/osc/{org.slug}").get_data(as_text=True)
    sign_in(client, org.admin.email)
    mine = client.get(f"/osc/{org.slug}").get_data(as_text=True)
    assert "Administración del perfil" in mine and "Administración del perfil" not in anonymous


def test_languages_are_cached_apart(app, make_org):
    org = make_org()
    spanish = app.test_client().get(f"/osc/{org.slug}").get_data(as_text=True)
    english = app.test_client().get(f"/osc/{org.slug}",
                                    headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'lang="es-MX"' in spanish and 'lang="en"' in english


def test_versions_rise_with_tracked_changes(app, make_org, db):
    before = pagecache.current_version("registry")
    make_org()
    assert pagecache.current_version("registry") > before
