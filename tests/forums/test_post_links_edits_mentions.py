"""Links to posts beyond the first page, the posting rules when editing, what readers see of a
hidden post, and @mentions marked in a post's HTML."""

import pytest

from community.core.errors import PermissionDenied
from community.core.models import Notification
from community.forums import access, mentions, moderation, notices, services
from community.forums.models import Post
from tests.conftest import post_form, sign_in


def _text(response) -> str:
    return response.get_data(as_text=True)


def _client_as(app, user):
    client = app.test_client()
    assert sign_in(client, user.email).status_code == 302
    return client


def _post(db, topic, number: int) -> Post:
    return db.session.scalar(db.select(Post).where(Post.topic_id == topic.id,
                                                   Post.number == number))


# --- links to posts beyond page 1 ---------------------------------------------------------


def test_post_links_name_the_page_that_shows_the_post(db, client, make_topic, make_user):
    topic = make_topic()
    replier = make_user()
    for n in range(access.POSTS_PER_PAGE):
        services.reply(replier, topic, {"body": f"Respuesta número {n + 2}."})
    db.session.commit()
    first, last = _post(db, topic, 1), _post(db, topic, access.POSTS_PER_PAGE + 1)
    base = f"/foros/t/{topic.id}-{topic.slug}"
    assert access.post_path(first) == f"{base}#p1"
    assert access.post_path(last) == f"{base}?page=2#p{last.number}"
    page = _text(client.get(f"{base}?page=2"))
    assert f'id="p{last.number}"' in page


def test_notification_and_moderation_links_reach_the_post_on_its_page(app, db, make_topic,
                                                                      make_user, staff):
    mentioned = make_user(name="Luis Pérez")
    topic = make_topic()
    replier = make_user()
    for n in range(access.POSTS_PER_PAGE - 1):
        services.reply(replier, topic, {"body": f"Respuesta número {n + 2}."})
    late = services.reply(replier, topic, {
        "body": f"Pregúntale a @{notices.handle_of(mentioned)}"})
    db.session.commit()
    expected = f"/foros/t/{topic.id}-{topic.slug}?page=2#p{late.number}"
    notice = db.session.scalar(db.select(Notification).where(
        Notification.user_id == mentioned.id, Notification.kind == "forum.mention"))
    assert notice.url == expected
    moderation.report_post(make_user(), late, "Es publicidad.")
    db.session.commit()
    moderator = _client_as(app, make_user(role="staff"))
    queue = _text(moderator.get("/foros/moderacion"))
    assert f'href="{expected}"' in queue
    done = post_form(moderator, f"/foros/p/{late.id}/moderar", {"action": "dismiss"},
                     page="/foros/moderacion")
    assert done.status_code == 302 and done.headers["Location"].endswith(expected)


# --- editing follows the posting rules ----------------------------------------------------


def test_edit_refused_in_a_locked_topic_except_to_moderators(app, db, make_topic, make_user):
    author = make_user()
    topic = make_topic(author=author)
    first = _post(db, topic, 1)
    topic.locked = True
    db.session.commit()
    with pytest.raises(PermissionDenied) as caught:
        services.edit_post(author, first, {"body": "Texto corregido"})
    assert "Este tema está cerrado" in str(caught.value)
    client = _client_as(app, author)
    url = f"/foros/p/{first.id}/editar"
    refused = client.get(url)
    assert refused.status_code == 403 and "Este tema está cerrado" in _text(refused)
    assert post_form(client, url, {"body": "Texto corregido"}).status_code == 403
    assert url not in _text(client.get(f"/foros/t/{topic.id}-{topic.slug}"))
    services.edit_post(make_user(role="staff"), first, {"body": "Corregido por moderación"})
    db.session.commit()
    assert first.body == "Corregido por moderación"


