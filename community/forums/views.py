"""Forum pages: the board of categories, a category's topics, a topic with its posts and the
reply form, opening a topic, editing and withdrawing a post, subscriptions, the Markdown
preview and the mention autocomplete (both for forums.js), and one post as a fragment for
live.js.

Views parse the request, call ``services`` (every permission and every write) or ``queries``
(every list), and render; the one commit of a request happens here. Pages work without
JavaScript: the preview is also a submit button, the quote button is a link (``?cita=``).
"""

from flask import (
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError, OperationalError

from community.core.database import transaction_kind
from community.core.errors import ValidationError
from community.core.forms import attach_errors
from community.core.inputs import check_length
from community.core.pagecache import cached_page
from community.core.pagination import page_arg
from community.core.sanitize import render_markdown
from community.extensions import db, limiter
from community.forums import access, bp, queries, services
from community.forums.categories import GROUPS
from community.forums.forms import EditPostForm, ReplyForm, TopicForm
from community.forums.models import Category, Post, Topic

DEFAULT_POST_LIMIT = "6 per minute;60 per hour"


# --- rate limits --------------------------------------------------------------------------


def _post_limit() -> str:
    return current_app.config.get("RATELIMIT_FORUM_POST", DEFAULT_POST_LIMIT)


def _per_person() -> str:
    """Posting is limited per account (many people may share one school's address)."""
    if current_user.is_authenticated:
        return f"forum-post:{current_user.id}"
    return get_remote_address()


def _previewing() -> bool:
    """A preview button was pressed (the form comes back), or forums.js asked for one."""
    return request.endpoint == "forums.preview" or "preview" in request.form


def _not_previewing() -> bool:
    return not _previewing()


# One allowance shared by opening topics, replying and editing. A preview saves nothing, so it
# does not use it up.
posting_limit = limiter.shared_limit(_post_limit, scope="forum-post", key_func=_per_person,
                                     methods=["POST"], exempt_when=_previewing)

# A preview renders the Markdown as posting does, so it has the same allowance (one setting,
# RATELIMIT_FORUM_POST), counted apart: previews from the composer and from the form's
# button share it, and previewing never uses up the posting allowance.
preview_limit = limiter.shared_limit(_post_limit, scope="forum-preview", key_func=_per_person,
                                     methods=["POST"], exempt_when=_not_previewing)


# --- small helpers ------------------------------------------------------------------------


def _page_arg() -> int:
    return page_arg(request.args)


def _topic_url(topic: Topic, page: int = 1, **kwargs) -> str:
    return url_for("forums.topic", topic_id=topic.id, slug=topic.slug,
                   page=page if page > 1 else None, **kwargs)


def _post_url(post: Post) -> str:
    page = access.post_page(post.number)
    return _topic_url(post.topic, page, _anchor=f"p{post.number}")


def _organizations() -> list:
    return access.profiles_member_orgs(current_user)


def _on_behalf_kwargs() -> dict:
    return {"organizations": _organizations(), "user_name": current_user.name}


def _preview_html(form) -> str | None:
    """The sanitized preview of a form's body when its preview button was pressed. A body
    longer than a post may be is not rendered (an empty preview): its message goes next to
    the field, as it would on posting."""
    if not _previewing():
        return None
    try:
        body = check_length(form.body.data, services.BODY_MAX, "body")
    except ValidationError as error:
        attach_errors(form, error)
        return ""
    return render_markdown(body)


# --- the board ----------------------------------------------------------------------------


def _forum_audience(user) -> bool:
    """What the board and a category's page show depends on, besides the role: whether the
    person may read the categories restricted to OSC members (core.pagecache)."""
    return access.is_osc_member(user)


@bp.route("/foros")
@cached_page("forums", audience=_forum_audience)
def index():
    categories = services.visible_categories(current_user)
    moderator = access.is_moderator(current_user)
    ids = [category.id for category in categories]
    return render_template(
        "forums/index.html", groups=_grouped(categories), group_labels=GROUPS,
        latest=queries.latest_topics(ids, moderator),
        recent=queries.recent_topics(ids, moderator))


def _grouped(categories: list[Category]) -> list[tuple[str, list[Category]]]:
    """Categories under their group, groups in the board's order, unknown groups last."""
    order = list(GROUPS)
    groups: dict[str, list[Category]] = {}
    for category in categories:
        groups.setdefault(category.group, []).append(category)
    return sorted(groups.items(), key=lambda item: (
        order.index(item[0]) if item[0] in order else len(order), item[0]))


@bp.route("/foros/<category_slug>")
@cached_page("forums", args=("page",), audience=_forum_audience)
def category(category_slug: str):
    found = services.get_category(current_user, category_slug)
    topics = queries.category_topics(found, _page_arg(),
                                     access.is_moderator(current_user))
    # Signed-in people get theirs as a personal part (forums/marks.py).
    problem = None if current_user.is_authenticated else \
        services.posting_problem(current_user, found)
    return render_template(
        "forums/category.html", category=found, topics=topics, group_labels=GROUPS,
        problem=problem,
        page_url=lambda page: url_for("forums.category", category_slug=found.slug,
                                      page=page if page > 1 else None))


@bp.route("/foros/<category_slug>/suscripcion", methods=["POST"])
@login_required
def subscribe_category(category_slug: str):
    found = services.get_category(current_user, category_slug)
    if request.form.get("subscribe") == "0":
        services.unsubscribe(current_user, category=found)
        message = _("Ya no recibirás avisos de los temas nuevos de %(name)s.", name=found.name)
    else:
        services.subscribe(current_user, category=found)
        message = _("Te avisaremos de cada tema y respuesta nuevos en %(name)s.",
                    name=found.name)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("forums.category", category_slug=found.slug))


