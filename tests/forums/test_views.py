"""Forum pages through HTTP: the board, a category, a topic with its posts and reply form,
opening, replying, editing and withdrawing, subscriptions, the preview, the mention
autocomplete, the live fragment and the posting rate limit."""

import re

import pytest

from community.core import pagecache
from community.forums import access, notices, services
from community.forums.models import Post, Subscription, Topic, TopicRead
from tests.conftest import client_as, field_error, post_form


def _text(response) -> str:
    return response.get_data(as_text=True)




def _url(topic: Topic) -> str:
    return f"/foros/t/{topic.id}-{topic.slug}"


def _posts(topic: Topic) -> list[Post]:
    return list(services.db.session.scalars(
        services.select(Post).where(Post.topic_id == topic.id).order_by(Post.number)))


def _replies(db, topic, count, author=None, make_user=None):
    author = author or make_user()
    for n in range(count):
        services.reply(author, topic, {"body": f"Respuesta número {n + 2}."})
    db.session.commit()


@pytest.fixture
def member_world(db, make_org, make_user):
    """A validated OSC with an admin (who is a member), and an outsider citizen."""
    org = make_org(name="Fundación Ayuda Mutua")
    return {"org": org, "member": org.admin, "outsider": make_user(name="Persona Externa")}


# --- the board ----------------------------------------------------------------------------


def test_index_groups_categories_with_counts_and_recent_topics(client, make_category,
                                                               make_topic):
    general = make_category("Conversación general", group="general")
    make_category("Valle de Toluca", group="region")
    make_category("Procuración de fondos", group="tema")
    make_topic(category=general, title="¿Quién conoce convocatorias 2026?")
    body = _text(client.get("/foros"))
    positions = [body.index(label) for label in ("General", "Por región", "Por tema")]
    assert positions == sorted(positions)
    assert "Valle de Toluca" in body and "Procuración de fondos" in body
    assert "1 tema · 1 mensaje" in body
    assert "Temas recientes" in body and "¿Quién conoce convocatorias 2026?" in body
    assert 'href="/foros"' in body and 'aria-current="page">Foros' in body


def test_index_hides_restricted_categories_from_non_members(app, client, make_category,
                                                            make_topic, member_world):
    private = make_category("Solo para OSC", members_only=True)
    make_topic(category=private, author=member_world["member"], title="Tema privado de OSC")
    assert "Solo para OSC" not in _text(client.get("/foros"))
    outsider = client_as(app, member_world["outsider"])
    body = _text(outsider.get("/foros"))
    assert "Solo para OSC" not in body and "Tema privado de OSC" not in body
    member = client_as(app, member_world["member"])
    body = _text(member.get("/foros"))
    assert "Solo para OSC" in body and "Tema privado de OSC" in body


def test_index_counts_new_since_last_visit(app, db, make_category, make_topic, make_user):
    reader = make_user()
    category = make_category("General")
    read_topic = make_topic(category=category, title="Tema que ya leí antes")
    services.mark_read(reader, read_topic, 1)
    db.session.commit()
    make_topic(category=category, title="Tema que nunca abrí")
    _replies(db, read_topic, 2, make_user=make_user)
    body = _text(client_as(app, reader).get("/foros"))
    assert "1 tema nuevo" in body and "1 con respuestas nuevas" in body


# --- a category ---------------------------------------------------------------------------


def test_category_lists_pinned_first_then_latest_activity(client, db, make_category,
                                                          make_topic, make_user):
    category = make_category("General")
    older = make_topic(category=category, title="Tema antiguo pero fijado")
    make_topic(category=category, title="Tema intermedio de la lista")
    newest = make_topic(category=category, title="Tema con la respuesta más reciente")
    older.pinned = True
    db.session.commit()
    _replies(db, newest, 1, make_user=make_user)
    body = _text(client.get(f"/foros/{category.slug}"))
    order = [body.index(t) for t in ("Tema antiguo pero fijado",
                                     "Tema con la respuesta más reciente",
                                     "Tema intermedio de la lista")]
    assert order == sorted(order)
    assert "Fijado" in body


