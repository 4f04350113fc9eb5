"""Links built by templates are remembered per app (a list page builds a hundred): each is the
link ``url_for`` builds, whatever the request, and absolute links are never remembered."""

from flask import Blueprint, render_template_string, url_for

from community.core.urls import template_url_for


def test_remembered_links_are_the_links_url_for_builds(app):
    cases = [("forums.index", {}), ("forums.category", {"category_slug": "general"}),
             ("forums.category", {"category_slug": "general", "page": 2}),
             ("main.home", {"_anchor": "contenido"}), ("static", {"filename": "css/app.css"})]
    with app.test_request_context("/"):
        for endpoint, values in cases:
            first = template_url_for(endpoint, **values)
            assert first == url_for(endpoint, **values)
            assert template_url_for(endpoint, **values) == first  # remembered, the same
        # page=1 and page=True hash alike: the type keeps them apart.
        assert template_url_for("forums.index", page=1) == url_for("forums.index", page=1)
        assert template_url_for("forums.index", page=True) == url_for("forums.index", page=True)
        assert template_url_for("forums.index", tags=["a", "b"]) == url_for(
            "forums.index", tags=["a", "b"])  # not a key: built every time


def test_absolute_links_follow_each_requests_host(app):
    for host in ("uno.example", "dos.example"):
        with app.test_request_context("/", base_url=f"https://{host}"):
            assert template_url_for("main.home", _external=True) == f"https://{host}/"


def test_blueprint_relative_links_depend_on_the_blueprint(fresh_app):
    """``.index`` is another page in each blueprint: the first one built is not reused."""
    for name in ("uno", "dos"):
        blueprint = Blueprint(name, __name__, url_prefix=f"/{name}")
        blueprint.add_url_rule("/", "index", lambda: "")
        fresh_app.register_blueprint(blueprint)
    for name in ("uno", "dos", "uno"):
        with fresh_app.test_request_context(f"/{name}/"):
            assert render_template_string("{{ url_for('.index') }}") == f"/{name}/"
