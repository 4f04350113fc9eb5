"""Events in the platform's search: only what the public calendar shows.

Published and concluded events are searchable; drafts are private to those who manage them
and a cancelled event should not invite anyone, so both have no documents (and leave the index
as soon as they change). The online link is never indexed: it is for registered people only.
Labels are written in Spanish whatever the language of the request that triggered the
re-index, so ``flask search check`` always compares like with like.
"""


from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from community.events.fields import KINDS, TOPICS
from community.events.models import Event, EventTopic
from community.extensions import db
from community.search.registry import SearchKind, html_words, register

SEARCHABLE = ("published", "concluded")


def event_documents(event: Event) -> list[dict]:
    if event.status not in SEARCHABLE:
        return []
    with force_locale("es_MX"):
        kind = str(KINDS.get(event.kind, ""))
        topics = [str(TOPICS[topic]) for topic in event.topics if topic in TOPICS]
    body = " ".join(filter(None, [
        event.summary, html_words(event.description_html), " ".join(event.speaker_list), kind,
        " ".join(topics), event.venue]))
    return [{
        "title": event.title,
        "body": body,
        "place": event.municipality.name if event.municipality else "",
        "municipality": event.municipality_code or "",
        "areas": "",  # events have no LFFAROC activity; the area facet ignores them
        "year": str(event.starts_at.year),
        "url": f"/eventos/{event.slug}",
    }]


def all_events():
    stmt = select(Event).where(Event.status.in_(SEARCHABLE))
    return db.session.scalars(stmt.execution_options(yield_per=500))



register(SearchKind(
    name="event",
    model=Event,
    documents=event_documents,
    all_rows=all_events,
    label=_l("Eventos"),
    related=((EventTopic, lambda row: [row.event_id]),),
))
