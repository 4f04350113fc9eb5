"""What the guide at ``/asesorias`` shows besides its text (which lives in its template, so
it is translated like every page): the program's figures, from the Dirección General de
Participación Social's own description of the program (``../shared/seed/``), and the
library's published resources that match each step.

The library is another module: the guide finds its resources through the one search
(DESIGN.md: modules meet through core or search), as an anonymous visitor would, so the page
is the same for everyone and can be cached.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

#: Figures reported by the Dirección in its description of the program (the "Mejor
#: práctica" form): advisory sessions given and organizations constituted with that help.
FIGURES = (
    ("5,013", _l("asesorías otorgadas")),
    ("765", _l("organizaciones constituidas y formalizadas con ese apoyo")),
    ("15", _l("días que, aproximadamente, se ahorra un grupo al recibir la asesoría en su "
              "municipio")),
)

#: The words each step looks for in the library (the search folds accents and stems).
STEP_QUERIES = {
    "asesoria": "constitución asociación civil",
    "acta": "acta constitutiva",
    "rfc": "RFC SAT persona moral",
    "cluni": "CLUNI",
    "donataria": "donataria autorizada",
    "registro": "Registro Social Estatal",
}
LINKS_PER_STEP = 3


@dataclass(frozen=True)
class LibraryLink:
    title: str
    url: str


def library_links() -> dict[str, list[LibraryLink]]:
    """Up to three public resources per step, best first; a step with no good match (or no
    index at all) gets no links. Matches the search had to broaden to any one of the words
    are left out: they would point at material about something else."""
    from community.search import service

    links: dict[str, list[LibraryLink]] = {}
    for step, words in STEP_QUERIES.items():
        results = service.search(words, user=None, kind="resource", per_page=LINKS_PER_STEP)
        if not results.available or results.broadened:
            continue
        found = [LibraryLink(hit.title, hit.url) for hit in results.hits if hit.url]
        if found:
            links[step] = found
    return links