def test_edit_refused_while_the_email_is_unconfirmed(app, db, make_topic, make_user):
    author = make_user()
    topic = make_topic(author=author)
    first = _post(db, topic, 1)
    author.email_confirmed_at = None
    db.session.commit()
    with pytest.raises(PermissionDenied) as caught:
        services.edit_post(author, first, {"body": "Texto corregido"})
    assert "Confirma tu correo electrónico" in str(caught.value)
    assert services.edit_problem(author, first) is not None
    assert first.body == "Necesitamos orientación para el trámite."


# --- a hidden post's reason is for moderators ---------------------------------------------


def test_hidden_post_reason_only_for_moderators(app, db, client, make_topic, make_user,
                                                staff):
    author = make_user()
    topic = make_topic()
    hidden = services.reply(author, topic, {"body": "Compra seguidores aquí"})
    db.session.flush()
    services.reply(make_user(), topic, {"body": "Cito lo de arriba", "quote": hidden.id})
    db.session.flush()
    moderation.hide_post(staff, hidden, "Motivo interno de moderación")
    db.session.commit()
    url = f"/foros/t/{topic.id}-{topic.slug}"
    fragment = f"/foros/p/{hidden.id}/fragmento"
    for reader in (client, _client_as(app, author), _client_as(app, make_user())):
        for page in (_text(reader.get(url)), _text(reader.get(fragment))):
            assert "Motivo interno de moderación" not in page
            assert "Compra seguidores" not in page
            assert "El equipo de moderación ocultó este mensaje" in page
    moderator_page = _text(_client_as(app, make_user(role="staff")).get(url))
    assert "Motivo interno de moderación" in moderator_page


# --- @mentions marked in the HTML ---------------------------------------------------------


def test_mentions_of_people_and_oscs_are_marked(db, make_topic, make_user, make_org):
    person = make_user(name="Ana Torres")
    org = make_org(name="Fundación Ayuda Mutua")
    pending = make_org(name="Colectivo en Trámite", status="pending")
    handle = notices.handle_of(person)
    post = services.reply(make_user(), make_topic(), {"body": (
        f"Hola @{handle} y @{org.slug}. No existe @nadie-99999; en trámite @{pending.slug}.\n\n"
        f"`@{handle}` y [enlace](https://ejemplo.mx/@{handle})")})
    db.session.commit()
    html = post.body_html
    assert f'<span class="mention">@{handle}</span>' in html
    assert f'<a class="mention" href="/osc/{org.slug}">@{org.slug}</a>' in html
    assert html.count('class="mention"') == 2
    assert f"<code>@{handle}</code>" in html and "@nadie-99999" in html


def test_mention_marking_keeps_text_escaped(db, make_user):
    person = make_user(name="Ana Torres")
    handle = notices.handle_of(person)
    html = ('<p>&lt;script&gt;alert(1)&lt;/script&gt; a&amp;b &lt;@' + handle + '&gt; '
            '<code>&amp;lt;i&amp;gt; @' + handle + '</code></p>')
    marked = mentions.link_mentions(html)
    assert marked == ('<p>&lt;script&gt;alert(1)&lt;/script&gt; a&amp;b &lt;<span '
                      f'class="mention">@{handle}</span>&gt; <code>&amp;lt;i&amp;gt; @{handle}'
                      '</code></p>')
    assert mentions.link_mentions("<p>sin menciones</p>") == "<p>sin menciones</p>"


def test_edit_marks_mentions_and_the_page_shows_them(app, db, client, make_topic, make_user,
                                                     make_org):
    org = make_org(name="Red de Voluntariado")
    author = make_user()
    topic = make_topic(author=author)
    first = _post(db, topic, 1)
    services.edit_post(author, first, {"body": f"Pregunten a @{org.slug}"})
    db.session.commit()
    page = _text(client.get(f"/foros/t/{topic.id}-{topic.slug}"))
    assert f'<a class="mention" href="/osc/{org.slug}">@{org.slug}</a>' in page
