"""Event pages: the calendar (list and month grid), the event, announcing and editing,
the program, registration buttons, my registrations and the managers' list.

Views parse the request, call ``services`` (every permission and every write) or ``queries``
(every list), and render; the one commit of a request happens here.
"""

from datetime import date

from babel.dates import format_skeleton, get_day_names
from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from community.core import uploads
from community.core.catalog import municipality_choices, municipality_name
from community.core.errors import ValidationError
from community.core.forms import attach_errors
from community.core.inputs import parse_id
from community.core.pagecache import cached_page, not_shared, personal_part, role_only
from community.core.pagination import page_arg
from community.core.permissions import has_role
from community.core.timeutil import utcnow
from community.core.web import render_form
from community.events import bp, queries, services
from community.events.fields import (
    AUDIENCES,
    CLOCK_PAGES_MAX_AGE,
    KINDS,
    MODALITIES,
    REGISTRATION_STATUSES,
    STATUSES,
    TOPICS,
)
from community.events.forms import (
    CancelEventForm,
    EventForm,
    RegisterForm,
    SessionForm,
)
from community.events.models import Event
from community.extensions import db, limiter
from community.profiles import services as profiles
from community.profiles.models import Organization

POST_LIMIT = "30 per minute"
COVER_MAX_BYTES = 5 * uploads.MB
COVER_MAX_SIDE = 1600
LABELS = {"kinds": KINDS, "modalities": MODALITIES, "audiences": AUDIENCES, "topics": TOPICS,
          "statuses": STATUSES, "registration_statuses": REGISTRATION_STATUSES}


def _event(slug: str) -> Event:
    return services.get_visible(current_user, slug)


def _event_url(event: Event, anchor: str | None = None) -> str:
    return url_for("events.event", slug=event.slug, _anchor=anchor)


def _user_municipality() -> str | None:
    return current_user.municipality_code if current_user.is_authenticated else None


# --- the calendar -------------------------------------------------------------------------


def _calendar_audience(user) -> tuple:
    """What the calendar shows a signed-in person depends on, besides the role: their
    municipality (first in the list, "solo en mi municipio") and whether they run events
    ("Gestionar eventos") (core.pagecache)."""
    return user.municipality_code, services.runs_events(user)


def _filters():
    """The calendar filters of this request, or (None, {field: message}) when one is unknown."""
    try:
        return queries.CalendarFilters.from_args(request.args), {}
    except ValidationError as error:
        return None, {name: str(message) for name, message in error.errors.items()}


def _filter_context(filters, errors) -> dict:
    """What the filter form needs, on the list and on the month grid alike."""
    args = request.args
    mine = _user_municipality()
    return dict(
        form={name: (args.get(name) or "").strip() for name in
              ("tipo", "municipio", "modalidad", "tema", "mi_municipio", "pasados")},
        errors=errors, filters=filters, municipalities=municipality_choices(),
        my_municipality=municipality_name(mine) if mine else None, **LABELS)


@bp.route("/eventos")
@cached_page("events", max_age=CLOCK_PAGES_MAX_AGE, args=queries.FILTER_ARGS,
             audience=_calendar_audience)
def calendar():
    filters, errors = _filters()
    context = _filter_context(filters, errors)
    links = _calendar_links(filters)
    if filters is None:
        return render_template("events/calendar.html", results=None, **links, **context), 400
    results = queries.calendar(filters, _user_municipality())
    return render_template(
        "events/calendar.html", results=results,
        confirmed=queries.confirmed_counts([event.id for event in results.items]),
        page_url=lambda page: url_for("events.calendar", **filters.as_args(page=page)),
        **links, **context)


def _calendar_links(filters) -> dict:
    """The same filters as a month grid and as an iCalendar feed; managers' entry point."""
    today = queries.local_today()
    args = filters.as_args(page=None, pasados=None) if filters else {}
    feed_args = filters.feed_args(_user_municipality()) if filters else {}
    return dict(month_url=url_for("events.month", year=today.year, month=today.month, **args),
                feed_url=url_for("events.calendar_feed", **feed_args),
                show_manage=services.runs_events(current_user))


@bp.route("/eventos/mes/<int:year>/<int:month>")
@cached_page("events", max_age=CLOCK_PAGES_MAX_AGE, args=queries.FILTER_ARGS,
             audience=_calendar_audience)
