"""Category management by staff: the services (slugs, groups, order, audit, permissions) and
the pages under /foros/gestion/categorias."""

import re

import pytest

from community.core.errors import PermissionDenied, ValidationError
from community.core.models import AuditEntry
from community.forums import categories, views
from community.forums.models import Category
from tests.conftest import post_form, sign_in

MANAGE = "/foros/gestion/categorias"


def _raw(**fields) -> dict:
    return {"name": "Procuración de fondos", "description": "Convocatorias y donantes.",
            "group": "tema", "position": "3", **fields}


def _audits(db, action: str) -> list[AuditEntry]:
    return list(db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == action)))


def _text(response) -> str:
    return response.get_data(as_text=True)


def _field_error(body: str, name: str) -> str:
    match = re.search(rf'id="{name}-error">(.*?)</p>', body, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)) if match else ""


# --- services -----------------------------------------------------------------------------


def test_create_derives_a_slug_stores_every_field_and_audits(db, staff):
    category = categories.create_category(staff, _raw(staff_topics_only="y",
                                                      members_only=""))
    db.session.commit()
    assert (category.slug, category.name, category.group, category.position) == (
        "procuracion-de-fondos", "Procuración de fondos", "tema", 3)
    assert category.staff_topics_only and not category.members_only
    [entry] = _audits(db, "forum.category_created")
    assert entry.actor_id == staff.id and entry.target_id == str(category.id)
    assert entry.details["slug"] == "procuracion-de-fondos"


def test_derived_slugs_are_unique_and_never_a_forum_path(db, staff):
    first = categories.create_category(staff, _raw())
    second = categories.create_category(staff, _raw())
    reserved = categories.create_category(staff, _raw(name="Moderación"))
    assert (first.slug, second.slug, reserved.slug) == (
        "procuracion-de-fondos", "procuracion-de-fondos-2", "moderacion-2")


@pytest.mark.parametrize("slug, message", [
    ("t", "dirección de los foros"), ("vista-previa", "dirección de los foros"),
    ("Con Espacios", "minúsculas"), ("general", "Otra categoría"),
])
def test_a_typed_slug_must_be_free_well_formed_and_not_reserved(db, staff, make_category,
                                                                slug, message):
    make_category(slug="general")
    with pytest.raises(ValidationError) as caught:
        categories.create_category(staff, _raw(slug=slug))
    assert message in str(caught.value.errors["slug"])


def test_every_fixed_forum_segment_is_reserved(app):
    """Any /foros/<segment> page added later must be reserved too, or a category could take
    its address."""
    fixed = set()
    for rule in app.url_map.iter_rules():
        parts = rule.rule.split("/")
        if rule.rule.startswith("/foros/") and "<" not in parts[2]:
            fixed.add(parts[2])
    assert fixed and fixed <= categories.RESERVED


def test_groups_are_the_boards_groups(db, staff):
    assert views.GROUPS is categories.GROUPS
    assert set(categories.GROUPS) == {"general", "region", "tema", "anuncios"}
    with pytest.raises(ValidationError) as caught:
        categories.create_category(staff, _raw(group="temas"))
    assert set(caught.value.errors) == {"group"}


def test_bad_input_names_every_field_at_once(db, staff):
    with pytest.raises(ValidationError) as caught:
        categories.create_category(staff, {"name": "x", "group": "", "position": "primero",
                                           "description": "d" * 401, "slug": "nuevo"})
    assert set(caught.value.errors) == {"name", "group", "position", "description", "slug"}
    assert db.session.scalar(db.select(db.func.count()).select_from(Category)) == 0


def test_update_audits_old_and_new_values(db, staff, make_category):
    category = make_category(name="Región Oriente", group="region")
    categories.update_category(staff, category, {
        "name": "Región Oriente", "slug": category.slug, "description": "Texcoco y Chalco.",
        "group": "region", "position": "2", "members_only": "y"})
    db.session.commit()
    assert category.members_only and category.description == "Texcoco y Chalco."
    [entry] = _audits(db, "forum.category_updated")
    assert entry.details["changes"]["members_only"] == [False, True]
    assert set(entry.details["changes"]) == {"description", "position", "members_only"}


def test_update_keeps_its_own_slug_and_refuses_another_categorys(db, staff, make_category):
    taken = make_category(slug="voluntariado")
    category = make_category(slug="fiscal")
    raw = {"name": "Fiscal y contable", "group": "tema", "slug": "fiscal"}
    assert categories.update_category(staff, category, raw).slug == "fiscal"
    with pytest.raises(ValidationError) as caught:
        categories.update_category(staff, category, {**raw, "slug": taken.slug})
    assert set(caught.value.errors) == {"slug"}