# --- opening a topic ----------------------------------------------------------------------


@bp.route("/foros/<category_slug>/nuevo", methods=["GET", "POST"])
@login_required
@posting_limit
@preview_limit
def new_topic(category_slug: str):
    found = services.get_category(current_user, category_slug)
    services.require_can_post(current_user, found)
    form = TopicForm(**_on_behalf_kwargs())
    preview = _preview_html(form) if request.method == "POST" else None
    if form.validate_on_submit() and preview is None:
        try:
            topic = services.create_topic(current_user, found, form.topic_data())
        except ValidationError as error:
            db.session.rollback()
            attach_errors(form, error)
        else:
            db.session.commit()
            flash(_("Publicamos tu tema."), "success")
            return redirect(_topic_url(topic))
    status = 422 if form.errors else 200
    return render_template("forums/new_topic.html", form=form, category=found,
                           preview=preview), status


# --- a topic ------------------------------------------------------------------------------


@bp.route("/foros/t/<int:topic_id>-<slug>")
@bp.route("/foros/t/<int:topic_id>")
def topic(topic_id: int, slug: str | None = None):
    found = services.get_topic(current_user, topic_id)
    if slug != found.slug:
        args = {k: v for k, v in request.args.items() if k != "slug"}
        return redirect(url_for("forums.topic", topic_id=found.id, slug=found.slug, **args),
                        301)
    return _topic_view(found)


@cached_page("forums", args=("page",))
def _topic_view(found: Topic):
    """The page itself, cached for anonymous visitors like the other forum pages."""
    form = ReplyForm(**_on_behalf_kwargs()) if current_user.is_authenticated else None
    if form is not None:
        _prefill_quote(form, found)
    page, html = _render_topic(found, _page_arg(), form)
    if page.items:
        _remember_read(found.id, page.items[-1].number)
    return html


def _prefill_quote(form: ReplyForm, found: Topic) -> None:
    """``?cita=<post id>``: the reply form starts quoting that post (the Quote button)."""
    quoted = services.quotable(found, request.args.get("cita"))
    if quoted is not None:
        form.quote.data = str(quoted.id)


def _render_topic(found: Topic, page_number: int, form: ReplyForm | None,
                  preview: str | None = None):
    """Render a page of a topic; returns (the page of posts, the HTML)."""
    posts = queries.topic_posts(found, page_number, access.POSTS_PER_PAGE)
    last_read = services.last_read(current_user, found)
    context = _post_context(found, posts.page)
    quoting = _quoted_post(form, found)
    html = render_template(
        "forums/topic.html", topic=found, category=found.category, posts=posts,
        first_new=last_read + 1 if 0 < last_read < found.last_post_number else None,
        form=form, preview=preview, quoting=quoting,
        quoting_body=access.shown_body(current_user, quoting) if quoting else None,
        subscribed=services.is_subscribed(current_user, topic=found),
        page_url=lambda n: _topic_url(found, n), **context)
    return posts, html


def _quoted_post(form: ReplyForm | None, found: Topic) -> Post | None:
    return services.quotable(found, form.quote.data) if form is not None else None


def _post_context(found: Topic, page: int) -> dict:
    """What ``forums/_post.html`` needs besides the post, the same on the page and in the
    fragment, so a live update shows exactly what a reload would."""
    user = current_user
    reply_problem = services.posting_problem(user, found.category, found)
    return dict(
        moderator=access.is_moderator(user), reply_problem=reply_problem,
        page=page, viewer_id=user.id if user.is_authenticated else None,
        shown=lambda post: access.shown_body(user, post),
        can_edit=lambda post: services.edit_problem(user, post) is None,
        quote_url=lambda post: _topic_url(found, page, cita=post.id, _anchor="responder"),
        post_url=_post_url)


