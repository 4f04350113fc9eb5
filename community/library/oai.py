"""OAI-PMH 2.0 for the library: the protocol, as pure functions over the database.

``respond(pairs, settings)`` takes the request's arguments as (name, value) pairs (so that a
repeated argument can be told apart) and returns the XML document; the route (``oai_views``)
only reads the request and the configuration. Metadata format: ``oai_dc`` (unqualified Dublin
Core), the one every harvester reads.

What is harvested is what an anonymous visitor sees (``public``): published resources, and
withdrawn ones as deleted records (``deletedRecord`` is "persistent": a withdrawn resource
stays in the database with its note). Drafts never exist here. A part follows its parent. A
restricted resource gives its metadata and its landing page, never the address of its file.

Sets: ``series`` and one ``series:<slug>`` per series (an issue and its articles), ``type`` and
one ``type:<kind>`` per kind. Identifiers: ``oai:<repository id>:resource/<id>``, the
repository id being ``OAI_REPOSITORY_ID`` or ``BASE_URL``'s host. Datestamps are the record's
``updated_at`` in UTC (its parent's when later: withdrawing an issue withdraws its articles),
with the granularity of seconds.

Lists come in pages of ``page_size`` records with a resumption token: the query, the position
and an expiry, signed with the app's secret (itsdangerous), so a token can be neither forged
nor altered; the pages are cut by id (keyset), so records added during a harvest do not shift
the pages after them.

The documents are built with ``xml.etree.ElementTree``, which escapes every text and attribute;
characters XML 1.0 cannot carry at all (control characters) are dropped first, so a hostile
title still yields a document that parses. Namespaces are written as literal ``xmlns``
attributes, which leaves ElementTree's process-wide prefix map alone.
"""

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import func, select

from community.core.inputs import as_id
from community.core.timeutil import utcnow
from community.extensions import db
from community.library import access, public
from community.library.labels import KINDS, kind_label, rights_of
from community.library.models import Resource, Series

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
DC_NS = "http://purl.org/dc/elements/1.1/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
OAI_ID_NS = "http://www.openarchives.org/OAI/2.0/oai-identifier"
OAI_ID_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai-identifier.xsd"

REPOSITORY_NAME = "Biblioteca de Comunidad OSC"
GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
METADATA_FORMATS = {"oai_dc": (OAI_DC_SCHEMA, OAI_DC_NS)}
DEFAULT_PAGE_SIZE = 50
DEFAULT_TOKEN_MAX_AGE = 24 * 3600
MAX_ARGUMENT_LENGTH = 2000
TOKEN_SALT = "library.oai-pmh.resumption-token"  # noqa: S105 - a namespace, not a secret

# The OpenAIRE / LA Referencia vocabulary of publication types, beside DCMI's "Text".
EU_REPO_TYPES = {
    "issue": "info:eu-repo/semantics/other",
    "article": "info:eu-repo/semantics/article",
    "manual": "info:eu-repo/semantics/book",
    "chapter": "info:eu-repo/semantics/bookPart",
    "guide": "info:eu-repo/semantics/book",
    "presentation": "info:eu-repo/semantics/lecture",
    "normative": "info:eu-repo/semantics/other",
}
OPEN_ACCESS = "info:eu-repo/semantics/openAccess"
RESTRICTED_ACCESS = "info:eu-repo/semantics/restrictedAccess"

# Which arguments each verb takes: (required, optional). The list verbs and ListSets also take
# resumptionToken, alone.
VERBS = {
    "Identify": (frozenset(), frozenset()),
    "ListMetadataFormats": (frozenset(), frozenset({"identifier"})),
    "ListSets": (frozenset(), frozenset()),
    "ListIdentifiers": (frozenset({"metadataPrefix"}), frozenset({"from", "until", "set"})),
    "ListRecords": (frozenset({"metadataPrefix"}), frozenset({"from", "until", "set"})),
    "GetRecord": (frozenset({"identifier", "metadataPrefix"}), frozenset()),
}
RESUMABLE = frozenset({"ListSets", "ListIdentifiers", "ListRecords"})

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SECOND = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
_SET_PART = re.compile(r"[A-Za-z0-9\-_.!~*'()]+")
_DOMAIN = re.compile(r"[a-zA-Z][a-zA-Z0-9\-]*(\.[a-zA-Z][a-zA-Z0-9\-]*)+")


@dataclass(frozen=True)
class Settings:
    """What the protocol needs from the configuration (``oai_views.settings``)."""

    base_url: str
    repository_id: str
    admin_email: str
    secret_key: str
    page_size: int = DEFAULT_PAGE_SIZE
    token_max_age: int = DEFAULT_TOKEN_MAX_AGE
    repository_name: str = REPOSITORY_NAME


