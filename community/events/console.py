"""The events' tile on the staff console (``community.core.console``): the events of this
week with their registrations, and the way to each event's attendance."""

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from community.core.console import Line, Summary, register_tile
from community.events import queries


def _seats(event: queries.WeekEvent) -> str:
    confirmed = (ngettext("%(num)d de %(capacity)d lugares confirmados",
                          "%(num)d de %(capacity)d lugares confirmados", event.confirmed,
                          capacity=event.capacity)
                 if event.capacity else
                 ngettext("%(num)d registro confirmado", "%(num)d registros confirmados",
                          event.confirmed))
    parts = [confirmed]
    if event.waitlisted:
        parts.append(ngettext("%(num)d en espera", "%(num)d en espera", event.waitlisted))
    if event.attended:
        parts.append(ngettext("%(num)d asistió", "%(num)d asistieron", event.attended))
    return " · ".join(parts)


def _week_counts(actor) -> Summary:
    events, total = queries.week_events()
    return Summary(
        more=total - len(events),
        lines=[Line(text=event.title, url=url_for("events.event", slug=event.slug),
                    when=event.starts_at, detail=_seats(event),
                    action_label=_l("Tomar asistencia"),
                    action_url=url_for("events.check_in_page", slug=event.slug))
               for event in events],
        empty=_l("No hay eventos en los próximos siete días."))


register_tile("events", _l("Eventos de esta semana"), "events.manage", _week_counts, order=40,
              description=_l("Registros y asistencia de los eventos de hoy y los próximos "
                             "seis días."),
              links=[(_l("Anunciar un evento"), "events.new")])
