"""OAI-PMH 2.0 (``/oai``): harvested by a real OAI-PMH client (Sickle) over real HTTP, and every
protocol error checked by plain requests and an XML parser."""

import threading
from datetime import datetime, timedelta

import pytest
import requests
from defusedxml.ElementTree import fromstring
from sickle import Sickle
from sickle.oaiexceptions import IdDoesNotExist, NoRecordsMatch
from werkzeug.serving import WSGIRequestHandler, make_server

from community.core.database import mark_read_only
from community.core.timeutil import utcnow
from community.extensions import db
from community.library import oai, oai_views
from tests.library.oai_factories import (
    make_issue,
    make_resource,
    make_series,
    make_subject,
    set_updated,
)

NS = {"oai": oai.OAI_NS, "dc": oai.DC_NS, "oai_dc": oai.OAI_DC_NS}
XSS_TITLE = "<script>alert(1)</script> Ética & Co. \"OSC\" & 'más'"


# --- a live server, counting the requests it serves -----------------------------------------


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


class _Counting:
    def __init__(self, app):
        self.app, self.paths, self.lock = app, [], threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            self.paths.append(environ.get("PATH_INFO"))
        return self.app(environ, start_response)


@pytest.fixture
def live(app):
    """The test's app on a loopback port (the pattern of tests/e2e/conftest.py's live_server):
    the test thread reads with DEFERRED transactions so it never holds SQLite's write lock."""
    mark_read_only(True)
    wsgi = _Counting(app)
    server = make_server("127.0.0.1", 0, wsgi, threaded=True, request_handler=_Quiet)
    thread = threading.Thread(target=server.serve_forever, name="oai-live-server", daemon=True)
    thread.start()
    wsgi.url = f"http://127.0.0.1:{server.server_port}"
    yield wsgi
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()
    mark_read_only(False)


# --- the collection ---------------------------------------------------------------------------


@pytest.fixture
def collection(app, db):
    """Eleven harvestable records (two issues with two articles each, five more resources,
    one of them restricted, one withdrawn), plus a draft and a part of a draft issue."""
    app.config["OAI_PAGE_SIZE"] = 3
    series = make_series(description="La revista de las OSC mexiquenses.")
    other = make_series(slug="cuadernos", title="Cuadernos de Participación")
    subject = make_subject()
    first = make_issue(series, 1, subjects=[subject], areas=("IX",))
    second = make_issue(series, 2, identifier="ISSN 2954-1234")
    manual = make_resource("Manual de Visibilidad", kind="manual",
                           creators=(("Luis Gómez", "DGPS"), ("María López", "")),
                           subjects=[subject], areas=("IX", "XIII"), identifier="ISBN 978-607")
    restricted = make_resource("Guía interna", kind="guide", access="members")
    withdrawn = make_resource("Guía con errata", kind="guide", status="withdrawn")
    hostile = make_resource(XSS_TITLE, kind="presentation",
                            description="Texto con <b>marcas</b> & un control\x0b que XML "
                                        "no admite.")
    normative = make_resource("Reglamento", kind="normative", with_file=False,
                              language="nah", rights="all-rights-reserved")
    draft = make_resource("Borrador secreto", status="draft")
    draft_issue = make_issue(other, 9, status="draft", articles=1)
    db.session.commit()
    return {"series": series, "other": other, "issues": [first, second], "manual": manual,
            "restricted": restricted, "withdrawn": withdrawn, "hostile": hostile,
            "normative": normative, "draft": draft, "draft_issue": draft_issue,
            "draft_part": draft_issue.parts[0],
            "parts": [*first.parts, *second.parts]}


def _settings():
    return oai_views.settings()


def ident(resource) -> str:
    return oai.identifier_of(resource.id, _settings())


def harvested_ids(records) -> set[str]:
    return {record.header.identifier for record in records}


# --- harvesting with a real client ----------------------------------------------------------


