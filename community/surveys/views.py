"""The respondent's side of surveys: answering (by invitation link or by the survey's own
link), the thanks page, the signed-in person's pending surveys and the published results.

Views parse the request, call ``services`` (who may answer, validation, the once-only write)
and render; the one commit of a request happens here. Answering pages may carry an
invitation token in their URL, so they are never cached and never send a Referer.

Anonymous visitors of a public survey carry a random cookie (``survey_anon``): its SHA-256
is what the services store to refuse a second answer from the same browser, and answers
from anonymous visitors are rate-limited per address. The page says both.
"""

import hashlib
import re
import secrets

from flask import (
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user

from community.core.errors import NotFound, PermissionDenied, ValidationError
from community.errors import error_response
from community.extensions import db, limiter
from community.surveys import answer_form, bp, charts, labels, results, services

KEY_MAX = 120  # slugs and tokens are shorter; longer input is neither
ANON_COOKIE = "survey_anon"
ANON_COOKIE_DAYS = 400  # browsers cap cookie lifetimes at about 400 days
ANON_VALUE = re.compile(r"[A-Za-z0-9_-]{32,64}")
THANKS_KEY = "survey_answered"
PRIVATE_HEADERS = {"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer",
                   "X-Robots-Tag": "noindex"}
#: What S-D's partial surveys/_results.html formats with (the staff page passes the same).
RESULTS_HELPERS = {"percent": charts.percent, "decimal": charts.decimal,
                   "signed": charts.signed, "question_kinds": labels.QUESTION_KINDS,
                   "hidden_message": results.HIDDEN_MESSAGE}
UNAVAILABLE_STATUS = {"closed": 410, "not_open": 403, "answered": 409, "refused": 403}


def _actor():
    """The acting person for the services: None for an anonymous visitor."""
    return current_user if current_user.is_authenticated else None


def _private(body, status: int = 200):
    response = current_app.make_response((body, status))
    response.headers.update(PRIVATE_HEADERS)
    return response


def _not_found():
    body, status = error_response(404)
    return _private(body, status)


# --- who is answering ---------------------------------------------------------------------


class Visit:
    """The survey this URL names, the invitation its token is (if it is one), and the
    anonymous visitor's cookie key (public surveys, no account, no token)."""

    def __init__(self, survey, invitation) -> None:
        self.survey = survey
        self.invitation = invitation
        self.cookie_value: str | None = None
        self.new_cookie = False

    @property
    def anonymous_public(self) -> bool:
        return (self.survey.audience == "public" and self.invitation is None
                and not current_user.is_authenticated)

    @property
    def anon_key(self) -> str | None:
        if not self.cookie_value:
            return None
        return hashlib.sha256(self.cookie_value.encode()).hexdigest()

    def read_cookie(self) -> None:
        """The visitor's random cookie, or a new one to be set on the response."""
        value = request.cookies.get(ANON_COOKIE, "")
        if ANON_VALUE.fullmatch(value):
            self.cookie_value = value
        else:
            self.cookie_value = secrets.token_urlsafe(32)
            self.new_cookie = True

    def finish(self, response):
        """Private headers always; the visitor's cookie when it is new."""
        response.headers.update(PRIVATE_HEADERS)
        if self.new_cookie and self.cookie_value:
            response.set_cookie(ANON_COOKIE, self.cookie_value,
                                max_age=ANON_COOKIE_DAYS * 86_400, path="/encuestas",
                                httponly=True, samesite="Lax", secure=request.is_secure)
        return response


def _invitation(key: str):
    """The invitation whose token is ``key`` (looked up once per request)."""
    cache = request.environ.setdefault("community.survey_invitation", {})
    if key not in cache:
        cache[key] = services.invitation_for_token(key[:KEY_MAX])
    return cache[key]


def _visit(key: str) -> Visit | None:
    """What ``/encuestas/<key>`` names; None for nothing answerable (a draft, a typo)."""
    key = key[:KEY_MAX]
    invitation = _invitation(key)
    survey = invitation.survey if invitation is not None else services.survey_by_slug(key)
    if survey is None or survey.status == "draft":
        return None
    visit = Visit(survey, invitation)
    if visit.anonymous_public:
        visit.read_cookie()
    return visit


# --- rate limit for anonymous visitors ----------------------------------------------------


def _answer_limit() -> str:
    return current_app.config["RATELIMIT_SURVEY_ANSWER"]


def _not_anonymous_visitor() -> bool:
    """Accounts answer once by their account and an invitation link once by its token: the
    limit per address is for visitors without either."""
    if current_user.is_authenticated:
        return True
    key = (request.view_args or {}).get("key", "")
    return _invitation(key) is not None


def _saved(response) -> bool:
    """Only answers that were saved count: a form sent back with errors costs nothing."""
    return response.status_code in (302, 303)


answer_limit = limiter.shared_limit(_answer_limit, scope="survey-answer",
                                    key_func=get_remote_address, methods=["POST"],
                                    deduct_when=_saved, exempt_when=_not_anonymous_visitor)


# --- answering ----------------------------------------------------------------------------


def _availability(survey) -> str | None:
    """None when the survey takes answers now; else "closed" or "not_open"."""
    if services.is_answerable(survey):
        return None
    if survey.status == "open" and survey.opens_at and services.now() < survey.opens_at:
        return "not_open"
    return "closed"


def _refusal(visit: Visit) -> tuple[str, str | None] | None:
    """Why this visitor may not answer (reason code and the services' sentence), or None."""
    unavailable = _availability(visit.survey)
    if unavailable:
        return unavailable, None
    allowed, message = services.can_answer(_actor(), visit.survey, visit.invitation,
                                           visit.anon_key)
    if allowed:
        return None
    return ("answered" if _is_already_answered(visit, message) else "refused"), message


def _is_already_answered(visit: Visit, message) -> bool:
    if visit.invitation is not None and visit.invitation.answered_on is not None:
        return True
    return str(message or "") == str(services.ALREADY_ANSWERED)


def _results_url(survey) -> str | None:
    if survey.results_public:
        return url_for("surveys.public_results", slug=survey.slug)
    return None


def _unavailable(visit: Visit, reason: str, message=None):
    sign_in_url = None
    if reason == "refused" and visit.invitation is None and not current_user.is_authenticated:
        sign_in_url = url_for("accounts.sign_in", next=request.path)
    body = render_template("surveys/answer_unavailable.html", survey=visit.survey,
                           reason=reason, message=message, sign_in_url=sign_in_url,
                           results_url=_results_url(visit.survey))
    return visit.finish(current_app.make_response((body, UNAVAILABLE_STATUS[reason])))


def _named(visit: Visit) -> bool:
    """Whether an identified survey's answer will carry a person: the invitation's account,
    or the signed-in account answering a public survey (an invitation sent to an e-mail
    address only carries none)."""
    if visit.survey.anonymous:
        return False
    if visit.invitation is not None:
        return visit.invitation.user_id is not None
    return current_user.is_authenticated


def _answer_page(visit: Visit, key: str, form, typed=None, errors=None, status: int = 200):
    errors = errors or {}
    sections = answer_form.build(visit.survey, typed, errors)
    body = render_template(
        "surveys/answer.html", survey=visit.survey, key=key, form=form, sections=sections,
        summary=answer_form.summary(sections, errors),
        cookie_notice=visit.survey.audience == "public" and visit.invitation is None
        and not current_user.is_authenticated, named=_named(visit))
    return visit.finish(current_app.make_response((body, status)))


@bp.route("/encuestas/<key>", methods=["GET", "POST"])
@answer_limit
def answer(key: str):
    visit = _visit(key)
    if visit is None:
        return _not_found()
    refused = _refusal(visit)
    if refused:
        return _unavailable(visit, *refused)
    form = answer_form.AnswerForm()
    if request.method == "GET":
        return _answer_page(visit, key, form)
    if not form.validate_on_submit():  # CSRF is checked app-wide first; this is belt and braces
        return _answer_page(visit, key, form, request.form, {
            "form": _("La sesión del formulario venció. Vuelve a enviar tus respuestas.")},
            status=400)
    return _submit(visit, key, form)


def _submit(visit: Visit, key: str, form):
    try:
        services.submit(_actor(), visit.survey, request.form, invitation=visit.invitation,
                        anon_key=visit.anon_key)
    except PermissionDenied as error:
        db.session.rollback()
        return _unavailable(visit, "refused", error.args[0] if error.args else None)
    except ValidationError as error:
        db.session.rollback()
        if str(error.errors.get("form", "")) == str(services.ALREADY_ANSWERED):
            return _unavailable(visit, "answered")  # the other tab was first
        return _answer_page(visit, key, form, request.form, error.errors, status=422)
    db.session.commit()
    session[THANKS_KEY] = visit.survey.id
    return visit.finish(redirect(url_for("surveys.thanks", key=key), 303))


@bp.route("/encuestas/<key>/gracias")
def thanks(key: str):
    """After the answers were saved. Reached any other way, it sends to the survey."""
    visit = _visit(key)
    if visit is None:
        return _not_found()
    if session.get(THANKS_KEY) != visit.survey.id:
        return visit.finish(redirect(url_for("surveys.answer", key=key)))
    body = render_template("surveys/answer_thanks.html", survey=visit.survey,
                           results_url=_results_url(visit.survey),
                           signed_in=current_user.is_authenticated)
    return _private(body)


# --- the person's pending surveys ---------------------------------------------------------


@bp.route("/encuestas")
def mine():
    """The surveys this person may answer (their invitations when signed in, and the open
    public surveys) and the published results: the surveys' entry for everyone."""
    invited = (services.pending_for_user(current_user)
               if current_user.is_authenticated else [])
    return _private(render_template("surveys/answer_pending.html", invited=invited,
                                    open_surveys=services.open_public_for(current_user),
                                    published=services.published_results()))


# --- published results --------------------------------------------------------------------


@bp.route("/encuestas/<slug>/resultados")
def public_results(slug: str):
    """The aggregate results staff chose to publish; 404 for any survey they did not (the
    same answer as for a survey that does not exist). Text answers are never shown here."""
    survey = services.survey_by_slug(slug)
    try:
        outcome = results.public_results(survey)
    except NotFound:
        return _not_found()
    return render_template("surveys/public_results.html", survey=survey, results=outcome,
                           min_group=results.MIN_GROUP, staff=False, **RESULTS_HELPERS)
