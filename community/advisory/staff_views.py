"""The staff side of advisory (/personal/asesorias): the queue, one request's case page with
its actions, and the map for planning visits to the municipalities.

Views parse the request, call ``services`` (every permission and every write) or ``queries``
(the lists), and render; the one commit of a request happens here. Each action on a case is
its own POST form: on success it redirects to the case page with a message (POST-redirect-
GET); when a service refuses, the session is rolled back (nothing half-saved) and the case
page comes back with the message next to the field, HTTP 422.
"""

from collections.abc import Callable

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from community.advisory import bp, queries, services
from community.advisory.labels import (
    ACTIVITY_KINDS,
    CONTACT_PREFERENCES,
    MODALITIES,
    OUTCOMES,
    REQUESTER_KINDS,
    STATES,
    TOPICS,
    choices,
)
from community.advisory.models import OPEN_STATES
from community.advisory.staff_forms import (
    ASSIGNEE_MINE,
    ASSIGNEE_NONE,
    AssignForm,
    CancelForm,
    ConcludeForm,
    MessageForm,
    NoteForm,
    OutcomeForm,
    SessionForm,
    StateForm,
    queue_args,
)
from community.core.catalog import municipality_choices
from community.core.errors import ValidationError
from community.core.forms import attach_errors
from community.core.permissions import require_staff
from community.core.timeutil import to_local
from community.extensions import db, limiter
from community.profiles import geo

POST_LIMIT = "60 per minute"
#: Rows a queue page shows: 25 is already a long table on a phone, and each row costs about
#: half a millisecond to render (its links, labels, due date and age), most of the page.
PER_PAGE = 25
#: The states the "change state" form offers; assigning, concluding and cancelling have
#: their own forms (assigning needs a person, concluding an outcome, cancelling a reason).
STATE_FORM_TARGETS = ("en_atencion", "en_espera")
LABELS = {"topics": TOPICS, "states": STATES, "modalities": MODALITIES,
          "outcome_labels": OUTCOMES, "requester_kinds": REQUESTER_KINDS,
          "contact_preferences": CONTACT_PREFERENCES}
#: The label dictionaries the queue's rows look names up in (50 times a page each).
QUEUE_LABELS = ("topics", "states", "requester_kinds")


def _municipality_names() -> dict[str, str]:
    return dict(municipality_choices())


# --- the queue -------------------------------------------------------------------------------


def _queue_states() -> list[str]:
    """The states a request in the queue can be in (``por_confirmar`` never enters it)."""
    return [code for code in STATES if code != "por_confirmar"]


def _filter_choices(staff, places) -> dict:
    return {"estado": [(code, str(STATES[code])) for code in _queue_states()],
            "tema": choices(TOPICS),
            "municipio": list(places),
            "asignada": [(ASSIGNEE_MINE, _l("A mí")), (ASSIGNEE_NONE, _l("Sin asignar"))]
            + [(str(person_id), name) for person_id, name in staff]}


def _in_words(labels: dict) -> dict:
    """The label dictionaries with each lazy name turned into text once for this request: a
    queue page of 50 rows looks names up hundreds of times, and each lookup of a lazy name
    asks Babel for the translations again."""
    return {name: {code: str(text) for code, text in table.items()}
            for name, table in labels.items()}


def _age_in_days(req) -> int | None:
    """Whole days since the request entered the queue (Mexico City dates)."""
    if req.confirmed_at is None:
        return None
    return (services.today() - to_local(req.confirmed_at).date()).days