def month(year: int, month: int):
    if queries.month_bounds(year, month) is None:
        abort(404)
    filters, errors = _filters()
    first = date(year, month, 1)
    context = dict(_filter_context(filters, errors), first=first,
                   month_title=format_skeleton("yMMMM", first, locale=get_locale()))
    if filters is None:
        return render_template("events/month.html", days=None, list_url=None, feed_url=None,
                               **context), 400
    args = filters.as_args(page=None, pasados=None)
    previous = date(year - 1, 12, 1) if month == 1 else date(year, month - 1, 1)
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return render_template(
        "events/month.html", weeks=queries.month_weeks(year, month),
        days=queries.month_events(year, month, filters, _user_municipality()),
        today=queries.local_today(), day_names=get_day_names("wide", locale=get_locale()),
        previous_url=_month_url(previous, args), next_url=_month_url(following, args),
        list_url=url_for("events.calendar", **args),
        feed_url=url_for("events.calendar_feed", **filters.feed_args(_user_municipality())),
        **context)


def _month_url(first: date, args: dict) -> str | None:
    if queries.month_bounds(first.year, first.month) is None:
        return None
    return url_for("events.month", year=first.year, month=first.month, **args)


# --- one event ----------------------------------------------------------------------------


@bp.route("/eventos/<slug>")
@cached_page("events", max_age=CLOCK_PAGES_MAX_AGE, audience=role_only)
def event(slug: str):
    """The event, shared by everyone of a role; the registration box, the online link and the
    organizers' box are the person's own (personal parts, below). A draft is seen only by
    its organizers, so its page is never shared."""
    found = _event(slug)
    if found.status == "draft":
        not_shared()
    own = {} if current_user.is_authenticated else _personal_context(found)
    return render_template(
        "events/event.html", event=found, seats=_seats(found),
        status=services.display_status(found), started=found.starts_at <= utcnow(),
        opens_closes=services.registration_window(found),
        program=queries.program_days(found), **own, **LABELS)


def _seats(found: Event) -> dict:
    """The event's places, counted once per request (the page and its parts show them)."""
    counted = g.setdefault("event_seats", {})
    if found.id not in counted:
        counted[found.id] = services.seats(found)
    return counted[found.id]


def _personal_context(found: Event) -> dict:
    """What the event's page shows this person alone: their registration (or why they may
    not register), their link to join online, and whether they organize the event."""
    registration = services.registration_of(current_user, found)
    active = registration is not None and registration.status in services.ACTIVE
    return dict(
        registration=registration if active else None,
        attended=registration if registration and registration.checked_in_at else None,
        position=queries.waitlist_position(registration)
        if active and registration.status == "waitlisted" else None,
        problem=None if active else services.registration_problem(current_user, found),
        online_link=services.online_link(current_user, found, registration),
        register_form=RegisterForm(services.member_organizations(current_user)),
        manage=services.can_manage(current_user, found), cancel_form=CancelEventForm())


def _event_part(template: str, args: list[str]) -> dict[str, str]:
    """One of the event page's personal parts; the three share what they read (per request)."""
    known = g.setdefault("event_parts", {})
    parts = {}
    for arg in args:
        if arg not in known:
            found = db.session.get(Event, int(arg)) if arg.isdigit() else None
            known[arg] = found and dict(
                event=found, seats=_seats(found), started=found.starts_at <= utcnow(),
                **_personal_context(found), **LABELS)
        if known[arg]:
            parts[arg] = render_template(template, **known[arg])
    return parts


@personal_part("event_registration")
def _registration_part(args: list[str]) -> dict[str, str]:
    return _event_part("events/_registration.html", args)


@personal_part("event_online_link")
def _online_link_part(args: list[str]) -> dict[str, str]:
    return _event_part("events/_online_link.html", args)


@personal_part("event_manage")
def _manage_part(args: list[str]) -> dict[str, str]:
    return _event_part("events/_manage.html", args)


@bp.route("/eventos/portada/<name>")
def cover(name: str):
    return send_file(uploads.public_path(name), max_age=365 * 24 * 3600)


# --- announcing and editing ---------------------------------------------------------------


def _organization_arg() -> Organization | None:
    """The OSC of ``?osc=<slug>``, for announcing on its behalf."""
    slug = request.args.get("osc")
    return profiles.get_visible(current_user, slug) if slug else None


