"""The personal home (/inicio) and the staff console (/personal): what each shows, who may
open them, and that each costs the same number of queries with 2 items per block as with 20
(one query per block or tile, never one per item)."""

from datetime import timedelta

import pytest

from community.core import console
from community.core.mail import queue
from community.core.models import OutgoingMail
from community.core.notifications import notify
from community.core.timeutil import utcnow
from community.events import services as events
from community.forums import moderation
from community.forums import services as forums
from community.forums.models import Category, Post
from community.profiles import services as registry
from community.profiles.models import OrganizationDocument
from tests.conftest import client_as, page_queries
from tests.events.conftest import event_form, local_text

# --- the personal home -----------------------------------------------------------------


@pytest.fixture
def news_category(db):
    category = Category(slug="vinculacion", name="Vinculación", description="Para conversar.")
    db.session.add(category)
    db.session.commit()
    return category


def add_home_items(db, person, staff, make_user, category, count: int, start: int) -> None:
    """``count`` more of everything the home shows: OSCs of the person (half of them as admin,
    with a document and a refused legal change), upcoming registrations, unread notices and
    followed topics with news."""
    author = make_user(email=f"autora{start}@ejemplo.mx")
    for n in range(start, start + count):
        admin = person if n % 2 else make_user(email=f"admin{n}@ejemplo.mx")
        org = registry.register(admin, {"name": f"Colectivo número {n}",
                                         "municipality_code": "15106", "activities": ["IX"]})
        db.session.flush()
        registry.validate(staff, org)
        if admin is not person:
            registry.decide_join(admin, registry.request_join(person, org), accept=True)
        else:
            db.session.add(OrganizationDocument(
                organization_id=org.id, kind="acta", original_name="acta.pdf",
                stored_name=f"{n:032d}.pdf", size=10, sha256="0" * 64))
            change = registry.update_profile(person, org, {
                "name": org.name, "municipality_code": "15106", "activities": ["IX"],
                "legal_name": f"Colectivo {n} A.C."})
            registry.decide_change_request(staff, change, False, "El acta no coincide.")
        starts = utcnow() + timedelta(days=3 + n)
        happening = events.create_event(staff, event_form(
            title=f"Taller número {n}", starts_at=local_text(starts),
            ends_at=local_text(starts + timedelta(hours=2))))
        events.publish(staff, happening)
        events.register(person, happening)
        notify([person], "test.notice", f"Aviso número {n}", "/eventos")
        topic = forums.create_topic(author, category, {"title": f"Pregunta número {n}",
                                                        "body": "¿Alguien sabe?"})
        db.session.flush()
        forums.subscribe(person, topic=topic)
    db.session.commit()


def test_home_costs_the_same_queries_at_2_and_20_items(app, db, make_user, staff,
                                                        news_category):
    person = make_user(email="coordinadora@ejemplo.mx", name="Coordinadora")
    add_home_items(db, person, staff, make_user, news_category, 2, 0)
    client = client_as(app, person)
    few, _ = page_queries(client, "/inicio")
    add_home_items(db, person, staff, make_user, news_category, 18, 2)
    many, _ = page_queries(client, "/inicio")
    assert len(many) == len(few), "\n".join(many)
    assert len(few) <= 10, "\n".join(few)
    page = client.get("/inicio").get_data(as_text=True)
    assert page.count('class="my-org"') == 20
    assert "Colectivo número 19" in page and "Pregunta número 19" in page


