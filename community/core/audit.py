"""Every staff decision and security event leaves an entry; services call :func:`record`."""

from typing import Any

from flask_babel import lazy_gettext as _l

from community.core.models import AuditEntry
from community.extensions import db

# What people read for each action code (the Bitácora's column and filter). A code recorded
# somewhere and missing here is shown as the code itself (see :func:`action_label`).
ACTION_LABELS: dict[str, Any] = {
    "account.activated": _l("Cuenta reactivada"),
    "account.deactivated": _l("Cuenta desactivada"),
    "account.closed": _l("Cuenta cerrada"),
    "account.created_admin": _l("Cuenta de administración creada"),
    "account.role_changed": _l("Rol de una cuenta cambiado"),
    "account.suspended": _l("Cuenta suspendida en los foros"),
    "account.suspension_lifted": _l("Suspensión levantada"),
    "advisory.assign": _l("Solicitud de asesoría asignada"),
    "advisory.conclude": _l("Asesoría concluida"),
    "advisory.created": _l("Solicitud de asesoría recibida"),
    "advisory.link": _l("OSC vinculada a una asesoría"),
    "advisory.outcome": _l("Resultado de asesoría registrado"),
    "advisory.session": _l("Sesión de asesoría registrada"),
    "advisory.state": _l("Estado de una asesoría cambiado"),
    "auth.email_changed": _l("Correo de una cuenta cambiado"),
    "auth.password_changed": _l("Contraseña cambiada"),
    "auth.password_reset": _l("Contraseña restablecida"),
    "auth.sign_in": _l("Inicio de sesión"),
    "auth.sign_in_failed": _l("Intento de inicio de sesión fallido"),
    "auth.sign_out": _l("Cierre de sesión"),
    "auth.sign_out_everywhere": _l("Cierre de sesión en todos los dispositivos"),
    "claim.approved": _l("Solicitud para administrar una OSC aprobada"),
    "claim.code_failed": _l("Código incorrecto al solicitar administrar una OSC"),
    "claim.code_sent": _l("Código para administrar una OSC enviado"),
    "claim.code_verified": _l("Código verificado; la solicitud pasa al personal"),
    "claim.document_sent": _l("Documento enviado para administrar una OSC"),
    "claim.expired": _l("Solicitud para administrar una OSC vencida"),
    "claim.refused": _l("Solicitud para administrar una OSC rechazada"),
    "claim.withdrawn": _l("Solicitud para administrar una OSC retirada"),
    "event.cancel": _l("Evento cancelado"),
    "event.conclude": _l("Evento concluido"),
    "event.create": _l("Evento creado"),
    "event.publish": _l("Evento publicado"),
    "event.update": _l("Evento modificado"),
    "forum.categories_reordered": _l("Categorías del foro reordenadas"),
    "forum.category_created": _l("Categoría del foro creada"),
    "forum.category_updated": _l("Categoría del foro modificada"),
    "forum.post_hidden": _l("Mensaje del foro ocultado"),
    "forum.post_reported": _l("Mensaje del foro reportado"),
    "forum.post_restored": _l("Mensaje del foro restaurado"),
    "forum.reports_dismissed": _l("Reportes descartados"),
    "forum.topic_moved": _l("Tema del foro movido"),
    "forum.topic_locked": _l("Tema del foro cerrado"),
    "forum.topic_unlocked": _l("Tema del foro reabierto"),
    "forum.topic_pinned": _l("Tema del foro fijado"),
    "forum.topic_unpinned": _l("Tema del foro desfijado"),
    "forum.topic_hidden": _l("Tema del foro ocultado"),
    "forum.topic_restored": _l("Tema del foro restaurado"),
    "indicator.export": _l("Exportación de indicadores"),
    "indicator.goal": _l("Meta de indicador fijada"),
    "indicator.history": _l("Serie histórica de indicador capturada"),
    "library.create": _l("Recurso de la biblioteca creado"),
    "library.file": _l("Nueva versión del PDF"),
    "library.publish": _l("Recurso de la biblioteca publicado"),
    "library.series": _l("Serie de la biblioteca guardada"),
    "library.subject": _l("Tema de la biblioteca guardado"),
    "library.toc": _l("Índice modificado"),
    "library.update": _l("Recurso de la biblioteca modificado"),
    "library.withdraw": _l("Recurso de la biblioteca retirado"),
    "membership.accepted": _l("Solicitud de membresía aceptada"),
    "membership.invitation_accepted": _l("Invitación aceptada"),
    "membership.invited": _l("Persona invitada a una OSC"),
    "membership.removed": _l("Integrante retirado de una OSC"),
    "membership.role_changed": _l("Rol de integrante cambiado"),
    "organization.change_approved": _l("Cambio legal aprobado"),
    "organization.change_rejected": _l("Cambio legal rechazado"),
    "organization.confirmed": _l("OSC confirmó sus datos"),
    "organization.deactivated": _l("OSC dada de baja del padrón"),
    "organization.document_added": _l("Documento agregado a una OSC"),
    "organization.registered": _l("OSC registrada"),
    "organization.rejected": _l("OSC rechazada"),
    "organization.validated": _l("OSC validada"),
    "privacy.accepted": _l("Aviso de privacidad aceptado"),
    "registry.import_analysed": _l("Padrón importado: revisión previa"),
    "registry.import_applied": _l("Padrón importado: cambios aplicados"),
    "survey.close": _l("Encuesta cerrada"),
    "survey.create": _l("Encuesta creada"),
    "survey.duplicate": _l("Encuesta duplicada"),
    "survey.open": _l("Encuesta abierta"),
    "survey.update": _l("Encuesta modificada"),
}


def action_label(code: str) -> str:
    """The label people read for an action code; an unknown code is shown as itself."""
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def action_choices() -> list[tuple[str, str]]:
    """(code, label) for the Bitácora's filter, in the order of the labels."""
    return sorted(((code, str(label)) for code, label in ACTION_LABELS.items()),
                  key=lambda pair: pair[1].casefold())


def record(
    action: str,
    actor=None,
    target=None,
    ip: str | None = None,
    **details: Any,
) -> AuditEntry:
    """Add an audit entry to the current transaction, so it commits or rolls back with the act."""
    entry = AuditEntry(
        action=action,
        actor_id=getattr(actor, "id", None),
        target_type=type(target).__name__.lower() if target is not None else None,
        target_id=str(target.id) if target is not None else None,
        ip=ip,
        details=details,
    )
    db.session.add(entry)
    return entry