@bp.route("/eventos/nuevo", methods=["GET", "POST"])
@login_required
@limiter.limit(POST_LIMIT, methods=["POST"])
def new():
    organization = _organization_arg()
    if organization is None and not services.can_create(current_user):
        own = services.organizations_for(current_user)
        if len(own) == 1:
            return redirect(url_for("events.new", osc=own[0].slug))
        if own:
            return redirect(url_for("events.manage"))
    services.require_create(current_user, organization)
    form = EventForm()
    if form.validate_on_submit():
        created = _save_event(form, lambda: services.create_event(
            current_user, form.event_data(), organization))
        if created is not None:
            flash(_("Guardamos el borrador. Revísalo y publícalo cuando esté listo."),
                  "success")
            return redirect(_event_url(created))
    return render_form("events/form.html", form, event=None, organization=organization)


@bp.route("/eventos/<slug>/editar", methods=["GET", "POST"])
@login_required
@limiter.limit(POST_LIMIT, methods=["POST"])
def edit(slug: str):
    found = _event(slug)
    services.require_manage(current_user, found)
    form = EventForm() if request.method == "POST" else EventForm.for_event(found)
    if form.validate_on_submit():
        saved = _save_event(form, lambda: services.update_event(current_user, found,
                                                                 form.event_data()))
        if saved is not None:
            flash(_("Guardamos los cambios."), "success")
            return redirect(_event_url(saved))
    return render_form("events/form.html", form, event=found,
                       organization=found.organization)


def _save_event(form: EventForm, act) -> Event | None:
    """Store the cover and run the service as one act: when either refuses, every message
    goes next to its field, nothing is saved, and the form keeps what was typed."""
    errors: dict = {}
    cover = None
    upload = form.cover.data
    if upload is not None and getattr(upload, "filename", ""):
        try:
            cover = uploads.save_image(upload, field="cover", max_bytes=COVER_MAX_BYTES,
                                       max_side=COVER_MAX_SIDE, label=_l("La portada"))
        except ValidationError as error:
            errors.update(error.errors)
    try:
        saved = act()
    except ValidationError as error:
        errors.update(error.errors)
    if errors:
        db.session.rollback()
        uploads.delete_public(cover)
        attach_errors(form, ValidationError(errors))
        return None
    replaced = services.set_cover(current_user, saved, cover) if cover else None
    db.session.commit()
    uploads.delete_public(replaced)
    return saved


# --- managers' buttons --------------------------------------------------------------------


def _button(found: Event, act, done: str):
    """A one-click change: a refusal comes back to the event page as a message (303)."""
    try:
        act()
    except ValidationError as error:
        db.session.rollback()
        flash("; ".join(str(m) for m in error.errors.values()), "error")
        return redirect(_event_url(found), 303)
    db.session.commit()
    flash(done, "success")
    return redirect(_event_url(found))


@bp.route("/eventos/<slug>/publicar", methods=["POST"])
@login_required
@limiter.limit(POST_LIMIT)
def publish(slug: str):
    found = _event(slug)
    return _button(found, lambda: services.publish(current_user, found),
                   _("Publicamos el evento; ya aparece en el calendario."))


@bp.route("/eventos/<slug>/cancelar", methods=["POST"])
@login_required
@limiter.limit(POST_LIMIT)
def cancel(slug: str):
    found = _event(slug)
    return _button(found, lambda: services.cancel(current_user, found,
                                                  request.form.get("reason", "")),
                   _("Cancelamos el evento y avisamos a las personas registradas."))


@bp.route("/eventos/<slug>/concluir", methods=["POST"])
@login_required
@limiter.limit(POST_LIMIT)
def conclude(slug: str):
    found = _event(slug)
    return _button(found, lambda: services.conclude(current_user, found),
                   _("Marcamos el evento como concluido."))


# --- the program --------------------------------------------------------------------------


def _program_page(found: Event, form: SessionForm):
    return render_form("events/program.html", form, event=found,
                       program=queries.program_days(found))


@bp.route("/eventos/<slug>/programa")
@login_required
def program(slug: str):
    found = _event(slug)
    services.require_manage(current_user, found)
    return _program_page(found, SessionForm())


