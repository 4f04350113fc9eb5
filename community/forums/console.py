"""The forums' tiles on the staff console (``community.core.console``): reports waiting
for the moderators, and category management."""

from flask_babel import lazy_gettext as _l

from community.core.console import Figure, register_tile
from community.forums import queries


def _moderation_counts(actor) -> list[Figure]:
    waiting = queries.reports_waiting()
    return [Figure(_l("Mensajes reportados por revisar"), waiting.posts, waiting.oldest)]


register_tile("moderation", _l("Moderación de los foros"), "forums.moderation_queue",
              _moderation_counts, order=30,
              description=_l("Los mensajes que la comunidad reportó."))
register_tile("forum_categories", _l("Categorías de los foros"), "forums.manage_categories",
              order=35, description=_l("Crear, ordenar y editar las categorías."))