@bp.route("/personal/asesorias")
@login_required
def queue():
    require_staff(current_user)
    staff = services.staff_choices()
    args = queue_args(request.args, states=_queue_states(), topics=TOPICS,
                      staff_ids={person_id for person_id, _name in staff})
    filters = queries.QueueFilters(**args.filters, viewer_id=current_user.id)
    results = queries.queue(filters, args.page, PER_PAGE)
    places = municipality_choices()
    # The counts by state name the open states only: counting the concluded and cancelled
    # requests (most of the table) on every visit cost more than the page itself; they stay
    # one choice away in the state filter. Closed requests show no due date (the list shows
    # none for them), so theirs is not computed.
    body = render_template(
        "advisory/staff_queue.html", results=results, args=args,
        dues={req.id: services.due_dates(req) if req.is_open else None
              for req in results.items},
        filter_choices=_filter_choices(staff, places),
        state_counts=queries.state_counts(OPEN_STATES), queue_states=list(OPEN_STATES),
        municipality_names=dict(places), age=_age_in_days,
        page_url=lambda page: url_for("advisory.queue", **args.as_args(page=page)),
        **{**LABELS, **_in_words({name: LABELS[name] for name in QUEUE_LABELS})})
    return body, 400 if args.errors else 200


# --- one request -----------------------------------------------------------------------------


def _case(folio: str):
    """The request for staff (403 for anyone else, 404 for an unknown folio)."""
    return services.get_for_staff(current_user, folio[:40])


def _case_url(req, anchor: str | None = None) -> str:
    return url_for("advisory.case", folio=req.folio, _anchor=anchor)


def _state_choices(req) -> list[tuple[str, str]]:
    """The moves the "change state" form offers from the request's current state."""
    allowed = services.TRANSITIONS.get(req.state, ())
    return [(code, STATES[code]) for code in STATE_FORM_TARGETS if code in allowed]


def _blank_forms(req, staff) -> dict:
    """Every action form, empty (``formdata=None``: a refused POST of one form must not fill
    the others with what was posted)."""
    return {
        "assign_form": AssignForm(formdata=None, staff=staff,
                                  data={"assignee_id": str(req.assignee_id or "")}),
        "state_form": StateForm(formdata=None, allowed=_state_choices(req)),
        "message_form": MessageForm(formdata=None),
        "note_form": NoteForm(formdata=None),
        "session_form": SessionForm(formdata=None, modalities=choices(MODALITIES), data={
            "held_on": services.today().isoformat(), "modality": req.modality,
            "municipality_code": req.municipality_code}),
        "outcome_form": OutcomeForm(formdata=None, kinds=choices(OUTCOMES)),
        "conclude_form": ConcludeForm(formdata=None),
        "cancel_form": CancelForm(formdata=None),
    }


def _activity_label(item) -> str:
    """What a timeline line is, in words: a state change names both states."""
    if item.kind == "state" and item.to_state:
        return _("De «%(old)s» a «%(new)s»", old=STATES.get(item.from_state, item.from_state),
                 new=STATES.get(item.to_state, item.to_state))
    if item.kind == "message" and item.from_requester:
        return _("Mensaje de quien solicitó")
    if item.kind == "message":
        return _("Mensaje al solicitante")
    return str(ACTIVITY_KINDS.get(item.kind, item.kind))


def _case_page(req, status: int = 200, **posted):
    staff = services.staff_choices()
    forms = _blank_forms(req, staff)
    forms.update(posted)
    refused = [str(message) for form in posted.values()
               for messages in form.errors.values() for message in messages]
    return render_template(
        "advisory/staff_case.html", req=req, due=services.due_dates(req),
        timeline=services.timeline(current_user, req), sessions=list(req.sessions),
        outcomes=list(req.outcomes),
        is_open=not req.is_final and req.state != "por_confirmar",
        working=req.state in services.WORKING_STATES,
        can_conclude="concluida" in services.TRANSITIONS.get(req.state, ()),
        municipality_names=_municipality_names(), activity_label=_activity_label,
        refused=refused, **forms, **LABELS), status


@bp.route("/personal/asesorias/<folio>")
@login_required
def case(folio: str):
    return _case_page(_case(folio))


def _act(req, form, form_name: str, act: Callable[[], object], done: str, anchor: str):
    """Run one action of the case page as one unit of work: commit and redirect with
    ``done`` when the service accepts it, or roll back and show the case again with the
    service's messages next to ``form``'s fields (422)."""
    if form.validate_on_submit():
        try:
            act()
        except ValidationError as error:
            db.session.rollback()
            attach_errors(form, error)
        else:
            db.session.commit()
            flash(done, "success")
            return redirect(_case_url(req, anchor))
    return _case_page(req, 422, **{form_name: form})