def test_category_paginates(client, db, make_category, make_user):
    category = make_category("Muchos temas")
    author = make_user()
    for n in range(31):
        services.create_topic(author, category, {"title": f"Tema de prueba {n:02d}",
                                                 "body": "Texto del tema."})
    db.session.commit()
    first = _text(client.get(f"/foros/{category.slug}"))
    assert "Página 1 de 2" in first and "31 temas" in first
    second = _text(client.get(f"/foros/{category.slug}?page=2"))
    assert second.count('<li class="topic-row') == 1


def test_category_marks_unread_topics(app, db, make_category, make_topic, make_user):
    reader = make_user()
    category = make_category("General")
    topic = make_topic(category=category)
    services.mark_read(reader, topic, 1)
    db.session.commit()
    _replies(db, topic, 3, make_user=make_user)
    body = _text(client_as(app, reader).get(f"/foros/{category.slug}"))
    assert "3 nuevas" in body
    assert f'href="{_url(topic)}#p2"' in body


def test_restricted_category_is_404_for_non_members(app, client, make_category, member_world):
    private = make_category("Solo para OSC", members_only=True)
    assert client.get(f"/foros/{private.slug}").status_code == 404
    assert client_as(app, member_world["outsider"]).get(
        f"/foros/{private.slug}").status_code == 404
    assert client_as(app, member_world["member"]).get(
        f"/foros/{private.slug}").status_code == 200


def test_new_topic_button_or_the_reason(app, client, make_category, make_user):
    news = make_category("Anuncios", staff_topics_only=True, group="anuncios")
    open_category = make_category("General")
    assert "Entra con tu cuenta para participar" in _text(client.get(f"/foros/{news.slug}"))
    citizen = client_as(app, make_user())
    assert "solo el personal abre temas" in _text(citizen.get(f"/foros/{news.slug}"))
    assert "Nuevo tema" in _text(citizen.get(f"/foros/{open_category.slug}"))
    unconfirmed = client_as(app, make_user(confirmed=False))
    body = _text(unconfirmed.get(f"/foros/{open_category.slug}"))
    assert "Confirma tu correo" in body and "/nuevo" not in body


def test_subscribe_and_unsubscribe_category(app, db, make_category, make_user):
    person = make_user()
    category = make_category("General")
    client = client_as(app, person)
    page = f"/foros/{category.slug}"
    response = post_form(client, f"{page}/suscripcion", {"subscribe": "1"}, page=page)
    assert response.status_code == 302
    assert services.is_subscribed(person, category=category)
    assert "Dejar de seguir la categoría" in _text(client.get(page))
    post_form(client, f"{page}/suscripcion", {"subscribe": "0"}, page=page)
    assert not services.is_subscribed(person, category=category)


# --- opening a topic ----------------------------------------------------------------------


def test_new_topic_creates_and_redirects(app, db, make_category, member_world):
    category = make_category("General")
    client = client_as(app, member_world["member"])
    page = f"/foros/{category.slug}/nuevo"
    form = _text(client.get(page))
    assert "Publicar a nombre de" in form and "Fundación Ayuda Mutua" in form
    response = post_form(client, page, {
        "title": "Buscamos aliados en Toluca", "body": "Somos una **OSC** de salud.",
        "organization": str(member_world["org"].id)}, page=page)
    topic = db.session.scalar(services.select(Topic))
    assert response.status_code == 302 and response.headers["Location"] == _url(topic)
    body = _text(client.get(_url(topic)))
    assert "<strong>OSC</strong>" in body
    assert "a nombre de" in body and f'href="/osc/{member_world["org"].slug}"' in body


def test_new_topic_bad_input_422_keeps_what_was_typed(app, db, make_category, make_user):
    category = make_category("General")
    client = client_as(app, make_user())
    page = f"/foros/{category.slug}/nuevo"
    response = post_form(client, page, {"title": "corto", "body": "Mi texto que no se pierde"},
                         page=page)
    body = _text(response)
    assert response.status_code == 422
    assert "al menos 8 caracteres" in field_error(body, "title")
    assert "Mi texto que no se pierde" in body and 'value="corto"' in body
    assert db.session.scalar(services.select(services.func.count()).select_from(Topic)) == 0


def test_new_topic_rejects_an_osc_the_person_does_not_belong_to(app, db, make_category,
                                                                member_world, make_org):
    category = make_category("General")
    other = make_org(name="Otra Organización")
    client = client_as(app, member_world["member"])
    page = f"/foros/{category.slug}/nuevo"
    response = post_form(client, page, {"title": "Un título suficiente", "body": "Texto",
                                        "organization": str(other.id)}, page=page)
    assert response.status_code == 422
    assert "Solo puedes escribir a nombre" in field_error(_text(response), "organization")