class ProtocolError(Exception):
    """One or more OAI-PMH errors: [(code, message)]."""

    def __init__(self, *errors: tuple[str, str]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(f"{code}: {message}" for code, message in errors))

    @property
    def codes(self) -> set[str]:
        return {code for code, _message in self.errors}


# --- the document ----------------------------------------------------------------------------


def clean(value) -> str:
    """Text XML 1.0 can carry: the characters it forbids outright are dropped (ElementTree
    escapes the rest)."""
    return _NOT_XML.sub("", str(value))


def _sub(parent, tag: str, text=None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: clean(v) for k, v in attrs.items()
                                          if v is not None})
    if text is not None:
        element.text = clean(text)
    return element


def stamp(value: datetime) -> str:
    """A datestamp with the repository's granularity (naive UTC in, ``...Z`` out)."""
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def respond(pairs, settings: Settings, now: datetime | None = None) -> bytes:
    """The whole response document to one request, as UTF-8 bytes."""
    now = (now or utcnow()).replace(microsecond=0)
    root = ET.Element("OAI-PMH", {
        "xmlns": OAI_NS, "xmlns:xsi": XSI_NS,
        "xsi:schemaLocation": f"{OAI_NS} {OAI_SCHEMA}"})
    _sub(root, "responseDate", stamp(now))
    request_element = _sub(root, "request", settings.base_url)
    verb, args = None, {}
    try:
        verb, args = parse_arguments(pairs)
        content = HANDLERS[verb](args, settings, now)
    except ProtocolError as error:
        if verb and not error.codes & {"badVerb", "badArgument"}:
            _echo(request_element, verb, args)
        for code, message in error.errors:
            _sub(root, "error", message, code=code)
    else:
        _echo(request_element, verb, args)
        root.append(content)
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode("utf-8")


def _echo(element, verb: str, args: dict) -> None:
    element.set("verb", verb)
    for name in sorted(args):
        element.set(name, clean(args[name]))


def parse_arguments(pairs) -> tuple[str, dict]:
    """The verb and its arguments, or the protocol's badVerb / badArgument."""
    pairs = [(str(name), str(value)) for name, value in pairs]
    verbs = [value for name, value in pairs if name == "verb"]
    if not verbs:
        raise ProtocolError(("badVerb", "Falta el argumento verb."))
    if len(verbs) > 1:
        raise ProtocolError(("badVerb", "El argumento verb está repetido."))
    verb = verbs[0]
    if verb not in VERBS:
        raise ProtocolError(("badVerb", "El verbo no es de OAI-PMH 2.0."))
    required, optional = VERBS[verb]
    allowed = required | optional | ({"resumptionToken"} if verb in RESUMABLE else set())
    args, errors = {}, []
    for name, value in pairs:
        if name == "verb":
            continue
        shown = clean(name)[:40]
        if name in args:
            errors.append(("badArgument", f"El argumento {shown} está repetido."))
        elif name not in allowed:
            errors.append(("badArgument", f"{verb} no acepta el argumento {shown}."))
        elif not value or len(value) > MAX_ARGUMENT_LENGTH:
            errors.append(("badArgument", f"El argumento {shown} está vacío o es demasiado "
                                          "largo."))
        args[name] = value
    if "resumptionToken" in args:
        if len(args) > 1:
            errors.append(("badArgument", "resumptionToken no admite otros argumentos."))
    else:
        for name in sorted(required - set(args)):
            errors.append(("badArgument", f"Falta el argumento {name}."))
    if errors:
        raise ProtocolError(*errors)
    return verb, args


# --- identifiers and the records behind them ------------------------------------------------


def identifier_of(resource_id: int, settings: Settings) -> str:
    return f"oai:{settings.repository_id}:resource/{resource_id}"


def resource_for(identifier: str, settings: Settings) -> Resource:
    """The harvestable resource an identifier names, or idDoesNotExist."""
    prefix = f"oai:{settings.repository_id}:resource/"
    resource_id = as_id(identifier[len(prefix):]) if identifier.startswith(prefix) else None
    resource = db.session.get(Resource, resource_id) if resource_id else None
    if resource is None or access.status_of(resource) == "draft":
        raise ProtocolError(("idDoesNotExist", "Ese identificador no existe en este "
                                               "repositorio."))
    return resource


