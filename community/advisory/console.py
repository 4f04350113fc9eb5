"""Advisory's tile on the staff console (``community.core.console``): requests nobody has
taken yet, requests past a due date, and requests waiting for the person who asked, each
linking to the queue filtered to them; read with one query (``queries.console_counts``)."""

from flask import url_for
from flask_babel import lazy_gettext as _l

from community.advisory import queries
from community.core.console import Figure, Summary, register_tile


def _counts(actor) -> Summary:
    unassigned, overdue, waiting = queries.console_counts()
    return Summary(figures=(
        Figure(label=_l("Sin asignar"), value=unassigned,
               url=url_for("advisory.queue", estado="recibida")),
        Figure(label=_l("Vencidas"), value=overdue,
               url=url_for("advisory.queue", vencidas="1")),
        Figure(label=_l("En espera del solicitante"), value=waiting,
               url=url_for("advisory.queue", estado="en_espera"), attention=False),
    ))


register_tile("advisory", _l("Asesorías"), "advisory.queue", _counts, order=45,
              description=_l("Solicitudes de asesoría: asignarlas, darles seguimiento y "
                             "planear jornadas por municipio."),
              links=[(_l("Mapa de solicitudes"), "advisory.map")])
