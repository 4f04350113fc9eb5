"""Issue 12, item 4: "Crea una gratis" on an event page, the mailed confirmation and the sign-in
after it bring a first-time person back to the event."""

import re
from urllib.parse import parse_qs, urlsplit

from community.accounts.services import find_by_email
from tests.conftest import PASSWORD, post_form


def _confirm_path(message):
    return urlsplit(re.search(r"http://\S+/cuenta/confirmar/\S+", message.body).group(0)).path


def _sign_up(client, next_value):
    page = "/cuenta/registro?next=" + next_value
    return post_form(client, "/cuenta/registro", {
        "name": "Rosa Elena Díaz", "email": "rosa@ejemplo.mx", "password": PASSWORD,
        "municipality": "15106", "accept_privacy": "y", "next": next_value,
    }, page=page)


def test_event_page_to_sign_up_to_confirmation_to_sign_in_to_event(client, make_event, outbox):
    event = make_event()
    event_path = f"/eventos/{event.slug}"
    page = client.get(event_path).get_data(as_text=True)
    sign_up_link = re.search(r'href="(/cuenta/registro[^"]*)">Crea una gratis', page).group(1)
    next_value = parse_qs(urlsplit(sign_up_link.replace("&amp;", "&")).query)["next"][0]
    assert next_value == event_path

    form = client.get(sign_up_link).get_data(as_text=True)
    assert f'name="next" type="hidden" value="{event_path}"' in form
    assert _sign_up(client, next_value).status_code == 302

    link = _confirm_path(outbox[-1])
    confirm_page = client.get(link).get_data(as_text=True)
    assert "Confirmar mi correo" in confirm_page
    response = post_form(client, link, page=link)
    assert response.status_code == 302
    sign_in_url = response.headers["Location"]
    assert urlsplit(sign_in_url).path == "/cuenta/entrar"
    assert parse_qs(urlsplit(sign_in_url).query)["next"] == [event_path]
    assert find_by_email("rosa@ejemplo.mx").email_confirmed

    sign_in_page = client.get(sign_in_url).get_data(as_text=True)
    assert f'value="{event_path}"' in sign_in_page
    response = post_form(client, "/cuenta/entrar", {
        "email": "rosa@ejemplo.mx", "password": PASSWORD, "next": event_path,
    }, page=sign_in_url)
    assert response.status_code == 302 and response.headers["Location"] == event_path


def test_a_foreign_next_never_reaches_the_mail_or_the_redirect(client, outbox):
    assert _sign_up(client, "//evil.example/x").status_code == 302
    link = _confirm_path(outbox[-1])
    response = post_form(client, link, page=link)
    assert response.headers["Location"] == "/cuenta/entrar"
    assert "evil" not in outbox[-1].body


def test_next_rides_inside_the_signed_token_not_beside_it(client, outbox):
    """The mailed link is the token alone: changing the query cannot redirect anywhere."""
    _sign_up(client, "/eventos/algo")
    link = _confirm_path(outbox[-1])
    response = post_form(client, link + "?next=//evil.example", page=link)
    assert parse_qs(urlsplit(response.headers["Location"]).query)["next"] == ["/eventos/algo"]
