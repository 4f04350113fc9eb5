"""Every text people write has a maximum length, checked before anything renders it: by the
form (a Spanish message next to the field, HTTP 422) and again by the service, which the
JSON API and the CLI call without a form. The forum previews (the composer's and the form's
"Vista previa" button) refuse what posting refuses, and are rate limited like posting.

A 100,000-character forum reply preview once kept a worker busy for two minutes; here it is
refused at once.
"""

import time

import pytest

from community.core.errors import ValidationError
from community.core.inputs import (
    DESCRIPTION_MAX,
    POST_MAX,
    PROFILE_TEXT_MAX,
    REASON_MAX,
)
from community.events import services as events
from community.forums import conversations, moderation
from community.forums import services as forums
from community.forums.models import Category, Post, Topic
from community.profiles import services as registry
from tests.conftest import client_as, field_error, post_form
from tests.events.conftest import event_form

HUGE = 100_000


@pytest.fixture
def topic(db, make_user):
    category = Category(slug="general", name="General", description="Para conversar.")
    db.session.add(category)
    db.session.flush()
    topic = forums.create_topic(make_user(), category, {"title": "Un tema para responder",
                                                        "body": "El primer mensaje."})
    db.session.commit()
    return topic


def _page(topic) -> str:
    return f"/foros/t/{topic.id}-{topic.slug}"