def test_home_says_what_is_due_for_each_organization(app, db, make_user, staff, make_org):
    admin = make_user(email="admin@ejemplo.mx")
    member = make_user(email="miembro@ejemplo.mx")
    validated = make_org(name="Red Validada", admin=admin)
    registry.decide_join(admin, registry.request_join(member, validated), accept=True)
    pending = make_org(name="Colectivo Pendiente", admin=admin, status="pending")
    rejected = make_org(name="Colectivo Rechazado", admin=admin, status="rejected")
    validated.confirmed_at = utcnow() - timedelta(days=350)
    change = registry.update_profile(admin, validated, {
        "name": "Red Validada", "municipality_code": "15106", "activities": ["IX"],
        "legal_name": "Red Validada A.C."})
    db.session.commit()

    page = client_as(app, admin).get("/inicio").get_data(as_text=True)
    assert "Mis organizaciones" in page
    for org in (validated, pending, rejected):
        assert f'href="/osc/{org.slug}"' in page
    assert "El personal de la Dirección revisa el registro" in page
    assert "No validada. Motivo: Faltan datos del acta." in page
    assert "Confirmación anual: vence el" in page and "Confirmar los datos" in page
    assert "esperan la revisión del personal" in page
    assert "Para llegar al siguiente nivel falta:" in page and "Misión" in page
    assert f'href="/osc/{validated.slug}/editar"' in page

    registry.decide_change_request(staff, change, False, "El acta no coincide.")
    db.session.commit()
    page = client_as(app, admin).get("/inicio").get_data(as_text=True)
    assert "El personal no aprobó los cambios a datos legales" in page
    assert "El acta no coincide." in page

    page = client_as(app, member).get("/inicio").get_data(as_text=True)
    assert "Mi organización" in page and f'href="/osc/{validated.slug}"' in page
    assert "Eres miembro de esta organización." in page
    assert f'href="/osc/{validated.slug}/editar"' not in page
    assert "Para llegar al siguiente nivel" not in page


def test_home_of_someone_without_organizations(app, make_user):
    page = client_as(app, make_user()).get("/inicio").get_data(as_text=True)
    assert "Todavía no perteneces a ninguna organización." in page
    assert 'href="/osc/registrar"' in page
    assert "No tienes registros a eventos próximos." in page
    assert "consola del personal" not in page


def test_followed_topics_leave_out_what_the_person_may_no_longer_read(app, db, make_user,
                                                                       make_org):
    admin = make_user(email="admin@ejemplo.mx")
    org = make_org(name="Red Abierta", admin=admin)
    private = Category(slug="solo-osc", name="Solo OSC", description="x", members_only=True)
    db.session.add(private)
    db.session.flush()
    author = make_user(email="autora@ejemplo.mx")
    registry.decide_join(admin, registry.request_join(author, org), accept=True)
    topic = forums.create_topic(author, private, {"title": "Tema reservado", "body": "Hola"})
    db.session.flush()
    forums.subscribe(admin, topic=topic)
    db.session.commit()
    assert "Tema reservado" in client_as(app, admin).get("/inicio").get_data(as_text=True)

    registry.deactivate(_staff(make_user), org, "Dejó de operar.")
    db.session.commit()
    assert "Tema reservado" not in client_as(app, admin).get("/inicio").get_data(as_text=True)


def _staff(make_user):
    return make_user(role="staff", email="otra-persona-del-personal@edomex.mx")


def test_home_needs_sign_in(client):
    response = client.get("/inicio")
    assert response.status_code == 302 and "/cuenta/entrar" in response.headers["Location"]


# --- the staff console -------------------------------------------------------------------


def add_console_items(db, staff, make_user, category, count: int, start: int) -> None:
    """``count`` more of what waits for staff: pending OSCs and legal changes, reported
    posts, events this week with registrations, failed mail."""
    now = utcnow()
    for n in range(start, start + count):
        admin = make_user(email=f"admin{n}@ejemplo.mx")
        registry.register(admin, {"name": f"Pendiente número {n}", "municipality_code": "15106",
                                  "activities": ["IX"]})
        org = registry.register(admin, {"name": f"Validada número {n}",
                                        "municipality_code": "15106", "activities": ["IX"]})
        db.session.flush()
        registry.validate(staff, org)
        registry.update_profile(admin, org, {"name": org.name, "municipality_code": "15106",
                                             "activities": ["IX"], "legal_name": f"V{n} A.C."})
        topic = forums.create_topic(admin, category, {"title": f"Tema número {n}",
                                                       "body": "Compra seguidores aquí"})
        db.session.flush()
        post = db.session.scalar(db.select(Post).where(Post.topic_id == topic.id))
        moderation.report_post(make_user(email=f"reporta{n}@ejemplo.mx"), post, "Es publicidad")
        happening = events.create_event(staff, event_form(
            title=f"Sesión número {n}", starts_at=local_text(now + timedelta(minutes=30)),
            ends_at=local_text(now + timedelta(minutes=90))))
        events.publish(staff, happening)
        events.register(admin, happening)
        failed = queue(f"persona{n}@ejemplo.mx", "Aviso", "Hola")
        failed.status = OutgoingMail.FAILED
    db.session.commit()


