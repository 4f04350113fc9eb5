"""The OAI-PMH door of the library: ``/oai``, GET and POST (form-encoded) as the protocol says.

The route reads the arguments and the configuration and hands them to ``oai.respond``. It is
exempt from CSRF: a harvester has no session and no form, and every verb only reads (the
protocol has no writes), so the answer to a forged cross-site POST is a document the forger
cannot read. Answers are in Spanish whatever the harvester's Accept-Language, so a record's
type label does not change with who asked.
"""

from email.utils import parseaddr
from urllib.parse import urlsplit

from flask import Response, current_app, request
from flask_babel import force_locale

from community.core.database import mark_read_only
from community.core.urls import external_url
from community.extensions import csrf
from community.library import bp, oai

DEFAULT_ADMIN_EMAIL = "participacion.social@edomex.gob.mx"


def settings() -> oai.Settings:
    config = current_app.config
    contact = config.get("CONTACT") or {}
    sender = parseaddr(config.get("MAIL_DEFAULT_SENDER") or "")[1]
    repository_id = (config.get("OAI_REPOSITORY_ID")
                     or urlsplit(config.get("BASE_URL") or "").hostname or "localhost")
    return oai.Settings(
        base_url=external_url("library.oai_pmh"),
        repository_id=repository_id,
        admin_email=contact.get("email") or sender or DEFAULT_ADMIN_EMAIL,
        secret_key=str(config["SECRET_KEY"]),
        page_size=max(1, int(config.get("OAI_PAGE_SIZE") or oai.DEFAULT_PAGE_SIZE)),
        token_max_age=int(config.get("OAI_TOKEN_MAX_AGE") or oai.DEFAULT_TOKEN_MAX_AGE),
    )


@bp.route("/oai", methods=["GET", "POST"])
@csrf.exempt
def oai_pmh():
    """OAI-PMH 2.0 (Identify, ListMetadataFormats, ListSets, ListIdentifiers, ListRecords,
    GetRecord) with oai_dc."""
    mark_read_only(True)  # a POST here only reads: no write lock on SQLite
    source = request.form if request.method == "POST" else request.args
    with force_locale("es_MX"):
        body = oai.respond(list(source.items(multi=True)), settings())
    response = Response(body, content_type="text/xml; charset=utf-8")
    response.headers["Cache-Control"] = "no-store"
    return response
