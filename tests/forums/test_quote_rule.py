"""What a reply may quote is decided once (``services.quotable``): the Quote button's
prefill, the quoted block shown above the form and the reply itself agree."""

from community.forums import services
from community.forums.models import Post
from tests.conftest import client_as, post_form


def _url(topic) -> str:
    return f"/foros/t/{topic.id}-{topic.slug}"


def _post(db, topic, number) -> Post:
    return db.session.scalar(db.select(Post).where(Post.topic_id == topic.id,
                                                   Post.number == number))


def _quoting_shown(page: str) -> bool:
    """The block above the reply form that names the quoted post."""
    return '<div class="forum-quoting" data-quoting>' in page


def test_prefill_form_and_reply_agree_on_what_may_be_quoted(app, db, make_topic, make_user):
    author = make_user(name="Ana Torres")
    topic = make_topic(author=author)
    services.reply(author, topic, {"body": "Lo retiraré enseguida."})
    db.session.commit()
    visible, withdrawn = _post(db, topic, 1), _post(db, topic, 2)
    services.withdraw_post(author, withdrawn)
    elsewhere = _post(db, make_topic(), 1)
    db.session.commit()
    client = client_as(app, make_user())

    for post, allowed in ((visible, True), (withdrawn, False), (elsewhere, False)):
        assert (services.quotable(topic, str(post.id)) is not None) is allowed
        page = client.get(f"{_url(topic)}?cita={post.id}").get_data(as_text=True)
        assert (f'name="quote" type="hidden" value="{post.id}"' in page) is allowed
        assert _quoting_shown(page) is allowed, post.number
        response = post_form(client, f"/foros/t/{topic.id}/responder",
                             {"body": "Respondo citando.", "quote": str(post.id)},
                             page=_url(topic))
        assert response.status_code == (302 if allowed else 422), post.number
        if not allowed:
            text = response.get_data(as_text=True)
            assert "La respuesta que citas ya no está disponible." in text
            assert not _quoting_shown(text)
    assert services.quotable(topic, "no-es-un-numero") is None
    assert services.quotable(topic, None) is None