def test_a_real_harvester_follows_the_resumption_tokens_to_the_end(live, collection):
    harvester = Sickle(live.url + "/oai", max_retries=0, timeout=10)
    records = list(harvester.ListRecords(metadataPrefix="oai_dc", ignore_deleted=False))

    expected = {ident(r) for r in (*collection["issues"], *collection["parts"],
                                   collection["manual"], collection["restricted"],
                                   collection["withdrawn"], collection["hostile"],
                                   collection["normative"])}
    assert len(records) == len(expected) == 11
    assert harvested_ids(records) == expected
    assert live.paths.count("/oai") == 4  # 11 records, 3 a page: the tokens were followed

    by_id = {record.header.identifier: record for record in records}
    manual = by_id[ident(collection["manual"])].metadata
    assert manual["title"] == ["Manual de Visibilidad"]
    assert manual["creator"] == ["Luis Gómez", "María López"]  # no affiliation in creator
    assert "Transparencia y rendición de cuentas" in manual["subject"]
    assert len(manual["subject"]) == 3  # the theme and two LFFAROC areas
    assert manual["date"] == ["2025-05-01"]
    assert manual["type"][0] == "Text" and "Manual" in manual["type"]
    assert manual["format"] == ["application/pdf"]
    assert manual["language"] == ["es"]
    assert "CC BY-NC 4.0" in manual["rights"]
    assert "https://creativecommons.org/licenses/by-nc/4.0/" in manual["rights"]
    assert oai.OPEN_ACCESS in manual["rights"]
    landing = f"/biblioteca/{collection['manual'].slug}"
    assert any(i.endswith(landing) for i in manual["identifier"])
    assert any(i.endswith(landing + "/archivo") for i in manual["identifier"])
    assert "ISBN 978-607" in manual["identifier"]

    article = by_id[ident(collection["parts"][0])]
    assert article.header.setSpecs == ["series:ciudadania-activa", "type:article"]
    issue_url = f"/biblioteca/{collection['issues'][0].slug}"
    assert any(r.endswith(issue_url) for r in article.metadata["relation"])
    assert article.metadata["source"] == ["Ciudadanía Activa núm. 1, pp. 1-4"]
    issue = by_id[ident(collection["issues"][1])].metadata
    assert any(r.endswith("/biblioteca/series/ciudadania-activa") for r in issue["relation"])
    assert "ISSN 2954-1234" in issue["identifier"]

    normative = by_id[ident(collection["normative"])].metadata
    assert "format" not in normative
    assert normative["language"] == ["nah"]
    assert "Todos los derechos reservados" in normative["rights"]


def test_drafts_never_appear_and_withdrawn_resources_are_deleted_records(live, collection):
    harvester = Sickle(live.url + "/oai", max_retries=0, timeout=10)
    records = list(harvester.ListRecords(metadataPrefix="oai_dc", ignore_deleted=False))
    found = harvested_ids(records)
    for name in ("draft", "draft_issue", "draft_part"):
        assert ident(collection[name]) not in found
    with pytest.raises(IdDoesNotExist):
        harvester.GetRecord(identifier=ident(collection["draft"]), metadataPrefix="oai_dc")
    with pytest.raises(IdDoesNotExist):
        harvester.GetRecord(identifier=ident(collection["draft_part"]), metadataPrefix="oai_dc")

    deleted = [r for r in records if r.header.deleted]
    assert [r.header.identifier for r in deleted] == [ident(collection["withdrawn"])]
    assert deleted[0].xml.find(f"{{{oai.OAI_NS}}}metadata") is None
    live_only = list(harvester.ListIdentifiers(metadataPrefix="oai_dc", ignore_deleted=True))
    assert ident(collection["withdrawn"]) not in {h.identifier for h in live_only}

    # Withdrawing an issue withdraws its articles, with a later datestamp.
    issue = collection["issues"][0]
    issue.status, issue.withdrawn_note = "withdrawn", "Número sustituido."
    db.session.commit()
    header = harvester.GetRecord(identifier=ident(issue.parts[0]),
                                 metadataPrefix="oai_dc").header
    assert header.deleted


def test_a_restricted_resource_gives_its_metadata_and_no_file(live, collection):
    harvester = Sickle(live.url + "/oai", max_retries=0, timeout=10)
    record = harvester.GetRecord(identifier=ident(collection["restricted"]),
                                 metadataPrefix="oai_dc")
    metadata = record.metadata
    assert metadata["title"] == ["Guía interna"]
    assert oai.RESTRICTED_ACCESS in metadata["rights"]
    assert [i for i in metadata["identifier"] if "/archivo" in i] == []
    assert any(i.endswith(f"/biblioteca/{collection['restricted'].slug}")
               for i in metadata["identifier"])


