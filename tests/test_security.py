"""Security headers on every kind of response, and the 500 page that hides the trace."""

import pytest

from community.errors import FALLBACK_500

REQUIRED = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def _assert_headers(response):
    csp = response.headers["Content-Security-Policy"]
    for directive in ("script-src 'self'", "object-src 'none'", "base-uri 'none'",
                      "frame-ancestors 'self'"):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    for name, value in REQUIRED.items():
        assert response.headers[name] == value
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP


@pytest.fixture
def broken_app(fresh_app):
    app = fresh_app

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    return app


def test_headers_on_200_404_and_download(client):
    for path, status in [("/", 200), ("/no-existe", 404), ("/static/css/site.css", 200),
                         ("/healthz", 200)]:
        response = client.get(path)
        assert response.status_code == status
        _assert_headers(response)


def test_500_is_spanish_without_trace_and_rolls_back(broken_app, db, make_user):
    broken_app.config["PROPAGATE_EXCEPTIONS"] = False
    response = broken_app.test_client().get("/boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    _assert_headers(response)
    assert "Algo salió mal" in body
    assert "secret internal detail" not in body and "Traceback" not in body
    assert make_user().id  # the session is usable after the rollback


def test_hsts_and_secure_cookies_over_https(client):
    response = client.get("/cuenta/entrar", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    for cookie in response.headers.getlist("Set-Cookie"):
        assert "Secure" in cookie


def test_session_cookie_flags(client):
    response = client.get("/cuenta/entrar")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize(("code", "title"), [(400, "Solicitud no válida"),
                                             (403, "No tienes permiso"),
                                             (404, "No encontramos la página"),
                                             (413, "demasiado grande"),
                                             (422, "Hay datos por corregir"),
                                             (429, "Demasiados intentos")])
def test_error_pages_in_spanish_with_layout(fresh_app, code, title):
    app = fresh_app
    from flask import abort

    app.add_url_rule(f"/fail-{code}", f"fail_{code}", lambda: abort(code))
    response = app.test_client().get(f"/fail-{code}")
    body = response.get_data(as_text=True)
    assert response.status_code == code
    assert title in body and 'href="#contenido"' in body
    _assert_headers(response)


def test_oversized_request_is_413(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/cuenta/entrar", data={"email": "x" * 4096})
    assert response.status_code == 413


def test_fallback_page_when_layout_cannot_render():
    assert "Algo salió mal" in FALLBACK_500


def test_api_errors_are_json(client):
    response = client.get("/api/v1/no-existe")
    assert response.status_code == 404
    assert response.get_json()["error"]
