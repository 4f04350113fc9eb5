"""Security headers on every response (pages, errors, downloads), Secure cookies on HTTPS, and
requests carrying NUL characters refused before any view reads them."""

from flask import abort, request

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'self'",
        "form-action 'self'",
    ]
)

STATIC_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "SAMEORIGIN",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=(), payment=()",
}


def add_security_headers(response):
    for name, value in STATIC_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault(
            "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
        )
    return response


class SecureCookiesOnHttps:
    """WSGI middleware: over HTTPS every cookie gets ``Secure``, whoever set it.

    It sits outside Flask because the session and remember cookies are written after the
    ``after_request`` hooks have run.
    """

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if environ.get("wsgi.url_scheme") != "https":
            return self.wsgi_app(environ, start_response)

        def secure_start_response(status, headers, exc_info=None):
            headers = [
                (name, value + "; Secure")
                if name.lower() == "set-cookie" and "; secure" not in value.lower()
                else (name, value)
                for name, value in headers
            ]
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, secure_start_response)


def refuse_nul_characters() -> None:
    """400 for a NUL character in the path, the query or a form field. No person types one,
    and PostgreSQL refuses it in any text value: let through, it turned a lookup by slug or a
    filter into a 500 there while SQLite simply found nothing."""
    if "\x00" in request.path or _has_nul(request.args.lists()):
        abort(400)
    if request.method in {"POST", "PUT", "PATCH"} and _has_nul(request.form.lists()):
        abort(400)


def _has_nul(pairs) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values)
               for key, values in pairs)