@bp.route("/eventos/<slug>/programa", methods=["POST"])
@login_required
@limiter.limit(POST_LIMIT)
def add_session(slug: str):
    found = _event(slug)
    services.require_manage(current_user, found)
    form = SessionForm()
    if form.validate_on_submit():
        try:
            services.add_session(current_user, found, form.session_data())
        except ValidationError as error:
            db.session.rollback()
            attach_errors(form, error)
        else:
            db.session.commit()
            flash(_("Agregamos la sesión al programa."), "success")
            return redirect(url_for("events.program", slug=found.slug))
    return _program_page(found, form)


@bp.route("/eventos/<slug>/programa/<int:session_id>/quitar", methods=["POST"])
@login_required
@limiter.limit(POST_LIMIT)
def remove_session(slug: str, session_id: int):
    found = _event(slug)
    services.remove_session(current_user, found, session_id)
    db.session.commit()
    flash(_("Quitamos la sesión del programa."), "info")
    return redirect(url_for("events.program", slug=found.slug))


# --- registration -------------------------------------------------------------------------


def _chosen_organization(value: str | None) -> Organization | None:
    """The OSC picked in "a nombre de"; the service checks the person belongs to it."""
    message = _("Solo puedes registrarte a nombre de una OSC de la que formas parte.")
    organization_id = parse_id(value, "organization", message)
    if organization_id is None:
        return None
    organization = db.session.get(Organization, organization_id)
    if organization is None:
        raise ValidationError({"organization": message})
    return organization


def _per_account() -> str:
    # The account's id: get_id() names one device session, and the limit is per person.
    return f"event-registration:{getattr(current_user, 'id', None)}"


# One allowance for registering and cancelling (each mails the person); staff clearing a
# list are not held by it.
registration_limit = limiter.shared_limit(
    lambda: current_app.config["RATELIMIT_EVENT_REGISTRATION"], scope="event-registration",
    key_func=_per_account, methods=["POST"], exempt_when=lambda: has_role(current_user, "staff"))


@bp.route("/eventos/<slug>/registro", methods=["POST"])
@login_required
@registration_limit
def register(slug: str):
    found = _event(slug)
    try:
        registration = services.register(
            current_user, found, _chosen_organization(request.form.get("organization")))
    except ValidationError as error:
        db.session.rollback()
        flash("; ".join(str(m) for m in error.errors.values()), "error")
        return redirect(_event_url(found, "registro"), 303)
    db.session.commit()
    if registration.status == "confirmed":
        flash(_("Tu lugar está confirmado. Te enviamos un correo con los detalles."),
              "success")
    else:
        flash(_("El cupo está lleno: quedaste en la lista de espera, en el lugar %(num)d. "
                "Te avisaremos si se libera un lugar.",
                num=queries.waitlist_position(registration)), "info")
    return redirect(_event_url(found, "registro"))


@bp.route("/eventos/registro/<int:registration_id>/cancelar", methods=["POST"])
@login_required
@registration_limit
def cancel_registration(registration_id: int):
    registration = services.get_registration(current_user, registration_id)
    found = registration.event
    back = url_for("events.my_registrations") if request.form.get("from") == "mine" \
        else _event_url(found, "registro")
    try:
        services.cancel_registration(current_user, registration)
    except ValidationError as error:
        db.session.rollback()
        flash("; ".join(str(m) for m in error.errors.values()), "error")
        return redirect(back, 303)
    db.session.commit()
    if registration.user_id == current_user.id:
        flash(_("Cancelamos tu registro. Gracias por liberar tu lugar."), "info")
    else:
        flash(_("Cancelamos el registro de %(name)s.", name=registration.user.name), "info")
    return redirect(back)


@bp.route("/eventos/mis-registros")
@login_required
def my_registrations():
    mine = queries.my_registrations(current_user)
    return render_template(
        "events/my_registrations.html", **mine,
        positions=queries.waitlist_positions(mine["upcoming"]),
        **LABELS)


# --- managers' list -----------------------------------------------------------------------


@bp.route("/eventos/gestion")
@login_required
def manage():
    organization_ids = services.managed_organization_ids(current_user)
    results = queries.manage_list(organization_ids, page_arg(request.args))
    return render_template(
        "events/manage.html", results=results,
        counts=queries.registration_counts([event.id for event in results.items]),
        statuses_of={event.id: services.display_status(event) for event in results.items},
        can_create_staff=services.can_create(current_user),
        organizations=services.organizations_for(current_user),
        page_url=lambda page: url_for("events.manage", page=page), **LABELS)