def test_new_topic_preview_saves_nothing(app, db, make_category, make_user):
    category = make_category("General")
    client = client_as(app, make_user())
    page = f"/foros/{category.slug}/nuevo"
    response = post_form(client, page, {"title": "Un título suficiente",
                                        "body": "Hola <script>alert(1)</script> **mundo**",
                                        "preview": "1"}, page=page)
    body = _text(response)
    assert response.status_code == 200
    assert "<strong>mundo</strong>" in body and "<script>alert" not in body
    assert db.session.scalar(services.select(services.func.count()).select_from(Topic)) == 0


def test_new_topic_refused_where_the_person_cannot_post(app, client, make_category,
                                                        make_user):
    news = make_category("Anuncios", staff_topics_only=True)
    assert client.get(f"/foros/{news.slug}/nuevo").status_code == 302
    assert client_as(app, make_user()).get(f"/foros/{news.slug}/nuevo").status_code == 403
    assert client_as(app, make_user(role="staff")).get(
        f"/foros/{news.slug}/nuevo").status_code == 200
    general = make_category("General")
    unconfirmed = client_as(app, make_user(confirmed=False))
    response = unconfirmed.get(f"/foros/{general.slug}/nuevo")
    assert response.status_code == 403 and "Confirma tu correo" in _text(response)


# --- a topic ------------------------------------------------------------------------------


def test_topic_redirects_to_the_canonical_address(client, make_topic):
    topic = make_topic(title="¿Cómo obtengo la CLUNI?")
    for wrong in (f"/foros/t/{topic.id}", f"/foros/t/{topic.id}-otro-nombre"):
        response = client.get(wrong + "?page=1")
        assert response.status_code == 301
        assert response.headers["Location"] == f"/foros/t/{topic.id}-como-obtengo-la-cluni?page=1"
    assert client.get(_url(topic)).status_code == 200
    assert client.get("/foros/t/999-nada").status_code == 404


def test_topic_shows_posts_with_anchors_and_live_hooks(client, db, make_topic, make_user):
    topic = make_topic()
    _replies(db, topic, 2, make_user=make_user)
    body = _text(client.get(_url(topic)))
    posts = _posts(topic)
    assert f'data-topic-id="{topic.id}"' in body and 'id="posts"' in body
    for post in posts:
        assert f'<article id="p{post.number}"' in body
        assert f'data-post-id="{post.id}"' in body
    assert "Para responder, entra con tu cuenta" in body
    assert "<time datetime=" in body


def test_topic_paginates_posts(client, db, make_topic, make_user):
    topic = make_topic()
    _replies(db, topic, access.POSTS_PER_PAGE, make_user=make_user)
    first = _text(client.get(_url(topic)))
    assert 'id="p20"' in first and 'id="p21"' not in first
    assert "Página 1 de 2" in first
    second = _text(client.get(_url(topic) + "?page=2"))
    assert 'id="p21"' in second and 'id="p1"' not in second


def test_topic_in_restricted_category_is_404_for_outsiders(app, client, make_category,
                                                           make_topic, member_world):
    private = make_category("Solo para OSC", members_only=True)
    topic = make_topic(category=private, author=member_world["member"])
    assert client.get(_url(topic)).status_code == 404
    assert client_as(app, member_world["outsider"]).get(_url(topic)).status_code == 404
    assert client_as(app, member_world["member"]).get(_url(topic)).status_code == 200


def test_hidden_topic_only_for_moderators(app, client, db, make_topic, make_user):
    topic = make_topic()
    topic.hidden = True
    db.session.commit()
    assert client.get(_url(topic)).status_code == 404
    body = _text(client_as(app, make_user(role="staff")).get(_url(topic)))
    assert "Oculto" in body


