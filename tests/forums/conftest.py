"""Forum categories and topics built through the real services."""

import pytest

from community.extensions import db as _db
from community.forums import services
from community.forums.models import Category


@pytest.fixture
def make_category(db):
    counter = {"n": 0}

    def factory(name=None, **fields) -> Category:
        counter["n"] += 1
        name = name or f"Categoría {counter['n']}"
        category = Category(slug=fields.pop("slug", f"categoria-{counter['n']}"), name=name,
                            description=fields.pop("description", "Para conversar."),
                            position=counter["n"], **fields)
        _db.session.add(category)
        _db.session.commit()
        return category

    return factory


@pytest.fixture
def make_topic(db, make_category, make_user):
    def factory(author=None, category=None, title="¿Cómo obtengo la CLUNI?",
                body="Necesitamos orientación para el trámite.", **raw):
        author = author or make_user()
        category = category or make_category()
        topic = services.create_topic(author, category, {"title": title, "body": body, **raw})
        _db.session.commit()
        return topic

    return factory