def test_reorder_sets_positions_and_audits(db, staff, make_category):
    first, second = make_category(), make_category()
    before = (first.position, second.position)
    ordered = categories.reorder_categories(staff, {first.id: "20", second.id: "10"})
    db.session.commit()
    assert [c.id for c in ordered] == [second.id, first.id]
    [entry] = _audits(db, "forum.categories_reordered")
    assert entry.details["positions"] == {str(first.id): [before[0], 20],
                                          str(second.id): [before[1], 10]}
    with pytest.raises(ValidationError) as caught:
        categories.reorder_categories(staff, {first.id: "-1"})
    assert set(caught.value.errors) == {f"position-{first.id}"}


@pytest.mark.parametrize("who", ["citizen", "osc_admin"])
def test_only_staff_manage_categories(db, make_user, make_org, make_category, who):
    person = make_user() if who == "citizen" else make_org().admin
    category = make_category()
    for attempt in (lambda: categories.create_category(person, _raw()),
                    lambda: categories.update_category(person, category, _raw()),
                    lambda: categories.reorder_categories(person, {category.id: "1"}),
                    lambda: categories.all_categories(person)):
        with pytest.raises(PermissionDenied):
            attempt()
    categories.create_category(make_user(role="admin"), _raw())


# --- pages --------------------------------------------------------------------------------


def test_staff_create_a_category_that_shows_on_the_board(db, client, make_user):
    assert sign_in(client, make_user(role="staff").email).status_code == 302
    assert "Nueva categoría" in _text(client.get(MANAGE))
    response = post_form(client, MANAGE, _raw(group="anuncios", staff_topics_only="y"),
                         page=MANAGE)
    assert response.status_code == 302 and response.headers["Location"].endswith(MANAGE)
    category = db.session.scalar(db.select(Category))
    assert category.slug == "procuracion-de-fondos" and category.staff_topics_only
    board = _text(client.get("/foros"))
    assert "Procuración de fondos" in board and 'id="grupo-anuncios"' in board
    assert 'href="/foros/gestion/categorias"' in board


def test_bad_input_is_422_with_messages_next_to_fields_and_nothing_lost(db, client,
                                                                        make_user):
    assert sign_in(client, make_user(role="staff").email).status_code == 302
    response = post_form(client, MANAGE, _raw(name="x", slug="menciones", position="diez",
                                              description="Texto que no se pierde"),
                         page=MANAGE)
    body = _text(response)
    assert response.status_code == 422
    assert "al menos 3 caracteres" in _field_error(body, "name")
    assert "dirección de los foros" in _field_error(body, "slug")
    assert "número entero" in _field_error(body, "position")
    assert "Texto que no se pierde" in body and 'value="diez"' in body
    assert db.session.scalar(db.select(db.func.count()).select_from(Category)) == 0


def test_edit_a_category_by_http(db, client, make_user, make_category):
    category = make_category(name="Valle de Toluca", group="region")
    url = f"{MANAGE}/{category.id}"
    assert sign_in(client, make_user(role="staff").email).status_code == 302
    assert "Valle de Toluca" in _text(client.get(url))
    bad = post_form(client, url, {"name": "Valle de Toluca y Lerma", "slug": category.slug,
                                  "group": "otro"}, page=url)
    assert bad.status_code == 422 and "Elige un grupo" in _field_error(_text(bad), "group")
    assert "Valle de Toluca y Lerma" in _text(bad)
    done = post_form(client, url, {"name": "Valle de Toluca y Lerma", "slug": category.slug,
                                   "group": "region", "position": "4", "members_only": "y"},
                     page=url)
    assert done.status_code == 302
    assert (category.name, category.position, category.members_only) == (
        "Valle de Toluca y Lerma", 4, True)
    assert client.get(f"{MANAGE}/999999").status_code == 404


def test_reorder_by_http(db, client, make_user, make_category):
    first, second = make_category(), make_category()
    assert sign_in(client, make_user(role="staff").email).status_code == 302
    bad = post_form(client, f"{MANAGE}/orden", {f"position-{first.id}": "x"}, page=MANAGE)
    assert bad.status_code == 422
    assert "número entero" in _field_error(_text(bad), f"position-{first.id}")
    done = post_form(client, f"{MANAGE}/orden", {f"position-{first.id}": "9",
                                                 f"position-{second.id}": "1"}, page=MANAGE)
    assert done.status_code == 302 and (first.position, second.position) == (9, 1)


def test_citizens_and_osc_admins_get_403_anonymous_the_sign_in(db, app, make_user, make_org,
                                                               make_category):
    category = make_category()
    anonymous = app.test_client()
    response = anonymous.get(MANAGE)
    assert response.status_code == 302 and "/cuenta/entrar" in response.headers["Location"]
    for person in (make_user(), make_org().admin):
        client = app.test_client()
        assert sign_in(client, person.email).status_code == 302
        assert client.get(MANAGE).status_code == 403
        assert client.get(f"{MANAGE}/{category.id}").status_code == 403
        assert post_form(client, MANAGE, _raw()).status_code == 403
        assert post_form(client, f"{MANAGE}/{category.id}", _raw()).status_code == 403
        assert 'href="/foros/gestion/categorias"' not in _text(client.get("/foros"))
    assert db.session.scalar(db.select(db.func.count()).select_from(Category)) == 1
