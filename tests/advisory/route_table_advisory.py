"""Route × role rows of advisory (/asesorias and /personal/asesorias).

Who sees a request: staff; the account that made it; the active members of the OSC it was made
for; whoever holds its signed status link. Everyone else gets 404, the same answer as for a
folio that does not exist. Staff's pages are for staff and admin only (403 for the citizen
and the OSC roles, sign-in for an anonymous visitor).

Placeholders (a fresh world for every row, so a POST that succeeds changes nothing for the
next one):
- {adv_own}: osc_admin's own request, made as a group (not for the OSC), received.
- {adv_osc}: osc_member's request for "the" OSC, in progress (en_atencion) with an outcome
  recorded, made a month ago: osc_member and osc_admin see it, other_osc_admin does not.
- {adv_anon} and {adv_token}: an anonymous request, confirmed, and its signed status token.
- {adv_confirm}: the mailed confirmation token of an anonymous request still waiting for it.

The request form and the confirmation link answer GET and POST, and the table has one row per
endpoint: the form's row is its GET (everyone may ask, and the navigation crawl then checks
that every role can reach it); the link's row is its POST (a GET confirms nothing, and the
POST gets ``test_every_post_route_needs_csrf``). The form's POST, CSRF included, is in
tests/advisory/test_public_http.py.
"""

from datetime import timedelta as _timedelta

from community.accounts.models import User as _User
from community.advisory import services as _advisory
from community.profiles import services as _profiles
from tests.route_roles import LOGIN as _LOGIN
from tests.route_roles import ROLES as _ROLES
from tests.route_roles import expect as _expect

_EVERYONE_200 = dict.fromkeys(_ROLES, 200)
_SEE_OTHER = 303  # a public form that worked: on to the status page (or "check your mail")
_DONE = 302  # a staff action that worked: back to the case page
_STAFF_200 = _expect(_LOGIN, 403, 200, 200)
_STAFF_DONE = _expect(_LOGIN, 403, _DONE, _DONE)
_YESTERDAY = (_advisory.today() - _timedelta(days=1)).isoformat()

ADVISORY_ROUTES = {
    "advisory.guide": ("GET", "/asesorias", _EVERYONE_200),
    "advisory.request_form": ("GET", "/asesorias/solicitar?tema=cluni", _EVERYONE_200),
    # Without a request just sent in this session there is nothing to show: on to the form.
    "advisory.sent": ("GET", "/asesorias/revisa-tu-correo", dict.fromkeys(_ROLES, 302)),
    "advisory.confirm": ("POST", "/asesorias/confirmar/{adv_confirm}",
                         dict.fromkeys(_ROLES, _SEE_OTHER)),
    "advisory.status": ("GET", "/asesorias/{adv_osc}",
                        _expect(404, 404, 200, 200, osc_member=200, osc_admin=200,
                                other_osc_admin=404)),
    # The signed link speaks for the requester, whoever holds it.
    "advisory.message": ("POST", "/asesorias/{adv_anon}/mensaje?t={adv_token}",
                         dict.fromkeys(_ROLES, _SEE_OTHER)),
    # Only the requester withdraws; staff cancel from the case page, with a reason.
    "advisory.withdraw": ("POST", "/asesorias/{adv_own}/retirar",
                          _expect(404, 404, 404, 404, osc_admin=_SEE_OTHER)),
    "advisory.mine": ("GET", "/asesorias/mis-solicitudes", _expect(_LOGIN, 200, 200, 200)),
    "advisory.queue": ("GET", "/personal/asesorias?estado=en_atencion&municipio=15106",
                       _STAFF_200),
    "advisory.map": ("GET", "/personal/asesorias/mapa", _STAFF_200),
    # The OSC's members follow the request on its status page, never on staff's.
    "advisory.case": ("GET", "/personal/asesorias/{adv_osc}", _STAFF_200),
    # Nobody chosen: staff get the form back with its message (past the permission check).
    "advisory.case_assign": ("POST", "/personal/asesorias/{adv_osc}/asignar",
                             _expect(_LOGIN, 403, 422, 422)),
    "advisory.case_state": ("POST", "/personal/asesorias/{adv_osc}/estado", _STAFF_DONE),
    "advisory.case_message": ("POST", "/personal/asesorias/{adv_osc}/mensaje", _STAFF_DONE),
    "advisory.case_note": ("POST", "/personal/asesorias/{adv_osc}/nota", _STAFF_DONE),
    "advisory.case_session": ("POST", "/personal/asesorias/{adv_osc}/sesion", _STAFF_DONE),
    "advisory.case_outcome": ("POST", "/personal/asesorias/{adv_osc}/resultado", _STAFF_DONE),
    "advisory.case_conclude": ("POST", "/personal/asesorias/{adv_osc}/concluir", _STAFF_DONE),
    "advisory.case_cancel": ("POST", "/personal/asesorias/{adv_osc}/cancelar", _STAFF_DONE),
}

