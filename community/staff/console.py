"""The staff console's own tiles: the registry's validation queue and padrón, the mail outbox
and the audit trail (pages of this blueprint). Other modules register theirs in their own
``console.py`` (``community.core.console``)."""

from flask import url_for
from flask_babel import lazy_gettext as _l

from community.core import mail
from community.core.console import Figure, register_tile
from community.core.periods import local_today, year_to_date
from community.profiles import claims
from community.profiles import queries as registry
from community.staff import figures
from community.staff.indicators import REGISTRY


def _registry_counts(actor) -> list[Figure]:
    waiting = registry.registry_waiting()
    queue = url_for("staff.registry_queue")
    return [
        Figure(_l("Organizaciones por validar"), waiting.pending, waiting.oldest_pending,
               queue + "#pending-title"),
        Figure(_l("Cambios legales por revisar"), waiting.changes, waiting.oldest_change,
               queue + "#changes-title"),
        Figure(_l("Solicitudes para administrar una OSC"), *claims.waiting_for_staff(),
               queue + "#claims-title"),
    ]


def _padron_counts(actor) -> list[Figure]:
    validated, stale = registry.registry_size()
    return [Figure(_l("OSC validadas en el padrón"), validated, attention=False),
            Figure(_l("Con la confirmación anual vencida"), stale, attention=False)]


def _mail_counts(actor) -> list[Figure]:
    counts = mail.outbox_counts(actor)
    return [Figure(_l("Correos fallidos"), counts["failed"]),
            Figure(_l("Correos por enviar"), counts["pending"], counts["oldest_pending"],
                   attention=False),
            Figure(_l("En reintento"), counts["retrying"], attention=False)]


register_tile("registry", _l("Validación del padrón"), "staff.registry_queue",
              _registry_counts, order=10,
              description=_l("Registros nuevos de OSC y cambios a sus datos legales."))
register_tile("padron", _l("Exportar el padrón"), "staff.registry_export_page",
              _padron_counts, order=20,
              description=_l("El padrón de OSC validadas en Excel, CSV o JSON, con filtros."))
def _indicator_counts(actor) -> list[Figure]:
    """The same question as the indicators' cards (this year to date and last year's), so
    the tile reads the figure the background refresh keeps instead of counting again."""
    this, previous = year_to_date(local_today())
    shown = ("asesorias-otorgadas", "personas-capacitadas")
    return [Figure(_l("%(name)s en el año", name=REGISTRY[key].name),
                   figures.values(REGISTRY[key], [this, previous])[0] or 0, attention=False)
            for key in shown]


register_tile("indicators", _l("Indicadores de resultados"), "staff.indicators",
              _indicator_counts, order=70,
              description=_l("Las cifras del programa del año a la fecha contra el año "
                             "anterior, con su método, metas y exportaciones."))
register_tile("mail", _l("Correo saliente"), "staff.mail_outbox", _mail_counts, order=80,
              description=_l("Los correos que esperan al servidor y los que fallaron."))
register_tile("audit", _l("Bitácora"), "staff.audit_log", order=90,
              description=_l("Cada decisión del personal y cada acceso queda registrado."))