def datestamp_of(resource: Resource) -> datetime:
    stamps = [resource.updated_at]
    if resource.parent_id and resource.parent is not None:
        stamps.append(resource.parent.updated_at)
    return max(stamp_ for stamp_ in stamps if stamp_ is not None)


def set_specs(resource: Resource) -> list[str]:
    specs = []
    series = resource.series or (resource.parent.series if resource.parent_id
                                 and resource.parent is not None else None)
    if series is not None and _SET_PART.fullmatch(series.slug or ""):
        specs.append(f"series:{series.slug}")
    if resource.kind in KINDS:
        specs.append(f"type:{resource.kind}")
    return specs


def _header(parent, resource: Resource, datestamp: datetime, settings: Settings) -> bool:
    """Writes the record's header; True when the record is deleted (withdrawn)."""
    deleted = access.status_of(resource) == "withdrawn"
    header = _sub(parent, "header", status="deleted" if deleted else None)
    _sub(header, "identifier", identifier_of(resource.id, settings))
    _sub(header, "datestamp", stamp(datestamp))
    for spec in set_specs(resource):
        _sub(header, "setSpec", spec)
    return deleted


def _record(parent, resource: Resource, datestamp: datetime, settings: Settings) -> None:
    record = _sub(parent, "record")
    if not _header(record, resource, datestamp, settings):
        dublin_core(_sub(record, "metadata"), resource)


def dublin_core(parent, resource: Resource) -> ET.Element:
    """The ``oai_dc:dc`` element of a published resource."""
    dc = _sub(parent, "oai_dc:dc", **{
        "xmlns:oai_dc": OAI_DC_NS, "xmlns:dc": DC_NS,
        "xsi:schemaLocation": f"{OAI_DC_NS} {OAI_DC_SCHEMA}"})

    def element(name: str, value) -> None:
        if value is not None and str(value).strip():
            _sub(dc, f"dc:{name}", str(value).strip())

    whole = access.effective(resource)
    restricted = access.is_restricted(resource)
    series = resource.series or (whole.series if whole is not resource else None)
    stored = public.file_of(resource)

    element("title", resource.title)
    for creator in resource.creators:
        element("creator", creator.name)
    for subject in resource.subjects:
        element("subject", subject.name)
    for area in resource.areas:
        element("subject", area.name)
    element("description", resource.description)
    element("publisher", resource.publisher or whole.publisher
            or (series.publisher if series is not None else ""))
    if resource.issued:
        element("date", resource.issued.isoformat())
    element("type", "Text")
    element("type", EU_REPO_TYPES.get(resource.kind, "info:eu-repo/semantics/other"))
    element("type", kind_label(resource.kind))
    if stored is not None:
        element("format", "application/pdf")
    element("identifier", public.landing_url(resource))
    element("identifier", resource.identifier)
    if stored is not None and not restricted:
        element("identifier", public.file_url(resource))
    if whole is not resource:
        pages = (f", pp. {resource.first_page}-{resource.last_page}"
                 if resource.first_page and resource.last_page else "")
        element("source", f"{whole.title}{pages}")
        element("relation", public.landing_url(whole))
    elif series is not None:
        number = f", núm. {resource.issue_number}" if resource.issue_number else ""
        element("source", f"{series.title}{number}")
        element("relation", public.series_url(series))
        element("relation", series.identifier)
    element("language", resource.language)
    label, url = rights_of(resource.rights)
    element("rights", label)
    element("rights", url)
    element("rights", RESTRICTED_ACCESS if restricted else OPEN_ACCESS)
    return dc


# --- the verbs --------------------------------------------------------------------------------


def earliest_datestamp() -> datetime | None:
    stmt = public.existing(select(func.min(public.datestamp_column())).select_from(Resource))
    return db.session.scalar(stmt)


def identify(args: dict, settings: Settings, now: datetime) -> ET.Element:
    element = ET.Element("Identify")
    _sub(element, "repositoryName", settings.repository_name)
    _sub(element, "baseURL", settings.base_url)
    _sub(element, "protocolVersion", "2.0")
    _sub(element, "adminEmail", settings.admin_email)
    _sub(element, "earliestDatestamp", stamp(earliest_datestamp() or now))
    _sub(element, "deletedRecord", "persistent")
    _sub(element, "granularity", GRANULARITY)
    if _DOMAIN.fullmatch(settings.repository_id):
        described = _sub(_sub(element, "description"), "oai-identifier", **{
            "xmlns": OAI_ID_NS, "xsi:schemaLocation": f"{OAI_ID_NS} {OAI_ID_SCHEMA}"})
        _sub(described, "scheme", "oai")
        _sub(described, "repositoryIdentifier", settings.repository_id)
        _sub(described, "delimiter", ":")
        _sub(described, "sampleIdentifier", identifier_of(1, settings))
    return element