def test_sets_identify_and_selective_harvesting(live, collection):
    harvester = Sickle(live.url + "/oai", max_retries=0, timeout=10)
    sets = {s.setSpec: s.setName for s in harvester.ListSets()}
    assert sets["series:ciudadania-activa"] == "Ciudadanía Activa"
    assert sets["series:cuadernos"] == "Cuadernos de Participación"
    assert sets["type:article"] == "Artículo"
    assert {"series", "type", "type:issue", "type:normative"} <= set(sets)

    in_series = list(harvester.ListIdentifiers(metadataPrefix="oai_dc",
                                               set="series:ciudadania-activa"))
    assert {h.identifier for h in in_series} == {
        ident(r) for r in (*collection["issues"], *collection["parts"])}
    guides = list(harvester.ListIdentifiers(metadataPrefix="oai_dc", set="type:guide",
                                            ignore_deleted=False))
    assert {h.identifier for h in guides} == {ident(collection["restricted"]),
                                             ident(collection["withdrawn"])}
    with pytest.raises(NoRecordsMatch):
        list(harvester.ListIdentifiers(metadataPrefix="oai_dc", set="series:cuadernos"))

    identify = harvester.Identify()
    assert identify.repositoryName == "Biblioteca de Comunidad OSC"
    assert identify.protocolVersion == "2.0"
    assert identify.deletedRecord == "persistent"
    assert identify.granularity == "YYYY-MM-DDThh:mm:ssZ"
    assert identify.adminEmail == "participacion.social@edomex.gob.mx"
    assert identify.baseURL.endswith("/oai")
    datetime.strptime(identify.earliestDatestamp, "%Y-%m-%dT%H:%M:%SZ")

    formats = list(harvester.ListMetadataFormats())
    assert [f.metadataPrefix for f in formats] == ["oai_dc"]
    formats = list(harvester.ListMetadataFormats(identifier=ident(collection["manual"])))
    assert formats[0].metadataNamespace == oai.OAI_DC_NS

    # POST, form-encoded, as the protocol allows (and without a CSRF token).
    posting = Sickle(live.url + "/oai", http_method="POST", max_retries=0, timeout=10)
    posted = list(posting.ListRecords(metadataPrefix="oai_dc", ignore_deleted=False))
    assert len(posted) == 11


