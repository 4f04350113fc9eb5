"""How a feature module joins the search: it registers a *kind*.

The search package imports no feature module; each module calls :func:`register` at import
time with the functions that turn its rows into documents. Everything the index holds comes
from here, so the index can always be rebuilt from the database.
"""

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import unescape

log = logging.getLogger(__name__)

_TAGS = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class SearchKind:
    """One kind of searchable thing (organization, event, resource, topic, post).

    ``model``: the SQLAlchemy model whose changes are tracked (its primary key is the
    object id in the outbox).
    ``documents(row)``: the documents for a row, or ``[]`` when it must not be in the index
    (e.g. an OSC that is not validated). Each document is a dict with the keys of
    ``community.search.schema`` (``title``, ``body``, ``url``, ``municipality``,
    ``municipality_name``, ``areas``, ``year``, ``visibility``...). ``id`` and ``kind`` are
    filled in by the search package.
    ``all_rows()``: every row that may have documents, for ``flask search reindex`` and
    ``flask search check`` (batched iteration is welcome).
    ``label``: the kind's name shown to people (lazy translated string).
    ``related``: other models whose changes affect this kind's documents, each with a
    function mapping a changed row to the ids of this kind's rows to re-index.
    ``snippet(body, terms)``: the kind's own snippet maker, for bodies the default one does
    not suit (a library resource's text of hundreds of pages): the passage as escaped
    ``Markup`` with the matched words in <mark>, and the page it is on (or None).
    """

    name: str
    model: type
    documents: Callable[[object], list[dict]]
    all_rows: Callable[[], Iterable[object]]
    label: object
    related: tuple[tuple[type, Callable[[object], Iterable[int]]], ...] = ()
    snippet: Callable[[str, frozenset[str]], tuple[object, int | None]] | None = None


_KINDS: dict[str, SearchKind] = {}
_AUDIENCES: list[Callable[[object], Iterable[str]]] = []


def register(kind: SearchKind) -> None:
    _KINDS[kind.name] = kind


def kinds() -> dict[str, SearchKind]:
    return dict(_KINDS)


def register_audience(labels_for: Callable[[object], Iterable[str]]) -> None:
    """Adds ``labels_for(user)``: the extra ``visibility`` labels a person may see (the
    library's readers of restricted resources...). ``search.service.visibility_for`` asks
    every registered function once per query; the user may be None or anonymous."""
    if labels_for not in _AUDIENCES:
        _AUDIENCES.append(labels_for)


def audiences(user) -> set[str]:
    """The union of the registered audiences' labels for ``user``. A function that fails
    grants nothing (the person sees less, never more) and is logged."""
    labels: set[str] = set()
    for labels_for in list(_AUDIENCES):
        try:
            labels.update(str(label) for label in labels_for(user) or ())
        except Exception:
            log.exception("search: audience %r failed; its labels are not granted",
                          labels_for)
    return labels


def kind_for_model(model: type) -> list[tuple[SearchKind, Callable | None]]:
    """The kinds a change to ``model`` affects, with the id mapper (None: the row itself)."""
    found = []
    for kind in _KINDS.values():
        if kind.model is model:
            found.append((kind, None))
        for related_model, mapper in kind.related:
            if related_model is model:
                found.append((kind, mapper))
    return found


def html_words(html: str | None) -> str:
    """The words of HTML that the allow-list already cleaned (a post, a mission), for a
    document's body: a regex is enough to drop tags the sanitizer produced itself."""
    return unescape(_TAGS.sub(" ", html or ""))
