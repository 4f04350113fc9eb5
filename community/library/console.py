"""The library's tile on the staff console (``community.core.console``): drafts waiting to be
published, files whose text is still being read, and files without searchable text."""

from flask import url_for
from flask_babel import lazy_gettext as _l

from community.core.console import Figure, Summary, register_tile
from community.library import manage_queries


def _counts(actor) -> Summary:
    counts = manage_queries.console_counts()
    return Summary(figures=(
        Figure(label=_l("Borradores"), value=counts.drafts,
               url=url_for("library.manage", estado="draft")),
        Figure(label=_l("PDF en espera de extraer su texto"), value=counts.waiting,
               url=url_for("library.manage", archivo="en-proceso"), attention=False),
        Figure(label=_l("PDF sin texto buscable"), value=counts.no_text,
               url=url_for("library.manage", archivo="sin-texto")),
    ))


register_tile("library", _l("Biblioteca"), "library.manage", _counts, order=50,
              description=_l("Publicaciones, sus PDF y el texto que se busca en ellos."),
              links=[(_l("Nuevo recurso"), "library.manage_new"),
                     (_l("Temas"), "library.manage_subjects")])