@bp.route("/personal/asesorias/<folio>/asignar", methods=["POST"])
@login_required
@limiter.limit(POST_LIMIT)
def case_assign(folio: str):
    req = _case(folio)
    form = AssignForm(staff=services.staff_choices())
    return _act(req, form, "assign_form",
                lambda: services.assign(current_user, req, form.assignee_id.data),
                _("Asignamos la solicitud."), "datos")


@bp.route("/personal/asesorias/<folio>/estado", methods=["POST"])
@login_required
@limiter.limit(POST_LIMIT)
def case_state(folio: str):
    req = _case(folio)
    form = StateForm(allowed=_state_choices(req))
    return _act(req, form, "state_form",
                lambda: services.change_state(current_user, req, form.state.data or ""),
                _("Cambiamos el estado de la solicitud."), "historial")


@bp.route("/personal/asesorias/<folio>/mensaje", methods=["POST"])
@login_required
@limiter.limit(POST_LIMIT)
def case_message(folio: str):
    req = _case(folio)
    form = MessageForm()
    return _act(req, form, "message_form",
                lambda: services.post_message(current_user, req, form.body.data),
                _("Enviamos el mensaje a quien solicitó la asesoría."), "historial")


@bp.route("/personal/asesorias/<folio>/nota", methods=["POST"])
@login_required
@limiter.limit(POST_LIMIT)
def case_note(folio: str):
    req = _case(folio)
    form = NoteForm()
    return _act(req, form, "note_form",
                lambda: services.add_note(current_user, req, form.body.data),
                _("Guardamos la nota interna."), "historial")


@bp.route("/personal/asesorias/<folio>/sesion", methods=["POST"])
@login_required
@limiter.limit(POST_LIMIT)
def case_session(folio: str):
    req = _case(folio)
    form = SessionForm(modalities=choices(MODALITIES))
    return _act(req, form, "session_form",
                lambda: services.log_session(current_user, req, form.session_data()),
                _("Registramos la sesión."), "sesiones")


@bp.route("/personal/asesorias/<folio>/resultado", methods=["POST"])
@login_required
@limiter.limit(POST_LIMIT)
def case_outcome(folio: str):
    req = _case(folio)
    form = OutcomeForm(kinds=choices(OUTCOMES))
    return _act(req, form, "outcome_form",
                lambda: services.record_outcome(current_user, req, form.outcome_data()),
                _("Registramos el resultado."), "resultados")


@bp.route("/personal/asesorias/<folio>/concluir", methods=["POST"])
@login_required
@limiter.limit(POST_LIMIT)
def case_conclude(folio: str):
    req = _case(folio)
    form = ConcludeForm()
    return _act(req, form, "conclude_form", lambda: services.conclude(current_user, req),
                _("Concluimos la solicitud y avisamos a quien la pidió."), "historial")


@bp.route("/personal/asesorias/<folio>/cancelar", methods=["POST"])
@login_required
@limiter.limit(POST_LIMIT)
def case_cancel(folio: str):
    req = _case(folio)
    form = CancelForm()
    return _act(req, form, "cancel_form",
                lambda: services.change_state(current_user, req, "cancelada",
                                              form.reason.data),
                _("Cancelamos la solicitud y avisamos a quien la pidió."), "historial")


# --- the map ---------------------------------------------------------------------------------


@bp.route("/personal/asesorias/mapa", endpoint="map")
@login_required
def planning_map():
    require_staff(current_user)
    ranked = queries.municipality_pending()  # one reading of the open requests serves both
    counts = {municipality.code: total for municipality, total, _topics in ranked}
    return render_template("advisory/staff_map.html", items=geo.choropleth(counts),
                           legend=geo.legend(counts), total=sum(counts.values()),
                           ranked=ranked, topics=_in_words({"topics": TOPICS})["topics"])