def test_reading_marks_read_and_shows_new_replies_divider(app, db, make_topic, make_user):
    reader = make_user()
    topic = make_topic()
    client = client_as(app, reader)
    assert "Nuevas respuestas" not in _text(client.get(_url(topic)))
    assert db.session.get(TopicRead, (reader.id, topic.id)).last_read_number == 1
    _replies(db, topic, 2, make_user=make_user)
    body = _text(client.get(_url(topic)))
    divider = body.index('id="nuevas"')
    assert body.index('id="p1"') < divider < body.index('id="p2"')
    db.session.expire_all()
    assert db.session.get(TopicRead, (reader.id, topic.id)).last_read_number == 3
    assert 'id="nuevas"' not in _text(client.get(_url(topic)))


def test_read_marker_stops_at_the_last_post_shown(app, db, make_topic, make_user):
    reader = make_user()
    topic = make_topic()
    _replies(db, topic, access.POSTS_PER_PAGE + 3, make_user=make_user)
    client_as(app, reader).get(_url(topic))
    assert db.session.get(TopicRead, (reader.id, topic.id)).last_read_number == 20


def test_withdrawn_and_hidden_posts_show_a_notice(app, client, db, make_topic, make_user):
    author = make_user()
    topic = make_topic()
    withdrawn = services.reply(author, topic, {"body": "Texto que retiré después"})
    hidden = services.reply(make_user(), topic, {"body": "Texto que ocultó moderación"})
    db.session.flush()
    services.withdraw_post(author, withdrawn)
    hidden.status = "hidden"
    db.session.commit()
    body = _text(client.get(_url(topic)))
    assert "Texto que retiré" not in body and "Texto que ocultó" not in body
    assert "Su autor retiró este mensaje" in body
    assert "El equipo de moderación ocultó este mensaje" in body
    staff_body = _text(client_as(app, make_user(role="staff")).get(_url(topic)))
    assert "Texto que retiré" in staff_body and "Texto que ocultó" in staff_body
    assert "Oculto por moderación: solo el personal" in staff_body


def test_own_posts_have_edit_and_withdraw_others_have_report(app, db, make_topic, make_user):
    author = make_user()
    topic = make_topic(author=author)
    other = services.reply(make_user(), topic, {"body": "Una respuesta ajena"})
    db.session.commit()
    body = _text(client_as(app, author).get(_url(topic)))
    first = _posts(topic)[0]
    assert f"/foros/p/{first.id}/editar" in body and f"/foros/p/{first.id}/retirar" in body
    assert f"/foros/p/{other.id}/editar" not in body
    assert f"/foros/p/{other.id}/reportar" in body
    assert f"/foros/p/{first.id}/reportar" not in body


def test_locked_topic_has_no_reply_form_and_refuses_replies(app, db, make_topic, make_user):
    topic = make_topic()
    topic.locked = True
    db.session.commit()
    client = client_as(app, make_user())
    body = _text(client.get(_url(topic)))
    assert "Este tema está cerrado" in body and "/responder" not in body
    response = post_form(client, f"/foros/t/{topic.id}/responder", {"body": "¿Sigue abierto?"},
                         page=_url(topic))
    assert response.status_code == 403
    assert len(_posts(topic)) == 1


def test_reply_posts_and_redirects_to_the_new_post(app, db, make_topic, make_user):
    topic = make_topic()
    client = client_as(app, make_user())
    response = post_form(client, f"/foros/t/{topic.id}/responder",
                         {"body": "Nosotros lo tramitamos en Toluca."}, page=_url(topic))
    assert response.status_code == 302
    assert response.headers["Location"] == _url(topic) + "#p2"
    assert "Nosotros lo tramitamos en Toluca." in _text(client.get(_url(topic)))


def test_reply_bad_input_422_with_message_and_nothing_lost(app, db, make_topic, make_user):
    topic = make_topic()
    client = client_as(app, make_user())
    response = post_form(client, f"/foros/t/{topic.id}/responder", {"body": "x"},
                         page=_url(topic))
    body = _text(response)
    assert response.status_code == 422
    assert "Escribe tu mensaje" in field_error(body, "body")
    assert re.search(r">\s*x</textarea>", body)
    assert len(_posts(topic)) == 1


def test_unconfirmed_email_cannot_reply(app, db, make_topic, make_user):
    topic = make_topic()
    client = client_as(app, make_user(confirmed=False))
    assert "Confirma tu correo" in _text(client.get(_url(topic)))
    response = post_form(client, f"/foros/t/{topic.id}/responder", {"body": "Hola a todos"},
                         page=_url(topic))
    assert response.status_code == 403


