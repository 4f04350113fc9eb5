"""What is new in the forums for the person looking: the personal parts of the board and of a
category's page (core.pagecache.personal). The lists themselves are shared by everyone of an
audience and kept rendered; these parts are filled in per request, each in one pass over the
ids of the page (a statement or two for the whole page, not one per row).
"""

from flask import g, get_template_attribute, render_template, url_for
from flask_login import current_user
from sqlalchemy import bindparam, select

from community.core.pagecache import personal_part
from community.extensions import db
from community.forums import access, queries, services
from community.forums.models import Category, Topic


def _ids(args: list[str]) -> list[int]:
    return [int(arg) for arg in args if arg.isdigit()]


#: What a topic's mark is computed from; built once (see queries._category_counts).
_TOPIC_NUMBERS = select(Topic.id, Topic.slug, Topic.created_at, Topic.author_id,
                        Topic.last_post_number).where(
    Topic.id.in_(bindparam("topic_ids", expanding=True)))


def _first_unread_url(topic_id: int, slug: str, number: int) -> str:
    page = access.post_page(number)
    return url_for("forums.topic", topic_id=topic_id, slug=slug,
                   page=page if page > 1 else None, _anchor=f"p{number}")


def topic_marks(topic_ids: list[int]) -> dict[int, dict]:
    """{topic id: {new, unread, first_unread, url}} for this person, read once per request
    (a row's class and its badge are two parts of the same mark)."""
    known = g.setdefault("forum_topic_marks", {})
    missing = [topic_id for topic_id in topic_ids if topic_id not in known]
    if missing:
        topics = db.session.execute(_TOPIC_NUMBERS, {"topic_ids": missing}).all()
        read = services.read_marks(current_user, missing)
        marks = queries.topic_marks(current_user, topics, read)
        slugs = {topic.id: topic.slug for topic in topics}
        for topic_id, mark in marks.items():
            mark["url"] = _first_unread_url(topic_id, slugs[topic_id], mark["first_unread"])
        known.update({topic_id: marks.get(topic_id) for topic_id in missing})
    return {topic_id: known[topic_id] for topic_id in topic_ids}


@personal_part("topic_unread_class")
def _topic_unread_class(args: list[str]) -> dict[str, str]:
    marks = topic_marks(_ids(args))
    return {str(topic_id): " topic-row--unread" for topic_id, mark in marks.items()
            if mark and (mark["unread"] or mark["new"])}


@personal_part("topic_badge")
def _topic_badge(args: list[str]) -> dict[str, str]:
    badge = get_template_attribute("forums/_macros.html", "unread_badge")
    return {str(topic_id): str(badge(mark))
            for topic_id, mark in topic_marks(_ids(args)).items() if mark}


@personal_part("category_news")
def _category_news(args: list[str]) -> dict[str, str]:
    """The board's "N temas nuevos · N con respuestas nuevas" of each category."""
    counts = queries.unread_counts(current_user, _ids(args), access.is_moderator(current_user))
    badges = get_template_attribute("forums/_macros.html", "category_news")
    return {str(category_id): str(badges(count)) for category_id, count in counts.items()}


@personal_part("category_actions")
def _category_actions(args: list[str]) -> dict[str, str]:
    """A category's "Nuevo tema" (or why not) and "Seguir la categoría": the person's own."""
    parts = {}
    for category_id in _ids(args):
        category = db.session.get(Category, category_id)
        if category is not None:
            parts[str(category_id)] = render_template(
                "forums/_category_actions.html", category=category,
                problem=services.posting_problem(current_user, category),
                subscribed=services.is_subscribed(current_user, category=category))
    return parts
