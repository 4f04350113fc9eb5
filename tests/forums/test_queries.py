"""The read side of the forums: pages of posts, topic order, unread counts, mention search."""

from datetime import timedelta

from community.core.timeutil import utcnow
from community.forums import queries, services
from community.forums.models import Topic


def _reply(db, topic, author, count):
    for n in range(count):
        services.reply(author, topic, {"body": f"Respuesta {n}"})
    db.session.commit()


def test_page_of_and_topic_posts_read_a_range_of_numbers(db, make_topic, make_user):
    topic = make_topic()
    _reply(db, topic, make_user(), 44)
    assert [queries.page_of(n, 20) for n in (0, 1, 20, 21, 45)] == [1, 1, 1, 2, 3]
    page = queries.topic_posts(topic, 3, 20)
    assert [p.number for p in page.items] == [41, 42, 43, 44, 45]
    assert (page.pages, page.has_prev, page.has_next, page.prev_num) == (3, True, False, 2)
    assert queries.topic_posts(topic, 99, 20).page == 3  # past the end: the last page
    assert [p.number for p in queries.topic_posts(topic, 0, 20).items][:1] == [1]


def test_quoted_posts_are_loaded_with_the_page(db, make_topic, make_user):
    topic = make_topic()
    first = db.session.scalar(db.select(services.Post).where(services.Post.number == 1))
    services.reply(make_user(), topic, {"body": "Cito", "quote": str(first.id)})
    db.session.commit()
    db.session.expire_all()
    page = queries.topic_posts(topic, 1, 20)
    assert page.items[1].quoted is page.items[0]


def test_category_topics_pinned_first_and_hidden_only_for_moderators(db, make_category,
                                                                     make_topic):
    category = make_category()
    old = make_topic(category=category, title="Tema fijado antiguo")
    hidden = make_topic(category=category, title="Tema oculto por moderación")
    new = make_topic(category=category, title="Tema más reciente")
    old.pinned, hidden.hidden = True, True
    db.session.commit()
    titles = [t.title for t in queries.category_topics(category, 1, moderator=False).items]
    assert titles == ["Tema fijado antiguo", "Tema más reciente"]
    assert hidden in queries.category_topics(category, 1, moderator=True).items
    assert new in queries.recent_topics([category.id], moderator=False)
    assert hidden not in queries.recent_topics([category.id], moderator=False)


def test_latest_topic_per_category(db, make_category, make_topic, make_user):
    first, second = make_category(), make_category()
    make_topic(category=first, title="Tema viejo de la primera")
    busy = make_topic(category=first, title="Tema activo de la primera")
    only = make_topic(category=second, title="Único tema de la segunda")
    _reply(db, busy, make_user(), 1)
    latest = queries.latest_topics([first.id, second.id], moderator=False)
    assert latest == {first.id: busy, second.id: only}
    assert queries.latest_topics([], moderator=False) == {}


def test_unread_counts_and_topic_marks(db, make_category, make_topic, make_user):
    reader = make_user()
    reader.created_at = utcnow() - timedelta(days=30)
    category = make_category()
    read = make_topic(category=category, title="Tema que ya leí")
    services.mark_read(reader, read, 1)
    never = make_topic(category=category, title="Tema que nunca abrí")
    old = make_topic(category=category, title="Tema nuevo pero viejo")
    old.created_at = utcnow() - timedelta(days=queries.NEW_TOPIC_DAYS + 1)
    make_topic(category=category, author=reader, title="Tema que yo abrí")
    db.session.commit()
    _reply(db, read, make_user(), 2)
    assert queries.unread_counts(reader, [category.id], moderator=False) == {
        category.id: {"unread": 1, "new": 1}}
    marks = queries.topic_marks(reader, [read, never, old],
                                services.read_marks(reader, [read.id, never.id, old.id]))
    assert marks[read.id] == {"new": False, "unread": 2, "first_unread": 2}
    assert marks[never.id]["new"] and not marks[old.id]["new"]


def test_nothing_is_new_for_an_account_created_after_the_topics(db, make_topic, make_user):
    topic = make_topic()
    topic.created_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    newcomer = make_user()
    assert queries.unread_counts(newcomer, [topic.category_id], moderator=False) == {
        topic.category_id: {"unread": 0, "new": 0}}


def test_mention_candidates(db, make_user, make_org):
    make_user(name="Rocío Hernández", email="rocio@ejemplo.mx")
    make_user(name="Rocío Inactiva", active=False)
    make_org(name="Rocío de Esperanza A.C.")
    results = queries.mention_candidates("@roc")
    assert [r["kind"] for r in results] == ["person", "osc"]
    assert results[0]["name"] == "Rocío Hernández" and "email" not in results[0]
    assert queries.mention_candidates("r") == []
    assert queries.mention_candidates("100%") == []  # LIKE wildcards are literal
    assert queries.mention_candidates("esperanza")[0]["handle"] == "rocio-de-esperanza-a-c"


def test_mention_candidates_leave_room_for_oscs(db, make_user, make_org):
    for n in range(10):
        make_user(name=f"Vida Persona {n}")
    for n in range(3):
        make_org(name=f"Vida Organización {n}")
    kinds = [r["kind"] for r in queries.mention_candidates("vida")]
    assert len(kinds) == 8 and kinds.count("osc") == 3


def test_hidden_topics_do_not_count(db, make_topic, make_user):
    reader = make_user()
    reader.created_at = utcnow() - timedelta(days=1)
    topic = make_topic()
    topic.hidden = True
    db.session.commit()
    assert queries.unread_counts(reader, [topic.category_id], moderator=False) == {
        topic.category_id: {"unread": 0, "new": 0}}
    assert db.session.get(Topic, topic.id).hidden
