"""The staff console's tiles: a registry each feature module writes its own tile into.

The console (``/personal``, ``community.staff``) shows what waits for staff and links to
every staff tool. It names no module: a feature package registers its tile when it is
imported (its ``console.py``, imported from its ``__init__``)::

    register_tile("moderation", _l("Moderación de los foros"), "forums.moderation_queue",
                  counts_fn=moderation_counts, order=30)

``counts_fn(actor)`` answers with a :class:`Summary` (or a plain list of :class:`Figure`)
read with **one query** of the module's own ``queries``: the console costs one query per
tile, never one per item. It runs after the console checked that ``actor`` is staff (and,
for ``role="admin"`` tiles, an admin), inside the request, so it may call ``url_for``.
A tile without ``counts_fn`` is a plain link to its tool.

Nothing here queries the database or knows a module; registering twice under one name
replaces the tile (an app built again in the same process registers the same tiles).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import url_for

from community.core.permissions import has_role


@dataclass(frozen=True)
class Figure:
    """One count on a tile: ``value`` things ``label``; ``oldest`` is when the one that has
    waited longest arrived (UTC), ``url`` where to act on them. ``attention`` marks work
    waiting (the tile shows the count highlighted while it is above zero)."""

    label: Any
    value: int
    oldest: datetime | None = None
    url: str | None = None
    attention: bool = True


@dataclass(frozen=True)
class Line:
    """One item a tile lists (an event of this week): a title with its link, when it is,
    a detail (seats, registrations) and at most one action link."""

    text: str
    url: str | None = None
    when: datetime | None = None
    detail: Any = ""
    action_label: Any = None
    action_url: str | None = None


@dataclass(frozen=True)
class Summary:
    figures: Sequence[Figure] = ()
    lines: Sequence[Line] = ()
    # Items beyond the lines shown (the tile's link leads to all of them).
    more: int = 0
    # Shown when there are no lines (e.g. "No hay eventos esta semana.").
    empty: Any = None


@dataclass(frozen=True)
class Link:
    label: Any
    endpoint: str


@dataclass(frozen=True)
class Tile:
    name: str
    title: Any
    url_endpoint: str
    counts_fn: Callable[[Any], Summary | Sequence[Figure]] | None = None
    order: int = 100
    role: str = "staff"
    description: Any = ""
    links: tuple[Link, ...] = ()

    @property
    def url(self) -> str:
        return url_for(self.url_endpoint)


@dataclass
class ShownTile:
    """A tile as one person sees it now: the registration and its figures."""

    tile: Tile
    summary: Summary = field(default_factory=Summary)

    @property
    def waiting(self) -> int:
        return sum(f.value for f in self.summary.figures if f.attention)


_TILES: dict[str, Tile] = {}


def register_tile(name: str, title, url_endpoint: str,
                  counts_fn: Callable[[Any], Summary | Sequence[Figure]] | None = None,
                  order: int = 100, role: str = "staff", description="",
                  links: Sequence[tuple[Any, str]] = ()) -> Tile:
    """Add (or replace) a tile of the staff console.

    ``title`` and ``description`` are lazy strings (``_l``); ``url_endpoint`` is the tool the
    tile opens; ``links`` are ``(label, endpoint)`` pairs of further tools; ``role`` is the
    least role that sees the tile (``"staff"`` or ``"admin"``); ``order`` sorts the tiles.
    """
    if role not in ("staff", "admin"):
        raise ValueError(f"a console tile is for staff or admin, not {role!r}")
    tile = Tile(name=name, title=title, url_endpoint=url_endpoint, counts_fn=counts_fn,
                order=order, role=role, description=description,
                links=tuple(Link(label, endpoint) for label, endpoint in links))
    _TILES[name] = tile
    return tile


def registered() -> list[Tile]:
    return sorted(_TILES.values(), key=lambda t: (t.order, t.name))


def tiles_for(actor) -> list[ShownTile]:
    """The tiles ``actor`` may see, in order, each with its figures. The caller has checked
    that ``actor`` is staff (``staff.services.console``)."""
    shown = []
    for tile in registered():
        if not has_role(actor, tile.role):
            continue
        summary = tile.counts_fn(actor) if tile.counts_fn else Summary()
        if not isinstance(summary, Summary):
            summary = Summary(figures=tuple(summary))
        shown.append(ShownTile(tile, summary))
    return shown
