"""Error pages in Spanish with the site layout; service exceptions become HTTP statuses."""

import logging

from flask import Flask, jsonify, render_template, request
from flask.globals import request_ctx
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException, InternalServerError

from community.core.errors import NotFound, PermissionDenied, ValidationError
from community.extensions import db

log = logging.getLogger(__name__)

MESSAGES = {
    400: (_l("Solicitud no válida"),
          _l("No pudimos entender lo que se envió. Si venías de un formulario, recarga la "
             "página e inténtalo de nuevo.")),
    403: (_l("No tienes permiso"),
          _l("Tu cuenta no puede ver o hacer esto. Si crees que es un error, escríbenos.")),
    404: (_l("No encontramos la página"),
          _l("La dirección no existe o ya no está disponible.")),
    405: (_l("Método no permitido"), _l("Esta dirección no acepta esa acción.")),
    413: (_l("El archivo es demasiado grande"),
          _l("Lo que enviaste supera el tamaño permitido. Reduce el archivo e inténtalo de "
             "nuevo.")),
    422: (_l("Hay datos por corregir"),
          _l("Algunos datos no son válidos. Revisa el formulario e inténtalo de nuevo.")),
    429: (_l("Demasiados intentos"),
          _l("Hiciste demasiadas solicitudes en poco tiempo. Espera unos minutos e inténtalo "
             "de nuevo.")),
    500: (_l("Algo salió mal"),
          _l("Tuvimos un problema al atender tu solicitud. Ya quedó registrado; inténtalo de "
             "nuevo en un momento.")),
}

FALLBACK_500 = (
    "<!doctype html><html lang=\"es\"><meta charset=\"utf-8\"><title>Error</title>"
    "<h1>Algo salió mal</h1><p>Inténtalo de nuevo en un momento.</p></html>"
)


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(code: int, detail=None):
    title, message = MESSAGES.get(code, MESSAGES[500])
    if wants_json():
        return jsonify(error=str(title), message=str(detail or message)), code
    if request_ctx.url_adapter is None:
        # A Host outside TRUSTED_HOSTS: no URL can be built, so no layout; a bare page.
        return (f'<!doctype html><html lang="es"><meta charset="utf-8"><title>{escape(title)}'
                f"</title><h1>{escape(title)}</h1><p>{escape(detail or message)}</p></html>",
                code)
    return render_template("errors/error.html", code=code, title=title,
                           message=detail or message), code


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if error.code >= 500:
            return _server_error(error)
        return error_response(error.code if error.code in MESSAGES else 400)

    @app.errorhandler(CSRFError)
    def _csrf_error(_error):
        return error_response(400, _l("La sesión del formulario venció o no es válida. Recarga "
                                      "la página e inténtalo de nuevo."))

    @app.errorhandler(PermissionDenied)
    def _forbidden(error):
        return error_response(403, error.args[0] if error.args else None)

    @app.errorhandler(NotFound)
    def _not_found(_error):
        return error_response(404)

    @app.errorhandler(ValidationError)
    def _invalid(error):
        return error_response(422, "; ".join(str(m) for m in error.errors.values()))

    @app.errorhandler(InternalServerError)
    def _server_error(error):
        original = getattr(error, "original_exception", None)
        if original is not None:
            log.error("Unhandled error on %s %s", request.method, request.path,
                      exc_info=original)
        db.session.rollback()
        try:
            return error_response(500)
        except Exception:  # the layout itself failed (e.g. the database is down)
            log.exception("The 500 page could not be rendered")
            return FALLBACK_500, 500