def _remember_read(topic_id: int, number: int) -> None:
    """Move the person's read marker to the last post shown.

    A GET runs in a read transaction (SQLite BEGIN DEFERRED, so pages never queue behind
    writers). Upgrading it to a write could fail at once on a busy database, so the read
    transaction ends first and the marker is written in a short write transaction of its
    own, after the page is rendered, and only when it moves forward. The marker is a
    courtesy: if it cannot be written now, the next visit writes it.
    """
    if not current_user.is_authenticated:
        return
    topic = db.session.get(Topic, topic_id)
    if services.last_read(current_user, topic) >= number:
        return
    db.session.commit()
    with transaction_kind(read_only=False):
        try:
            services.mark_read(current_user, db.session.get(Topic, topic_id), number)
            db.session.commit()
        except (IntegrityError, OperationalError):
            db.session.rollback()
            current_app.logger.warning("read marker of topic %s not saved", topic_id)


@bp.route("/foros/p/<int:post_id>/fragmento")
def post_fragment(post_id: int):
    """One post as the topic page would show it to this person, for live.js."""
    post = services.get_post(current_user, post_id)
    page = access.post_page(post.number)
    html = render_template("forums/_post.html", post=post, topic=post.topic,
                           **_post_context(post.topic, page))
    response = current_app.make_response(html)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/foros/t/<int:topic_id>/responder", methods=["POST"])
@login_required
@posting_limit
@preview_limit
def reply(topic_id: int):
    found = services.get_topic(current_user, topic_id)
    services.require_can_post(current_user, found.category, found)
    form = ReplyForm(**_on_behalf_kwargs())
    preview = _preview_html(form)
    if form.validate_on_submit() and preview is None:
        try:
            post = services.reply(current_user, found, form.reply_data())
        except ValidationError as error:
            db.session.rollback()
            attach_errors(form, error)
        else:
            db.session.commit()
            flash(_("Publicamos tu respuesta."), "success")
            return redirect(_post_url(post))
    last_page = access.post_page(found.last_post_number)
    html = _render_topic(found, last_page, form, preview)[1]
    return html, 422 if form.errors else 200


@bp.route("/foros/t/<int:topic_id>/suscripcion", methods=["POST"])
@login_required
def subscribe_topic(topic_id: int):
    found = services.get_topic(current_user, topic_id)
    if request.form.get("subscribe") == "0":
        services.unsubscribe(current_user, topic=found)
        message = _("Ya no recibirás avisos de este tema.")
    else:
        services.subscribe(current_user, topic=found)
        message = _("Te avisaremos de cada respuesta nueva en este tema.")
    db.session.commit()
    flash(message, "success")
    return redirect(_topic_url(found))


# --- one post -----------------------------------------------------------------------------


@bp.route("/foros/p/<int:post_id>/editar", methods=["GET", "POST"])
@login_required
@posting_limit
@preview_limit
def edit_post(post_id: int):
    post = services.get_post(current_user, post_id)
    services.require_can_edit(current_user, post)
    first = post.number == 1
    form = EditPostForm() if request.method == "POST" else EditPostForm(
        data={"body": post.body, "title": post.topic.title})
    preview = _preview_html(form) if request.method == "POST" else None
    if form.validate_on_submit() and preview is None:
        try:
            services.edit_post(current_user, post, form.edit_data(first))
        except ValidationError as error:
            db.session.rollback()
            attach_errors(form, error)
        else:
            db.session.commit()
            flash(_("Guardamos los cambios de tu mensaje."), "success")
            return redirect(_post_url(post))
    return render_template("forums/edit_post.html", form=form, post=post, topic=post.topic,
                           first=first, preview=preview), 422 if form.errors else 200


@bp.route("/foros/p/<int:post_id>/retirar", methods=["POST"])
@login_required
def withdraw_post(post_id: int):
    post = services.get_post(current_user, post_id)
    services.withdraw_post(current_user, post)
    db.session.commit()
    flash(_("Retiramos tu mensaje: ya nadie lo ve en el tema."), "success")
    return redirect(_post_url(post))


# --- for forums.js ------------------------------------------------------------------------


@bp.route("/foros/vista-previa", methods=["POST"])
@login_required
@preview_limit
def preview():
    """The Markdown of the composer as the page will show it, through the one allow-list;
    refused (422, in Spanish) beyond the length of a post, before anything is rendered."""
    try:
        text = check_length(request.form.get("body", ""), services.BODY_MAX, "body")
    except ValidationError as error:
        return jsonify(error=str(error.errors["body"])), 422
    return jsonify(html=str(render_markdown(text)))


@bp.route("/foros/menciones")
@login_required
def mentions():
    """People and OSCs to @mention: names and handles only, never an e-mail address."""
    return jsonify(results=queries.mention_candidates(request.args.get("q", "")))
