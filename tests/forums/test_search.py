"""Forums in the site search: only what a visitor may read, kept in step with posting,
withdrawing, hiding, moving and restricting, through the outbox."""

from community.extensions import db as _db
from community.forums import access, moderation, search, services
from community.forums.models import Post
from community.search import index


def api(client, q, **params):
    return client.get("/api/v1/buscar", query_string={"q": q, **params}).get_json()


def hits(client, q, kind=None) -> list[dict]:
    return [h for h in api(client, q)["hits"] if kind is None or h["kind"] == kind]


def urls(client, q, kind=None) -> list[str]:
    return [h["url"] for h in hits(client, q, kind)]


def assert_no_drift(runner):
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 0, result.output


def test_topic_and_reply_are_found(client, make_topic, make_user, runner):
    topic = make_topic(title="Convocatoria de coinversión social 2026",
                       body="¿Alguien ya armó el **presupuesto** para la convocatoria?")
    services.reply(make_user(), topic, {"body": "Nosotros usamos la matriz de marco lógico."})
    _db.session.commit()
    found = hits(client, "coinversion", "topic")
    assert [h["title"] for h in found] == ["Convocatoria de coinversión social 2026"]
    assert found[0]["url"] == f"/foros/t/{topic.id}-{topic.slug}"
    assert urls(client, "presupuesto", "topic") == [found[0]["url"]]  # the opening post
    reply = hits(client, "marco logico", "post")
    assert reply and reply[0]["title"] == "Nosotros usamos la matriz de marco lógico."
    assert reply[0]["url"] == f"/foros/t/{topic.id}-{topic.slug}#p2"
    assert hits(client, "presupuesto", "post") == []  # the opening post is the topic's
    assert hits(client, "coinversion", "post") == []  # replies do not carry the topic title
    assert_no_drift(runner)


def test_members_only_categories_are_never_indexed(client, make_topic, make_category, staff,
                                                   runner):
    private = make_category("Red de OSC validadas", members_only=True)
    topic = make_topic(author=staff, category=private, title="Directorio interno de enlaces",
                       body="Solo para la red validada.")
    services.reply(staff, topic, {"body": "Agrego los teléfonos de enlace regional."})
    _db.session.commit()
    assert hits(client, "directorio interno") == []
    assert hits(client, "telefonos enlace") == []
    assert_no_drift(runner)


def test_restricting_and_opening_a_category_reindexes(db, client, make_topic, make_user,
                                                      runner):
    topic = make_topic(title="Experiencias con voluntariado universitario",
                       body="Servicio social en OSC.")
    services.reply(make_user(), topic, {"body": "Firmamos convenio con la UAEMéx."})
    db.session.commit()
    category = topic.category
    category.members_only = True
    db.session.commit()
    assert hits(client, "voluntariado universitario") == []
    assert hits(client, "convenio") == []
    category.members_only = False
    db.session.commit()
    assert len(hits(client, "voluntariado universitario", "topic")) == 1
    assert len(hits(client, "convenio", "post")) == 1
    assert_no_drift(runner)


def test_withdrawn_and_hidden_posts_leave_the_index(db, client, make_topic, make_user, staff,
                                                    runner):
    author = make_user()
    topic = make_topic(title="Dudas sobre la declaración anual",
                       body="¿Cuándo vence la declaración?")
    first = services.reply(author, topic, {"body": "Vence en febrero para las donatarias."})
    second = services.reply(make_user(), topic, {"body": "Ofrezco asesoría contable barata."})
    db.session.commit()
    assert len(hits(client, "febrero", "post")) == 1
    services.withdraw_post(author, first)
    moderation.hide_post(staff, second, "Publicidad no solicitada.")
    db.session.commit()
    assert hits(client, "febrero", "post") == []
    assert hits(client, "asesoria contable", "post") == []
    moderation.restore_post(staff, _db.session.get(Post, second.id))
    db.session.commit()
    assert len(hits(client, "asesoria contable", "post")) == 1
    assert_no_drift(runner)


def test_hidden_topic_and_its_replies_leave_and_come_back(db, client, make_topic, make_user,
                                                         staff, runner):
    topic = make_topic(title="Rifa para recaudar fondos", body="Vendemos boletos.")
    services.reply(make_user(), topic, {"body": "Revisen el permiso de Gobernación."})
    db.session.commit()
    moderation.moderate_topic(staff, topic, {"action": "hide", "reason": "Duplicado."})
    db.session.commit()
    assert hits(client, "rifa") == [] and hits(client, "gobernacion") == []
    moderation.moderate_topic(staff, topic, {"action": "restore"})
    db.session.commit()
    assert len(hits(client, "rifa", "topic")) == 1
    assert len(hits(client, "gobernacion", "post")) == 1
    assert_no_drift(runner)


def test_moving_into_a_restricted_category_removes(db, client, make_topic, make_category,
                                                   make_user, staff, runner):
    topic = make_topic(title="Alianza regional de comedores comunitarios",
                       body="Proponemos compras consolidadas.")
    services.reply(make_user(), topic, {"body": "Nos sumamos desde Chalco."})
    db.session.commit()
    private = make_category("Red de OSC validadas", members_only=True)
    moderation.move_topic(staff, topic, private.id)
    db.session.commit()
    assert hits(client, "comedores comunitarios") == []
    assert hits(client, "chalco") == []
    assert_no_drift(runner)


def test_edit_and_retitle_reach_the_index(db, client, make_topic, runner):
    topic = make_topic(title="Pregunta sobre la CLUNI", body="¿Cuánto tarda el trámite?")
    opening = _db.session.get(Post, _first_post_id(topic))
    services.edit_post(topic.author, opening, {"body": "¿Qué documentos piden en Indesol?",
                                               "title": "Requisitos para la CLUNI"})
    db.session.commit()
    assert [h["title"] for h in hits(client, "indesol", "topic")] == ["Requisitos para la CLUNI"]
    assert hits(client, "cuanto tarda") == []
    assert_no_drift(runner)


def test_a_long_reply_is_titled_by_its_first_words():
    text = "Nosotros pedimos la constancia de situación fiscal, el acta constitutiva " \
           "protocolizada y el comprobante de domicilio."
    title = search.excerpt(text)
    assert title == "Nosotros pedimos la constancia de situación fiscal, el acta constitutiva " \
                    "protocolizada y…"
    assert len(title) <= search.EXCERPT_CHARS + 1


def test_reply_beyond_the_first_page_links_to_its_page(db, make_topic, make_user):
    topic = make_topic()
    person = make_user()
    for n in range(access.POSTS_PER_PAGE + 1):
        last = services.reply(person, topic, {"body": f"Respuesta número {n}."})
    db.session.commit()
    assert access.post_path(last) == f"/foros/t/{topic.id}-{topic.slug}?page=2#p{last.number}"


def test_reindex_holds_only_public_forum_documents(db, client, make_topic, make_category,
                                                   make_user, staff, runner):
    public = make_topic(title="Taller de procuración de fondos en Toluca", body="Abierto.")
    services.reply(make_user(), public, {"body": "Procuración con empresas locales."})
    private = make_category("Red interna", members_only=True)
    make_topic(author=staff, category=private, title="Procuración interna de la red",
               body="Solo la red.")
    db.session.commit()
    assert runner.invoke(args=["search", "reindex"]).exit_code == 0
    assert {h["title"] for h in hits(client, "procuracion")} == {
        "Taller de procuración de fondos en Toluca", "Procuración con empresas locales."}
    assert not index.check()


def _first_post_id(topic) -> int:
    return next(p.id for p in _db.session.query(Post).filter_by(topic_id=topic.id, number=1))
