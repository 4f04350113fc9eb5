"""POST answers that redirect with something the client sent (a list filter, a "go back to"
path) never echo more than a page's own field allows into the Location header."""

from tests.conftest import post_form

HUGE = "x" * 100_000


def test_admin_list_filter_is_bounded_in_the_redirect(client, signed_in, make_user):
    signed_in(role="admin")
    other = make_user()
    response = post_form(client, f"/admin/cuentas/{other.id}/rol?q={HUGE}", {"role": "staff"},
                         page="/admin/cuentas")
    assert response.status_code == 302
    assert len(response.headers["Location"]) < 300
    response = post_form(client, f"/admin/cuentas/{other.id}/estado?q={HUGE}", {"active": "0"},
                         page="/admin/cuentas")
    assert response.status_code == 302 and len(response.headers["Location"]) < 300


def test_a_giant_next_path_goes_home(client):
    response = post_form(client, "/idioma", {"language": "en", "next": "/" + HUGE})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    response = post_form(client, "/idioma", {"language": "es_MX", "next": "/osc?q=ok"})
    assert response.headers["Location"] == "/osc?q=ok"