def test_quote_link_prefills_and_reply_shows_the_quoted_block(app, db, make_topic,
                                                             make_user):
    topic = make_topic(author=make_user(name="Ana Torres"),
                       body="El trámite tarda **tres semanas**.")
    first = _posts(topic)[0]
    client = client_as(app, make_user())
    page = _text(client.get(_url(topic)))
    assert f"cita={first.id}#responder" in page
    quoting = _text(client.get(f"{_url(topic)}?cita={first.id}"))
    assert f'value="{first.id}"' in quoting and "Citas el mensaje 1 de Ana Torres" in quoting
    assert quoting.count('name="quote"') == 1  # one field, or the browser sends the empty one
    response = post_form(client, f"/foros/t/{topic.id}/responder",
                         {"body": "Gracias por el dato.", "quote": str(first.id)},
                         page=_url(topic))
    assert response.status_code == 302
    reply = _posts(topic)[1]
    assert reply.quoted_post_id == first.id
    body = _text(client.get(_url(topic)))
    block = body[body.index('id="p2"'):]
    assert "Ana Torres escribió:" in block and "<strong>tres semanas</strong>" in block


def test_subscribe_and_unsubscribe_topic(app, db, make_topic, make_user):
    person = make_user()
    topic = make_topic()
    client = client_as(app, person)
    url = f"/foros/t/{topic.id}/suscripcion"
    assert post_form(client, url, {"subscribe": "1"}, page=_url(topic)).status_code == 302
    assert services.is_subscribed(person, topic=topic)
    assert "Dejar de seguir el tema" in _text(client.get(_url(topic)))
    post_form(client, url, {"subscribe": "0"}, page=_url(topic))
    assert db.session.scalar(services.select(services.func.count()).select_from(
        Subscription).where(Subscription.user_id == person.id)) == 0


def test_anonymous_topic_page_is_cached_and_refreshed_by_a_reply(client, db, make_topic,
                                                                 make_user):
    topic = make_topic()
    client.get(_url(topic))
    assert len(pagecache._pages) == 1
    _replies(db, topic, 1, make_user=make_user)
    assert "Respuesta número 2." in _text(client.get(_url(topic)))


# --- one post -----------------------------------------------------------------------------


def test_edit_own_post_keeps_history(app, db, make_topic, make_user):
    author = make_user()
    topic = make_topic(author=author, title="Título original del tema")
    first = _posts(topic)[0]
    client = client_as(app, author)
    url = f"/foros/p/{first.id}/editar"
    form = _text(client.get(url))
    assert "Necesitamos orientación" in form and "Título original del tema" in form
    response = post_form(client, url, {"title": "Título corregido del tema",
                                       "body": "Texto corregido"}, page=url)
    assert response.status_code == 302 and response.headers["Location"].endswith("#p1")
    body = _text(client.get(_url(topic)))
    assert "Texto corregido" in body and "editado" in body
    assert "Título corregido del tema" in body
    assert [r.body for r in services.revisions(make_user(role="staff"), first)] == [
        "Necesitamos orientación para el trámite."]


def test_edit_bad_input_422_and_others_refused(app, db, make_topic, make_user):
    author = make_user()
    topic = make_topic(author=author)
    first = _posts(topic)[0]
    url = f"/foros/p/{first.id}/editar"
    client = client_as(app, author)
    response = post_form(client, url, {"title": "Un título suficiente", "body": ""}, page=url)
    assert response.status_code == 422 and "Escribe tu mensaje" in field_error(
        _text(response), "body")
    assert client_as(app, make_user()).get(url).status_code == 403
    services.withdraw_post(author, first)
    db.session.commit()
    assert client.get(url).status_code == 403


def test_withdraw_own_post(app, db, make_topic, make_user):
    author = make_user()
    topic = make_topic()
    post = services.reply(author, topic, {"body": "Me equivoqué de tema"})
    db.session.commit()
    client = client_as(app, author)
    response = post_form(client, f"/foros/p/{post.id}/retirar", page=_url(topic))
    assert response.status_code == 302 and response.headers["Location"].endswith("#p2")
    db.session.refresh(post)
    assert post.status == "withdrawn"
    other = client_as(app, make_user())
    assert post_form(other, f"/foros/p/{_posts(topic)[0].id}/retirar",
                     page=_url(topic)).status_code == 403