def _count(db, model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


# --- the forum previews -------------------------------------------------------------------


@pytest.mark.parametrize("size", [POST_MAX + 1, HUGE])
def test_a_reply_preview_over_the_limit_is_refused_at_once(app, db, topic, make_user, size):
    client = client_as(app, make_user())
    started = time.perf_counter()
    response = post_form(client, f"/foros/t/{topic.id}/responder",
                         {"body": "a" * size, "preview": "1"}, page=_page(topic))
    assert time.perf_counter() - started < 1
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"Escribe como máximo {POST_MAX} caracteres; ahora hay {size}." in field_error(
        body, "body")
    assert "a" * 1000 not in body.split('name="body"')[0]  # no preview of it on the page
    assert _count(db, Post) == 1


def test_the_composer_preview_over_the_limit_is_refused_at_once(app, make_user):
    client = client_as(app, make_user())
    started = time.perf_counter()
    response = post_form(client, "/foros/vista-previa", {"body": "a" * HUGE}, page="/foros")
    assert time.perf_counter() - started < 1
    assert response.status_code == 422
    assert response.get_json() == {"error": f"Escribe como máximo {POST_MAX} caracteres; "
                                            f"ahora hay {HUGE}."}


def test_new_topic_and_edit_previews_are_refused_too(app, db, topic, make_user):
    author = topic.author
    client = client_as(app, author)
    new = f"/foros/{topic.category.slug}/nuevo"
    response = post_form(client, new, {"title": "Un título suficiente", "body": "a" * HUGE,
                                       "preview": "1"}, page=new)
    assert response.status_code == 422 and "como máximo" in field_error(
        response.get_data(as_text=True), "body")
    post = db.session.scalar(db.select(Post).where(Post.topic_id == topic.id))
    edit = f"/foros/p/{post.id}/editar"
    response = post_form(client, edit, {"title": topic.title, "body": "a" * HUGE,
                                        "preview": "1"}, page=edit)
    assert response.status_code == 422 and "como máximo" in field_error(
        response.get_data(as_text=True), "body")
    assert _count(db, Topic) == 1 and post.body == "El primer mensaje."


def test_previews_have_the_posting_allowance_counted_apart(app, db, topic, make_user):
    app.config["RATELIMIT_FORUM_POST"] = "2 per minute"
    client = client_as(app, make_user())
    url = f"/foros/t/{topic.id}/responder"
    previews = [post_form(client, url, {"body": f"Vista {n}", "preview": "1"},
                          page=_page(topic)).status_code for n in range(2)]
    composer = post_form(client, "/foros/vista-previa", {"body": "Otra"}, page="/foros")
    assert previews == [200, 200] and composer.status_code == 429
    assert post_form(client, url, {"body": "Y ahora sí la publico."},
                     page=_page(topic)).status_code == 302  # posting has its own count


# --- forms: the message next to the field --------------------------------------------------


def test_forum_and_message_forms_refuse_over_long_text(app, db, topic, make_user):
    client = client_as(app, make_user())
    response = post_form(client, f"/foros/t/{topic.id}/responder",
                         {"body": "a" * (POST_MAX + 1)}, page=_page(topic))
    assert response.status_code == 422
    assert "como máximo 20000" in field_error(response.get_data(as_text=True), "body")
    new = f"/foros/{topic.category.slug}/nuevo"
    response = post_form(client, new, {"title": "t" * 201, "body": "Hola"}, page=new)
    assert response.status_code == 422
    assert "como máximo 200" in field_error(response.get_data(as_text=True), "title")
    assert _count(db, Post) == 1


def test_event_form_refuses_an_over_long_description(app, db, make_user):
    client = client_as(app, make_user(role="staff"))
    form = event_form(description="a" * (DESCRIPTION_MAX + 1))
    response = post_form(client, "/eventos/nuevo", form, page="/eventos/nuevo")
    assert response.status_code == 422
    assert "como máximo 20000" in field_error(response.get_data(as_text=True), "description")


def test_profile_form_refuses_an_over_long_mission(app, db, make_org):
    org = make_org()
    client = client_as(app, org.admin)
    page = f"/osc/{org.slug}/editar"
    response = post_form(client, page, {"name": org.name, "municipality_code": "15106",
                                        "activities": ["IX"],
                                        "mission": "a" * (PROFILE_TEXT_MAX + 1)}, page=page)
    assert response.status_code == 422
    assert "como máximo 5000" in field_error(response.get_data(as_text=True), "mission")


# --- services: the same limits without a form (API, CLI) -----------------------------------


def test_forum_services_refuse_over_long_text(db, topic, make_user):
    person = make_user()
    with pytest.raises(ValidationError) as refused:
        forums.reply(person, topic, {"body": "a" * HUGE})
    assert "como máximo 20000" in str(refused.value.errors["body"])
    with pytest.raises(ValidationError):
        forums.create_topic(person, topic.category, {"title": "Un título", "body": "a" * HUGE})
    post = db.session.scalar(db.select(Post).where(Post.topic_id == topic.id))
    with pytest.raises(ValidationError):
        forums.edit_post(topic.author, post, {"body": "a" * HUGE})
    with pytest.raises(ValidationError) as refused:
        moderation.clean_reason("a" * (moderation.REASON_MAX + 1))
    assert "reason" in refused.value.errors


def test_message_service_refuses_over_long_text(db, make_user):
    ana, luis = make_user(), make_user()
    with pytest.raises(ValidationError) as refused:
        conversations.start_conversation(ana, {"to": str(luis.id), "subject": "Hola",
                                               "body": "a" * HUGE})
    assert "body" in refused.value.errors


def test_event_services_refuse_over_long_text(db, make_user):
    staff = make_user(role="staff")
    with pytest.raises(ValidationError) as refused:
        events.create_event(staff, event_form(description="a" * HUGE))
    assert "como máximo 20000" in str(refused.value.errors["description"])
    event = events.create_event(staff, event_form())
    with pytest.raises(ValidationError) as refused:
        events.cancel(staff, event, "a" * (REASON_MAX + 1))
    assert "como máximo 2000" in str(refused.value.errors["reason"])
    assert event.status == "draft"


def test_registry_services_refuse_over_long_text(db, make_org, staff):
    org = make_org(status="pending")
    with pytest.raises(ValidationError) as refused:
        registry.update_profile(org.admin, org, {"name": org.name, "municipality_code": "15106",
                                                 "activities": ["IX"], "mission": "a" * HUGE})
    assert "mission" in refused.value.errors
    with pytest.raises(ValidationError) as refused:
        registry.reject(staff, org, "a" * (REASON_MAX + 1))
    assert "como máximo 2000" in str(refused.value.errors["reason"])
    validated = make_org()
    change = registry.update_profile(validated.admin, validated, {
        "name": validated.name, "municipality_code": "15106", "activities": ["IX"],
        "legal_name": "Nueva Razón A.C."})
    with pytest.raises(ValidationError) as refused:
        registry.decide_change_request(staff, change, approve=False,
                                       reason="a" * (REASON_MAX + 1))
    assert "reason" in refused.value.errors