def test_hostile_titles_come_back_escaped_in_a_document_that_parses(live, collection):
    response = requests.get(live.url + "/oai", params={
        "verb": "GetRecord", "metadataPrefix": "oai_dc",
        "identifier": ident(collection["hostile"])}, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    body = response.content
    assert b"<script>" not in body and b"<b>" not in body
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert b"\x0b" not in body
    root = fromstring(body)
    assert root.find(".//dc:title", NS).text == XSS_TITLE
    assert "control que XML" in root.find(".//dc:description", NS).text

    harvester = Sickle(live.url + "/oai", max_retries=0, timeout=10)
    record = harvester.GetRecord(identifier=ident(collection["hostile"]),
                                 metadataPrefix="oai_dc")
    assert record.metadata["title"] == [XSS_TITLE]


# --- the protocol, request by request ------------------------------------------------------


def ask(live, method="GET", **params):
    if method == "POST":
        response = requests.post(live.url + "/oai", data=params, timeout=10)
    else:
        response = requests.get(live.url + "/oai", params=params, timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    return fromstring(response.content)


def error_codes(root) -> list[str]:
    return [error.get("code") for error in root.findall("oai:error", NS)]


def test_every_error_code(live, collection):
    assert error_codes(ask(live)) == ["badVerb"]
    assert error_codes(ask(live, verb="Harvest")) == ["badVerb"]
    repeated = requests.get(live.url + "/oai?verb=Identify&verb=Identify", timeout=10)
    assert error_codes(fromstring(repeated.content)) == ["badVerb"]

    bad_arguments = [
        {"verb": "Identify", "extra": "1"},
        {"verb": "ListRecords"},  # no metadataPrefix
        {"verb": "GetRecord", "metadataPrefix": "oai_dc"},  # no identifier
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2025-13-01"},
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2025-01-01T00:00:00"},
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2025-01-01",
         "until": "2025-02-01T00:00:00Z"},  # mixed granularity
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2025-02-01",
         "until": "2025-01-01"},  # until before from
        {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "resumptionToken": "x"},
        {"verb": "ListRecords", "metadataPrefix": ""},
    ]
    for params in bad_arguments:
        root = ask(live, **params)
        assert "badArgument" in error_codes(root), params
        assert root.find("oai:request", NS).attrib == {}  # not echoed after badArgument
    repeated = requests.get(live.url + "/oai?verb=ListRecords&metadataPrefix=oai_dc"
                                       "&metadataPrefix=oai_dc", timeout=10)
    assert error_codes(fromstring(repeated.content)) == ["badArgument"]

    assert error_codes(ask(live, verb="ListRecords", metadataPrefix="marc21")) == [
        "cannotDisseminateFormat"]
    assert error_codes(ask(live, verb="GetRecord", metadataPrefix="mods",
                           identifier=ident(collection["manual"]))) == [
        "cannotDisseminateFormat"]
    for identifier in ("oai:otro.repositorio:resource/1", "oai:127.0.0.1:resource/99999",
                       "oai:127.0.0.1:resource/9223372036854775808",
                       "oai:127.0.0.1:resource/²", ident(collection["draft"])):
        root = ask(live, verb="GetRecord", metadataPrefix="oai_dc", identifier=identifier)
        assert error_codes(root) == ["idDoesNotExist"], identifier
        assert ask(live, verb="ListMetadataFormats", identifier=identifier).find(
            "oai:error", NS).get("code") == "idDoesNotExist"

    assert error_codes(ask(live, verb="ListRecords", metadataPrefix="oai_dc",
                           set="series:no-existe")) == ["noRecordsMatch"]
    assert error_codes(ask(live, verb="ListIdentifiers", metadataPrefix="oai_dc",
                           **{"from": "2999-01-01"})) == ["noRecordsMatch"]
    assert error_codes(ask(live, verb="ListSets", resumptionToken="abc")) == [
        "badResumptionToken"]
    root = ask(live, verb="ListRecords", metadataPrefix="marc21")
    assert root.find("oai:request", NS).get("metadataPrefix") == "marc21"  # echoed


def test_resumption_tokens_cannot_be_forged_and_expire(live, collection):
    first = ask(live, verb="ListIdentifiers", metadataPrefix="oai_dc")
    token = first.find(".//oai:resumptionToken", NS)
    assert token.get("cursor") == "0" and token.get("completeListSize") == "11"
    assert len(first.findall(".//oai:header", NS)) == 3

    second = ask(live, "POST", verb="ListIdentifiers", resumptionToken=token.text)
    following = second.find(".//oai:resumptionToken", NS)
    assert following.get("cursor") == "3"
    assert error_codes(second) == []
    first_ids = {h.text for h in first.findall(".//oai:identifier", NS)}
    second_ids = {h.text for h in second.findall(".//oai:identifier", NS)}
    assert first_ids.isdisjoint(second_ids)

    # A token of ListIdentifiers does not resume ListRecords.
    assert error_codes(ask(live, verb="ListRecords", resumptionToken=token.text)) == [
        "badResumptionToken"]
    # Altered, or signed with another key: refused.
    forged = token.text[:-2] + ("AA" if not token.text.endswith("AA") else "BB")
    assert error_codes(ask(live, verb="ListIdentifiers", resumptionToken=forged)) == [
        "badResumptionToken"]
    settings = _settings()
    query = oai.ListQuery("ListIdentifiers", "oai_dc", offset=0, after=0)
    other_key = oai.Settings(**{**vars(settings), "secret_key": "not-the-secret"})
    made_elsewhere = oai.make_token(query, other_key, utcnow() + timedelta(hours=1))
    assert error_codes(ask(live, verb="ListIdentifiers", resumptionToken=made_elsewhere)) == [
        "badResumptionToken"]
    # Genuine but expired.
    expired = oai.make_token(query, settings, utcnow() - timedelta(seconds=5))
    root = ask(live, verb="ListIdentifiers", resumptionToken=expired)
    assert error_codes(root) == ["badResumptionToken"]
    assert "venció" in root.find("oai:error", NS).text
    # The last page says the list is complete with an empty token.
    page, seen = second, 6
    while page.find(".//oai:resumptionToken", NS).text:
        page = ask(live, verb="ListIdentifiers",
                   resumptionToken=page.find(".//oai:resumptionToken", NS).text)
        seen += len(page.findall(".//oai:header", NS))
    last = page.find(".//oai:resumptionToken", NS)
    assert last.get("completeListSize") == "11" and seen == 11
    assert last.get("cursor") == "9"