def list_metadata_formats(args: dict, settings: Settings, now: datetime) -> ET.Element:
    if "identifier" in args:
        resource_for(args["identifier"], settings)
    element = ET.Element("ListMetadataFormats")
    for prefix, (schema, namespace) in METADATA_FORMATS.items():
        described = _sub(element, "metadataFormat")
        _sub(described, "metadataPrefix", prefix)
        _sub(described, "schema", schema)
        _sub(described, "metadataNamespace", namespace)
    return element


def list_sets(args: dict, settings: Settings, now: datetime) -> ET.Element:
    if "resumptionToken" in args:
        raise ProtocolError(("badResumptionToken", "La lista de conjuntos cabe en una "
                                                   "respuesta: no hay token que valga."))
    element = ET.Element("ListSets")

    def described(spec: str, name: str, description: str = "") -> None:
        item = _sub(element, "set")
        _sub(item, "setSpec", spec)
        _sub(item, "setName", name)
        if description.strip():
            dc = _sub(_sub(item, "setDescription"), "oai_dc:dc", **{
                "xmlns:oai_dc": OAI_DC_NS, "xmlns:dc": DC_NS,
                "xsi:schemaLocation": f"{OAI_DC_NS} {OAI_DC_SCHEMA}"})
            _sub(dc, "dc:description", description.strip())

    described("series", "Publicaciones periódicas")
    for series in db.session.scalars(select(Series).order_by(Series.title, Series.id)):
        if _SET_PART.fullmatch(series.slug or ""):
            described(f"series:{series.slug}", series.title, series.description or "")
    described("type", "Tipos de publicación")
    for kind in KINDS:
        described(f"type:{kind}", kind_label(kind))
    return element


@dataclass
class ListQuery:
    """A list request, as a resumption token carries it."""

    verb: str
    prefix: str
    start: str | None = None
    end: str | None = None
    set_spec: str | None = None
    offset: int = 0
    after: int = 0
    bounds: tuple = field(default=(None, None), repr=False)

    def payload(self, expires: datetime) -> list:
        return [self.verb, self.prefix, self.start, self.end, self.set_spec, self.offset,
                self.after, int(expires.timestamp())]


def _serializer(settings: Settings) -> URLSafeSerializer:
    return URLSafeSerializer(settings.secret_key, salt=TOKEN_SALT)


def make_token(query: ListQuery, settings: Settings, expires: datetime) -> str:
    return _serializer(settings).dumps(query.payload(expires))


def read_token(token: str, verb: str, settings: Settings, now: datetime) -> ListQuery:
    bad = ProtocolError(("badResumptionToken", "El resumptionToken no es válido."))
    try:
        payload = _serializer(settings).loads(token)
    except BadData:
        raise bad from None
    if not (isinstance(payload, list) and len(payload) == 8):
        raise bad
    token_verb, prefix, start, end, set_spec, offset, after, expires = payload
    if token_verb != verb or not isinstance(offset, int) or not isinstance(after, int) \
            or not isinstance(expires, int):
        raise bad
    if expires < int(now.timestamp()):
        raise ProtocolError(("badResumptionToken", "El resumptionToken venció; empieza la "
                                                   "cosecha de nuevo."))
    query = ListQuery(verb, prefix, start, end, set_spec, offset, after)
    query.bounds = parse_bounds(start, end)
    return query


def _parse_date(raw: str, name: str) -> tuple[datetime, bool]:
    """(moment, whether it is a day) of a ``from``/``until`` value, or badArgument."""
    try:
        if _DAY.fullmatch(raw):
            return datetime.strptime(raw, "%Y-%m-%d"), True
        if _SECOND.fullmatch(raw):
            return datetime.strptime(raw, "%Y-%m-%dT%H:%M:%SZ"), False
    except ValueError:
        pass
    raise ProtocolError(("badArgument", f"El argumento {name} no es una fecha con la "
                                        f"granularidad {GRANULARITY} o YYYY-MM-DD."))


def parse_bounds(start: str | None, end: str | None) -> tuple:
    """(first moment included, first moment excluded) from ``from`` and ``until``."""
    low = high = None
    low_day = high_day = None
    if start is not None:
        low, low_day = _parse_date(start, "from")
    if end is not None:
        until, high_day = _parse_date(end, "until")
        try:
            high = until + (timedelta(days=1) if high_day else timedelta(seconds=1))
        except OverflowError:
            high = None  # the end of the calendar: no bound
        if low is not None and low_day != high_day:
            raise ProtocolError(("badArgument", "from y until deben tener la misma "
                                                "granularidad."))
        if low is not None and until < low:
            raise ProtocolError(("badArgument", "until es anterior a from."))
    return low, high


