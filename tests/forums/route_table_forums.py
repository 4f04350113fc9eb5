"""Route × role rows of the forum pages (merged into tests/test_routes_roles.ROUTES).

Placeholders, filled by :func:`forums_world` from the table's ``world`` (call it there and
merge the answer): {forum_category} (an open category), {forum_private} (a category for OSC
members only), {forum_news} (a category where only staff open topics), {forum_topic} (a topic
of {forum_private} opened by osc_member, as "<id>-<slug>"), {forum_topic_id} (its id) and
{forum_post} (its opening post). The slugs differ from ``moderation_world``'s, so both worlds
can be built together.

Every OSC role belongs to a validated OSC, so all of them read the members-only category; a
citizen does not even learn it exists (404).
"""

from community.forums import services
from community.forums.models import Category, Post
from tests.route_roles import LOGIN as _LOGIN
from tests.route_roles import ROLES as _ROLES
from tests.route_roles import expect as _expect

_DONE = 302  # a done form redirects to its page



_OSC_ROLES = {"osc_member": 200, "osc_admin": 200, "other_osc_admin": 200}
_OSC_DONE = dict.fromkeys(_OSC_ROLES, _DONE)
# The members-only category and what is in it: unknown to anonymous visitors and citizens.
_MEMBERS_200 = _expect(404, 404, 200, 200, **_OSC_ROLES)
_MEMBERS_DONE = _expect(_LOGIN, 404, _DONE, _DONE, **_OSC_DONE)

FORUM_ROUTES = {
    "forums.index": ("GET", "/foros", dict.fromkeys(_ROLES, 200)),
    "forums.category": ("GET", "/foros/{forum_private}", _MEMBERS_200),
    "forums.subscribe_category": ("POST", "/foros/{forum_category}/suscripcion",
                                  _expect(_LOGIN, _DONE, _DONE, _DONE)),
    # Only staff open topics in the announcements category.
    "forums.new_topic": ("GET", "/foros/{forum_news}/nuevo", _expect(_LOGIN, 403, 200, 200)),
    "forums.topic": ("GET", "/foros/t/{forum_topic}", _MEMBERS_200),
    "forums.post_fragment": ("GET", "/foros/p/{forum_post}/fragmento", _MEMBERS_200),
    "forums.reply": ("POST", "/foros/t/{forum_topic_id}/responder", _MEMBERS_DONE),
    "forums.subscribe_topic": ("POST", "/foros/t/{forum_topic_id}/suscripcion",
                               _MEMBERS_DONE),
    # The author (osc_member) and the moderators edit; only the author withdraws.
    "forums.edit_post": ("GET", "/foros/p/{forum_post}/editar",
                         _expect(_LOGIN, 404, 200, 200, osc_member=200, osc_admin=403,
                                 other_osc_admin=403)),
    "forums.withdraw_post": ("POST", "/foros/p/{forum_post}/retirar",
                             _expect(_LOGIN, 404, 403, 403, osc_member=_DONE, osc_admin=403,
                                     other_osc_admin=403)),
    "forums.preview": ("POST", "/foros/vista-previa", _expect(_LOGIN, 200, 200, 200)),
    "forums.mentions": ("GET", "/foros/menciones?q=osc", _expect(_LOGIN, 200, 200, 200)),
}

FORUM_POST_DATA: dict[str, dict] = {
    "forums.subscribe_category": {"subscribe": "1"},
    "forums.reply": {"body": "Nosotros hicimos el trámite el año pasado."},
    "forums.subscribe_topic": {"subscribe": "1"},
    "forums.preview": {"body": "**Hola** a todas las OSC."},
}


def forums_world(db, people: dict) -> dict:
    """The categories, topic and post the rows above need."""
    categories = {}
    for key, slug, fields in (("forum_category", "conversacion-abierta", {}),
                              ("forum_private", "solo-osc", {"members_only": True}),
                              ("forum_news", "avisos-del-personal",
                               {"staff_topics_only": True, "group": "anuncios"})):
        categories[key] = Category(slug=slug, name=slug.replace("-", " ").capitalize(),
                                   description="Para conversar.", **fields)
        db.session.add(categories[key])
    db.session.flush()
    topic = services.create_topic(people["osc_member"], categories["forum_private"], {
        "title": "Convocatoria de coinversión 2026", "body": "¿Alguien ya la revisó?"})
    db.session.flush()
    post = db.session.scalar(db.select(Post).where(Post.topic_id == topic.id))
    db.session.commit()
    return {**{key: category.slug for key, category in categories.items()},
            "forum_topic": f"{topic.id}-{topic.slug}", "forum_topic_id": topic.id,
            "forum_post": post.id}