ADVISORY_POST_DATA = {
    "advisory.message": {"body": "¿Qué documentos llevamos a la sesión?"},
    "advisory.withdraw": {"reason": "Ya nos asesoró un despacho."},
    "advisory.case_state": {"state": "en_espera"},
    "advisory.case_message": {"body": "Les esperamos el martes en el ayuntamiento."},
    "advisory.case_note": {"body": "Llevar el formato de acta."},
    "advisory.case_session": {
        "held_on": _YESTERDAY, "modality": "municipio", "municipality_code": "15106",
        "duration_minutes": "90", "people_attended": "7", "topics": "Acta constitutiva",
        "next_steps": "Cita con la notaría."},
    "advisory.case_outcome": {"kind": "osc_constituida", "achieved_on": _YESTERDAY},
    "advisory.case_cancel": {"reason": "El grupo decidió no constituirse."},
}


def _request(actor, **overrides):
    data = {"topic": "constituir", "requester_kind": "grupo", "proposed_name": "Vecinas",
            "founders_count": "5", "organization_id": "", "municipality_code": "15106",
            "modality": "municipio", "description": "Queremos asesoría.",
            "contact_preference": "correo", "contact_name": "Solicitante",
            "contact_email": "solicitante@ejemplo.mx", "contact_phone": "", "locale": "es_MX",
            **overrides}
    return _advisory.create_request(actor, data)


def _osc_request(staff, member):
    """The member's request for their OSC, assigned and in progress with an outcome, made a
    month ago (a session may be dated yesterday)."""
    org = _profiles.organizations_of(member, validated_only=False)[0]
    req = _request(member, requester_kind="osc", organization_id=str(org.id),
                   contact_email=member.email)
    req.created_at -= _timedelta(days=30)
    _advisory.assign(staff, req, staff.id)
    _advisory.change_state(staff, req, "en_atencion")
    _advisory.record_outcome(staff, req, {"kind": "orientacion", "note": ""})
    return req


def advisory_world(db, people) -> dict:
    advisor = _User(email="asesoria.tabla@edomex.mx", name="Asesora de la tabla", role="staff")
    advisor.password_hash = "!"  # never signs in: no hash to compute
    db.session.add(advisor)
    db.session.flush()
    own = _request(people["osc_admin"], contact_email=people["osc_admin"].email)
    osc = _osc_request(advisor, people["osc_member"])
    anonymous = _request(None)
    _advisory.confirm_request(_advisory.confirmation_token(anonymous))
    waiting = _request(None, contact_email="espera@ejemplo.mx")
    db.session.commit()
    return {"adv_own": own.folio, "adv_osc": osc.folio, "adv_anon": anonymous.folio,
            "adv_token": _advisory.status_token(anonymous),
            "adv_confirm": _advisory.confirmation_token(waiting)}