def test_fragment_renders_one_post_as_the_page_does(app, client, db, make_topic, make_user):
    topic = make_topic(body="Primer **mensaje** del tema")
    first = _posts(topic)[0]
    response = client.get(f"/foros/p/{first.id}/fragmento")
    body = _text(response)
    assert response.status_code == 200 and body.lstrip().startswith('<article id="p1"')
    assert "<strong>mensaje</strong>" in body and "<html" not in body
    assert client.get("/foros/p/999/fragmento").status_code == 404


def test_fragment_respects_hidden_posts_and_restricted_categories(app, client, db,
                                                                  make_category, make_topic,
                                                                  make_user, member_world):
    topic = make_topic()
    post = services.reply(make_user(), topic, {"body": "Texto que ocultó moderación"})
    db.session.flush()
    post.status = "hidden"
    db.session.commit()
    assert "Texto que ocultó" not in _text(client.get(f"/foros/p/{post.id}/fragmento"))
    staff = client_as(app, make_user(role="staff"))
    assert "Texto que ocultó" in _text(staff.get(f"/foros/p/{post.id}/fragmento"))
    private = make_topic(category=make_category("Solo OSC", members_only=True),
                         author=member_world["member"])
    private_post = _posts(private)[0]
    assert client.get(f"/foros/p/{private_post.id}/fragmento").status_code == 404
    outsider = client_as(app, member_world["outsider"])
    assert outsider.get(f"/foros/p/{private_post.id}/fragmento").status_code == 404


# --- for forums.js ------------------------------------------------------------------------


def test_preview_returns_sanitized_html(app, client, make_user):
    assert client.post("/foros/vista-previa", data={"body": "x"}).status_code == 400
    client = client_as(app, make_user())
    response = post_form(client, "/foros/vista-previa", {
        "body": "**Hola** <script>alert(1)</script> [x](javascript:alert(1)) "
                "<img src=x onerror=alert(1)>"}, page="/foros")
    html = response.get_json()["html"]
    assert response.status_code == 200 and "<strong>Hola</strong>" in html
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html
    too_long = post_form(client, "/foros/vista-previa",
                         {"body": "a" * (services.BODY_MAX + 1)}, page="/foros")
    assert too_long.status_code == 422 and "como máximo" in too_long.get_json()["error"]


def test_mentions_offers_people_and_oscs_never_emails(app, client, db, make_user, make_org):
    luisa = make_user(name="Luisa Martínez", email="luisa.secreta@ejemplo.mx")
    make_org(name="Luces del Valle A.C.")
    make_org(name="Lumbre Pendiente", status="pending")
    assert client.get("/foros/menciones?q=lu").status_code == 302
    person = client_as(app, make_user())
    response = person.get("/foros/menciones?q=Lu")
    results = response.get_json()["results"]
    assert {"kind": "person", "handle": notices.handle_of(luisa),
            "name": "Luisa Martínez"} in results
    assert {"kind": "osc", "handle": "luces-del-valle-a-c",
            "name": "Luces del Valle A.C."} in [r | {"handle": r["handle"]} for r in results]
    assert "Lumbre" not in response.get_data(as_text=True)
    assert "@" not in response.get_data(as_text=True)
    assert person.get("/foros/menciones?q=l").get_json() == {"results": []}


def test_mentions_at_most_eight(app, make_user):
    for n in range(12):
        make_user(name=f"Mariana Número {n:02d}")
    client = client_as(app, make_user(name="Otra persona"))
    assert len(client.get("/foros/menciones?q=mariana").get_json()["results"]) == 8


# --- rate limit ---------------------------------------------------------------------------


def test_posting_is_rate_limited_per_person(app, db, make_topic, make_user):
    app.config["RATELIMIT_FORUM_POST"] = "2 per minute"
    topic = make_topic()
    client = client_as(app, make_user())
    url = f"/foros/t/{topic.id}/responder"
    statuses = [post_form(client, url, {"body": f"Respuesta {n}"}, page=_url(topic)).status_code
                for n in range(3)]
    assert statuses == [302, 302, 429]
    preview = post_form(client, url, {"body": "Solo ver", "preview": "1"}, page=_url(topic))
    assert preview.status_code == 200
    assert "Demasiados intentos" in _text(
        post_form(client, url, {"body": "Otra más"}, page=_url(topic)))
