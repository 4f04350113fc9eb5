"""Route × role rows of category management (merged into tests/test_routes_roles.ROUTES).

Placeholder, filled by :func:`categories_world`: {forum_managed} (the id of a category made
for these rows; its slug differs from the other forum worlds', so all can be built together).

Only staff and admins manage categories: every other signed-in role gets 403, anonymous
visitors go to the sign-in page.
"""

from community.forums.models import Category
from tests.route_roles import LOGIN as _LOGIN
from tests.route_roles import expect as _expect

_DONE = 302  # a done form redirects to the list



_STAFF_200 = _expect(_LOGIN, 403, 200, 200)
_STAFF_DONE = _expect(_LOGIN, 403, _DONE, _DONE)

CATEGORY_ROUTES = {
    "forums.manage_categories": ("GET", "/foros/gestion/categorias", _STAFF_200),
    # Each run creates a category; the slug is derived and made unique, so repeats succeed.
    "forums.create_category": ("POST", "/foros/gestion/categorias", _STAFF_DONE),
    "forums.edit_category": ("GET", "/foros/gestion/categorias/{forum_managed}", _STAFF_200),
    # An empty order form changes nothing and returns to the list.
    "forums.reorder_categories": ("POST", "/foros/gestion/categorias/orden", _STAFF_DONE),
}

CATEGORY_POST_DATA: dict[str, dict] = {
    "forums.create_category": {"name": "Procuración de fondos", "group": "tema",
                               "position": "5"},
}


def categories_world(db, people: dict) -> dict:
    """A category for the edit row."""
    category = Category(slug="gestion-de-prueba", name="Gestión de prueba",
                        description="Para probar la gestión.", group="tema")
    db.session.add(category)
    db.session.commit()
    return {"forum_managed": category.id}