def test_datestamps_and_date_ranges(app, live, collection):
    app.config["OAI_PAGE_SIZE"] = 50
    manual = collection["manual"]
    set_updated(manual, datetime(2024, 3, 5, 10, 30, 15, 500000))
    for resource in collection["issues"]:
        set_updated(resource, datetime(2026, 1, 10, 8, 0, 0))
    for resource in collection["parts"]:
        set_updated(resource, datetime(2025, 1, 1, 8, 0, 0))
    db.session.commit()
    root = ask(live, verb="GetRecord", metadataPrefix="oai_dc", identifier=ident(manual))
    assert root.find(".//oai:datestamp", NS).text == "2024-03-05T10:30:15Z"
    assert ask(live, verb="Identify").find(".//oai:earliestDatestamp", NS).text == \
        "2024-03-05T10:30:15Z"

    def listed(**dates) -> set[str]:
        root = ask(live, verb="ListIdentifiers", metadataPrefix="oai_dc", **dates)
        if error_codes(root) == ["noRecordsMatch"]:
            return set()
        return {h.text for h in root.findall(".//oai:identifier", NS)}

    assert listed(until="2024-03-05") == {ident(manual)}
    assert listed(until="2024-03-05T10:30:15Z") == {ident(manual)}  # inclusive to the second
    assert listed(until="2024-03-05T10:30:14Z") == set()
    assert listed(**{"from": "2024-03-05T10:30:15Z", "until": "2024-03-06T00:00:00Z"}) == {
        ident(manual)}
    assert listed(**{"from": "2024-03-05T10:30:16Z", "until": "2024-12-31T00:00:00Z"}) == set()
    # The articles of the issues take their issue's (later) datestamp.
    assert listed(**{"from": "2026-01-10", "until": "2026-01-10"}) == {
        ident(r) for r in (*collection["issues"], *collection["parts"])}
    root = ask(live, verb="GetRecord", metadataPrefix="oai_dc",
               identifier=ident(collection["parts"][0]))
    assert root.find(".//oai:datestamp", NS).text == "2026-01-10T08:00:00Z"


def test_protocol_functions_without_a_request(app, collection):
    """oai.respond is a pure function of the arguments, the settings and the clock."""
    settings = _settings()
    now = datetime(2026, 6, 1, 12, 0, 0)
    root = fromstring(oai.respond([("verb", "Identify")], settings, now=now))
    assert root.find("oai:responseDate", NS).text == "2026-06-01T12:00:00Z"
    assert root.find("oai:request", NS).get("verb") == "Identify"
    with pytest.raises(oai.ProtocolError) as caught:
        oai.parse_bounds("2025-01-01", "2025-01-01T00:00:00Z")
    assert caught.value.codes == {"badArgument"}
    assert oai.parse_bounds("9999-12-31", "9999-12-31")[1] is None  # no overflow at the end
    schema = root.get(f"{{{oai.XSI_NS}}}schemaLocation")
    assert schema == f"{oai.OAI_NS} {oai.OAI_SCHEMA}"


def test_a_configured_repository_id_names_the_records_and_is_described(app, client,
                                                                       collection):
    app.config["OAI_REPOSITORY_ID"] = "comunidad-osc.edomex.gob.mx"
    root = fromstring(client.get("/oai?verb=Identify").data)
    described = root.find(".//id:oai-identifier", {"id": oai.OAI_ID_NS})
    assert described.find("id:repositoryIdentifier", {"id": oai.OAI_ID_NS}).text == \
        "comunidad-osc.edomex.gob.mx"
    identifier = f"oai:comunidad-osc.edomex.gob.mx:resource/{collection['manual'].id}"
    root = fromstring(client.get(f"/oai?verb=GetRecord&metadataPrefix=oai_dc"
                                 f"&identifier={identifier}").data)
    assert root.find(".//oai:header/oai:identifier", NS).text == identifier
