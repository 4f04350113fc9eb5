"""Forums in the platform's search: what every visitor may read, and nothing else.

Two kinds: ``topic`` (the title and the opening post) and ``post`` (each reply). A reply's
document is titled with its own first words, not its topic's title: with the title in every
reply, a word of the title matched every "gracias" of the thread and one topic filled the
first page of results. Only visible posts of topics that are not hidden, in categories that are not
``members_only``, have documents. The index has a ``visibility`` field, but the query
service grants every person the same label ("public", ``search.service.visibility_for``),
so a restricted category cannot be searched by its members either: it is left out of the
index rather than risk showing its titles and snippets to visitors.

A change anywhere that decides those rules re-indexes what it touches: a post's status or
text (the post itself, and its topic when it is the opening post), a topic hidden, moved or
retitled (the topic and its replies), a category that becomes or stops being restricted
(its topics and replies). Category counters change on every reply; they do not re-index
anything. Labels are Spanish whatever the request's language, as in ``events.search``.
"""


from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select

from community.extensions import db
from community.forums.access import post_path
from community.forums.models import Category, Post, Topic
from community.search.registry import SearchKind, html_words, register

EXCERPT_CHARS = 90



def topic_is_public(topic: Topic | None) -> bool:
    return topic is not None and not topic.hidden and not topic.category.members_only


def _opening_post(topic: Topic) -> Post | None:
    return db.session.scalar(select(Post).where(Post.topic_id == topic.id, Post.number == 1))


def topic_documents(topic: Topic) -> list[dict]:
    if not topic_is_public(topic):
        return []
    opening = _opening_post(topic)
    body = html_words(opening.body_html) if opening is not None and opening.status == "visible" \
        else ""
    return [_document(topic, topic.title, body, topic.created_at,
                      f"/foros/t/{topic.id}-{topic.slug}")]


def post_documents(post: Post) -> list[dict]:
    if post.number == 1 or post.status != "visible" or not topic_is_public(post.topic):
        return []
    text = " ".join(html_words(post.body_html).split())
    return [_document(post.topic, excerpt(text), text, post.created_at, post_path(post))]


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The first words of a reply, cut at a word, as the title of its search hit."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _document(topic: Topic, title: str, body: str, when, url: str) -> dict:
    """The fields every forum document shares: the place facet is the OSC's municipality
    when the text was written on behalf of one."""
    organization = topic.organization
    code = organization.municipality_code if organization is not None else ""
    return {"title": title, "body": body, "municipality": code or "", "areas": "",
            "year": str(when.year), "url": url}


def all_topics():
    stmt = (select(Topic).join(Category, Category.id == Topic.category_id)
            .where(Topic.hidden.is_(False), Category.members_only.is_(False)))
    return db.session.scalars(stmt.execution_options(yield_per=500))


def all_posts():
    stmt = (select(Post).join(Topic, Topic.id == Post.topic_id)
            .join(Category, Category.id == Topic.category_id)
            .where(Post.number > 1, Post.status == "visible", Topic.hidden.is_(False),
                   Category.members_only.is_(False)))
    return db.session.scalars(stmt.execution_options(yield_per=500))


# --- what else re-indexes ------------------------------------------------------------------


def _changed(row, *names: str) -> bool:
    """Whether one of ``names`` changed in this flush (the outbox listener runs after the
    flush, while the attribute history still holds the change)."""
    state = sa_inspect(row)
    return any(state.attrs[name].history.has_changes() for name in names)


def _opening_topic(post: Post) -> list[int]:
    return [post.topic_id] if post.number == 1 else []


def _topic_replies(topic: Topic) -> list[int]:
    if not _changed(topic, "hidden", "category_id", "title", "slug"):
        return []
    return list(db.session.scalars(select(Post.id).where(Post.topic_id == topic.id,
                                                         Post.number > 1)))


def _category_topics(category: Category) -> list[int]:
    if not _changed(category, "members_only"):
        return []
    return list(db.session.scalars(select(Topic.id).where(Topic.category_id == category.id)))


def _category_posts(category: Category) -> list[int]:
    if not _changed(category, "members_only"):
        return []
    return list(db.session.scalars(select(Post.id).join(Topic, Topic.id == Post.topic_id)
                                   .where(Topic.category_id == category.id, Post.number > 1)))


register(SearchKind(
    name="topic",
    model=Topic,
    documents=topic_documents,
    all_rows=all_topics,
    label=_l("Temas del foro"),
    related=((Post, _opening_topic), (Category, _category_topics)),
))

register(SearchKind(
    name="post",
    model=Post,
    documents=post_documents,
    all_rows=all_posts,
    label=_l("Respuestas del foro"),
    related=((Topic, _topic_replies), (Category, _category_posts)),
))