def test_console_costs_one_query_per_tile_at_2_and_20_items(app, db, make_user, staff,
                                                            news_category):
    add_console_items(db, staff, make_user, news_category, 2, 0)
    client = client_as(app, make_user(role="admin", email="jefa@edomex.mx"))
    few, _ = page_queries(client, "/personal")
    add_console_items(db, staff, make_user, news_category, 18, 2)
    many, _ = page_queries(client, "/personal")
    assert len(many) == len(few), "\n".join(many)
    counted = [t for t in console.registered() if t.counts_fn]
    assert len(few) <= len(counted) + 5, "\n".join(few)
    page = client.get("/personal").get_data(as_text=True)
    assert 'id="tile-registry"' in page and 'id="tile-moderation"' in page
    assert "Sesión número 19" in page or "Sesión número 0" in page


def test_console_shows_counts_and_links_to_every_staff_tool(app, db, make_user, staff,
                                                            news_category):
    add_console_items(db, staff, make_user, news_category, 2, 0)
    page = client_as(app, staff).get("/personal").get_data(as_text=True)
    for path in ("/personal/registro", "/personal/padron", "/foros/moderacion",
                 "/foros/gestion/categorias", "/eventos/gestion", "/eventos/nuevo",
                 "/personal/bitacora", "/personal/correo"):
        assert f'href="{path}' in page, path
    assert 'href="/admin/cuentas"' not in page.split('id="contenido"')[1]
    assert "/asistencia" in page
    assert "Organizaciones por validar" in page and "Espera desde el" in page
    assert "Sesión número 0" in page and "1 de 30 lugares confirmados" in page

    admin_page = client_as(app, make_user(role="admin")).get("/personal").get_data(as_text=True)
    assert 'id="tile-accounts"' in admin_page and 'href="/admin/cuentas"' in admin_page


@pytest.mark.parametrize("role, status", [("citizen", 403), ("staff", 200), ("admin", 200)])
def test_console_permission(app, make_user, role, status):
    assert client_as(app, make_user(role=role)).get("/personal").status_code == status


def test_console_sends_anonymous_visitors_to_sign_in(client):
    response = client.get("/personal")
    assert response.status_code == 302 and "/cuenta/entrar" in response.headers["Location"]


def test_a_module_adds_its_tile_by_registering_it(app, make_user):
    calls = []

    def counts(actor):
        calls.append(actor.id)
        return [console.Figure("Encuestas por cerrar", 7)]

    console.register_tile("surveys_test", "Encuestas", "main.home", counts, order=5)
    try:
        staff_member = make_user(role="staff")
        page = client_as(app, staff_member).get("/personal").get_data(as_text=True)
        assert 'id="tile-surveys_test"' in page and "Encuestas por cerrar" in page
        assert calls == [staff_member.id]
        assert client_as(app, make_user()).get("/personal").status_code == 403
        assert calls == [staff_member.id], "a refused person never runs a tile's query"
    finally:
        console._TILES.pop("surveys_test")


# --- the header --------------------------------------------------------------------------


@pytest.mark.parametrize("role, present, absent", [
    ("citizen", ["/inicio"], ["/personal\"", "/admin/cuentas"]),
    ("staff", ["/inicio", "/personal\""], ["/admin/cuentas"]),
    ("admin", ["/inicio", "/personal\"", "/admin/cuentas"], []),
])
def test_header_links_by_role(app, make_user, role, present, absent):
    header = client_as(app, make_user(role=role)).get("/").get_data(as_text=True)
    header = header.split('id="contenido"')[0]
    for path in present:
        assert f'href="{path}' in header, path
    for path in absent:
        assert f'href="{path}' not in header, path
    assert 'class="brand" href="/inicio"' in header


def test_anonymous_header_leads_home(client):
    header = client.get("/osc").get_data(as_text=True).split('id="contenido"')[0]
    assert 'class="brand" href="/"' in header and 'href="/inicio"' not in header