def _list_query(verb: str, args: dict, settings: Settings, now: datetime) -> ListQuery:
    if "resumptionToken" in args:
        return read_token(args["resumptionToken"], verb, settings, now)
    query = ListQuery(verb, args["metadataPrefix"], args.get("from"), args.get("until"),
                      args.get("set"))
    errors = []
    try:
        query.bounds = parse_bounds(query.start, query.end)
    except ProtocolError as error:
        errors.extend(error.errors)
    if query.prefix not in METADATA_FORMATS:
        errors.append(("cannotDisseminateFormat", "Este repositorio solo ofrece oai_dc."))
    if errors:
        raise ProtocolError(*errors)
    return query


NO_RECORDS = ("noRecordsMatch", "Ningún registro coincide con la solicitud.")


def _set_clause(spec: str | None):
    """The SQL condition of a set, or None for no condition; noRecordsMatch for a set that
    does not exist."""
    if spec is None or spec == "type":
        return None
    if spec == "series":
        return public.series_clause(None)
    group, _, value = spec.partition(":")
    if group == "type" and value in KINDS:
        return Resource.kind == value
    if group == "series" and _SET_PART.fullmatch(value):
        series_id = db.session.scalar(select(Series.id).where(Series.slug == value))
        if series_id is not None:
            return public.series_clause(series_id)
    raise ProtocolError(NO_RECORDS)


def _listed(verb: str, args: dict, settings: Settings, now: datetime) -> ET.Element:
    query = _list_query(verb, args, settings, now)
    if query.prefix not in METADATA_FORMATS:
        raise ProtocolError(("cannotDisseminateFormat", "Este repositorio solo ofrece oai_dc."))
    datestamp = public.datestamp_column()
    conditions = []
    low, high = query.bounds
    if low is not None:
        conditions.append(datestamp >= low)
    if high is not None:
        conditions.append(datestamp < high)
    in_set = _set_clause(query.set_spec)
    if in_set is not None:
        conditions.append(in_set)
    total = db.session.scalar(public.existing(
        select(func.count()).select_from(Resource)).where(*conditions))
    rows = db.session.execute(
        public.existing(select(Resource, datestamp)).where(*conditions, Resource.id > query.after)
        .options(*public.RECORD_LOADS).order_by(Resource.id).limit(settings.page_size)).all()
    rows = [(resource, stamp_) for resource, stamp_ in rows
            if access.status_of(resource) != "draft"]
    if not rows:
        raise ProtocolError(NO_RECORDS)
    element = ET.Element(verb)
    for resource, stamp_ in rows:
        if verb == "ListRecords":
            _record(element, resource, stamp_, settings)
        else:
            _header(element, resource, stamp_, settings)
    seen = query.offset + len(rows)
    if seen < total and len(rows) == settings.page_size:
        expires = now + timedelta(seconds=settings.token_max_age)
        following = ListQuery(verb, query.prefix, query.start, query.end, query.set_spec,
                              seen, rows[-1][0].id)
        _sub(element, "resumptionToken", make_token(following, settings, expires),
             completeListSize=str(total), cursor=str(query.offset),
             expirationDate=stamp(expires))
    elif query.offset:
        _sub(element, "resumptionToken", "", completeListSize=str(max(total, seen)),
             cursor=str(query.offset))
    return element


def list_identifiers(args: dict, settings: Settings, now: datetime) -> ET.Element:
    return _listed("ListIdentifiers", args, settings, now)


def list_records(args: dict, settings: Settings, now: datetime) -> ET.Element:
    return _listed("ListRecords", args, settings, now)


def get_record(args: dict, settings: Settings, now: datetime) -> ET.Element:
    errors = []
    resource = None
    try:
        resource = resource_for(args["identifier"], settings)
    except ProtocolError as error:
        errors.extend(error.errors)
    if args["metadataPrefix"] not in METADATA_FORMATS:
        errors.append(("cannotDisseminateFormat", "Este repositorio solo ofrece oai_dc."))
    if errors:
        raise ProtocolError(*errors)
    element = ET.Element("GetRecord")
    _record(element, resource, datestamp_of(resource), settings)
    return element


HANDLERS = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "ListIdentifiers": list_identifiers,
    "ListRecords": list_records,
    "GetRecord": get_record,
}
