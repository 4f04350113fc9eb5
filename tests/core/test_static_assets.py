"""Static files and compression over HTTP (community/core/assets.py).

Static URLs carry the digest of the file's bytes and are cached for a year, immutable; any
other URL of the file revalidates. Text responses are compressed when the client accepts it,
streamed ones chunk by chunk; ranges, 304s and already-compressed types are left alone.
"""

import gzip
import hashlib
import os
import re
from pathlib import Path

import brotli
import pytest
from flask import Response, stream_with_context, url_for

from community.core import assets

try:  # Python 3.14
    from compression import zstd
except ImportError:  # the package Flask-Compress itself brings before 3.14
    from backports import zstd

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "static"
BROWSER = "gzip, deflate, br, zstd"
YEAR = 365 * 24 * 3600
STATIC_URL = re.compile(r"""(?:src|href|data-[a-z-]+)="(/static/[^"]*)\"""")


def decoded(response) -> bytes:
    data = response.get_data()
    encoding = response.headers.get("Content-Encoding")
    if encoding == "br":
        return brotli.decompress(data)
    if encoding == "gzip":
        return gzip.decompress(data)
    if encoding == "zstd":
        return zstd.decompress(data)
    assert encoding is None, encoding
    return data


def digest_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def static_url(app, filename: str) -> str:
    with app.test_request_context():
        return url_for("static", filename=filename)


# --- content-hashed URLs --------------------------------------------------------------


def test_static_url_carries_the_digest_of_the_file(app):
    assert static_url(app, "css/site.css") == (
        f"/static/css/site.css?v={digest_of(STATIC / 'css' / 'site.css')}")
    assert static_url(app, "img/no-existe.svg") == "/static/img/no-existe.svg"


def test_url_changes_when_the_content_changes(app, client, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "static_folder", str(tmp_path))
    style = tmp_path / "css" / "site.css"
    style.parent.mkdir()
    style.write_text("body { color: black; }\n")
    first = static_url(app, "css/site.css")
    assert first == f"/static/css/site.css?v={digest_of(style)}"
    assert static_url(app, "css/site.css") == first  # known: not hashed again

    style.write_text("body { color: maroon; }\n")
    later = os.stat(style).st_mtime_ns + 1_000_000_000
    os.utime(style, ns=(later, later))
    second = static_url(app, "css/site.css")
    assert second != first
    assert second == f"/static/css/site.css?v={digest_of(style)}"

    fresh = client.get(second)
    assert fresh.get_data(as_text=True) == "body { color: maroon; }\n"
    assert fresh.cache_control.immutable
    stale = client.get(first)  # a page rendered before the change, still open somewhere
    assert stale.status_code == 200
    assert stale.get_data(as_text=True) == "body { color: maroon; }\n"
    assert stale.cache_control.no_cache and not stale.cache_control.immutable


def test_current_digest_is_cached_for_a_year_immutable(client):
    response = client.get(f"/static/js/live.js?v={digest_of(STATIC / 'js' / 'live.js')}")
    assert response.status_code == 200
    assert response.cache_control.public
    assert response.cache_control.max_age == YEAR
    assert response.cache_control.immutable
    assert not response.cache_control.no_cache
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("query", ["", "?v=000000000000"])
def test_unhashed_or_stale_url_revalidates(client, query):
    response = client.get("/static/css/site.css" + query)
    assert response.status_code == 200
    assert response.get_data() == (STATIC / "css" / "site.css").read_bytes()
    assert response.cache_control.no_cache
    assert not response.cache_control.immutable and response.cache_control.max_age is None
    again = client.get("/static/css/site.css" + query,
                       headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_missing_file_is_404_with_or_without_a_digest(client):
    assert client.get("/static/css/no-existe.css").status_code == 404
    assert client.get("/static/css/no-existe.css?v=abc").status_code == 404
    assert client.get("/static/../community/config.py").status_code == 404


def test_static_files_do_not_vary_with_the_session(client, signed_in):
    """Flask would add ``Vary: Cookie`` (Flask-Login reads the session on every response): a
    browser would then drop its year-long copy whenever the session cookie changes."""
    signed_in()
    url = static_url(client.application, "css/site.css")
    response = client.get(url, headers={"Accept-Encoding": BROWSER})
    assert response.status_code == 200
    assert "cookie" not in response.headers.get("Vary", "").lower()
    assert "Set-Cookie" not in response.headers
    page = client.get("/cuenta")
    assert "cookie" in page.headers.get("Vary", "").lower()


def _pages_static_urls(html: str) -> list[str]:
    return STATIC_URL.findall(html)


def test_every_static_url_of_a_page_is_hashed(client, signed_in):
    anonymous = client.get("/").get_data(as_text=True)
    signed_in()
    personal = client.get("/cuenta").get_data(as_text=True)
    for html in (anonymous, personal):
        urls = _pages_static_urls(html)
        assert urls
        for url in urls:
            filename = url.split("?")[0].removeprefix("/static/")
            assert url.endswith(f"?v={digest_of(STATIC / filename)}"), url


def test_socket_io_client_is_not_a_script_of_the_page(client, signed_in):
    """live.js loads the 47 KB client after the page; the page names it, hashed, for it."""
    signed_in()
    html = client.get("/cuenta").get_data(as_text=True)
    assert not re.search(r'<script[^>]+src="[^"]*socket\.io', html)
    tag = re.search(r'<script src="(/static/js/live\.js[^"]*)" data-socket-io="([^"]+)"', html)
    assert tag, "live.js and the client's URL"
    client_url = tag.group(2)
    assert client_url.startswith("/static/vendor/socket.io/socket.io.min.js?v=")
    response = client.get(client_url)
    assert response.status_code == 200 and response.cache_control.immutable


def test_style_sheets_reference_no_unhashed_file():
    """A ``url(...)`` in a style sheet would carry no digest: fonts and images would be
    revalidated on every page. If one is ever needed, give it a digest too."""
    for sheet in sorted((STATIC / "css").glob("*.css")):
        references = re.findall(r"url\(\s*['\"]?([^'\")]+)", sheet.read_text())
        assert [r for r in references if not r.startswith("data:")] == [], sheet.name


# --- compression ----------------------------------------------------------------------


@pytest.mark.parametrize("accept, encoding", [
    (BROWSER, "br"), ("gzip", "gzip"), ("zstd", "zstd"), ("gzip;q=0.5, zstd", "zstd"),
    ("", None), ("identity", None), ("deflate", None),
])
def test_pages_are_compressed_as_the_client_accepts(client, accept, encoding):
    response = client.get("/", headers={"Accept-Encoding": accept})
    assert response.status_code == 200
    assert response.headers.get("Content-Encoding") == encoding
    assert "accept-encoding" in response.headers["Vary"].lower()
    html = decoded(response).decode()
    assert html.lstrip().lower().startswith("<!doctype html>") and html.rstrip().endswith("</html>")
    if encoding:
        assert int(response.headers["Content-Length"]) == len(response.get_data())
        assert len(response.get_data()) < len(html.encode()) / 2


def test_compression_can_be_turned_off(app, client):
    app.config["COMPRESS_RESPONSES"] = False
    response = client.get("/", headers={"Accept-Encoding": BROWSER})
    assert "Content-Encoding" not in response.headers


def test_static_file_compressed_keeps_etag_and_304(client):
    url = static_url(client.application, "vendor/socket.io/socket.io.min.js")
    original = (STATIC / "vendor" / "socket.io" / "socket.io.min.js").read_bytes()
    response = client.get(url, headers={"Accept-Encoding": BROWSER})
    assert response.headers["Content-Encoding"] in {"zstd", "gzip", "br"}
    assert decoded(response) == original
    assert len(response.get_data()) < len(original) / 2
    assert response.cache_control.immutable
    assert "Accept-Ranges" not in response.headers  # ranges are of the file, not of this
    etag = response.headers["ETag"]
    assert etag.endswith(':' + response.headers["Content-Encoding"] + '"')
    again = client.get(url, headers={"Accept-Encoding": BROWSER, "If-None-Match": etag})
    assert again.status_code == 304 and not again.get_data()
    plain = client.get(url, headers={"If-None-Match": etag})  # another representation
    assert plain.status_code == 200 and plain.get_data() == original


def test_range_request_gets_the_files_own_bytes(client):
    original = (STATIC / "css" / "site.css").read_bytes()
    response = client.get("/static/css/site.css",
                          headers={"Accept-Encoding": BROWSER, "Range": "bytes=10-109"})
    assert response.status_code == 206
    assert "Content-Encoding" not in response.headers
    assert response.get_data() == original[10:110]
    assert response.headers["Content-Range"] == f"bytes 10-109/{len(original)}"


BODIES = {
    "text/html": b"<p>" + b"Organizaciones de la sociedad civil. " * 100 + b"</p>",
    "text/css": b".card { margin: 0 auto; padding: 1rem; }\n" * 100,
    "text/javascript": b"window.console.log('comunidad');\n" * 100,
    "application/json": b'{"items": [' + b'{"nombre": "OSC", "municipio": 15106},' * 100 + b"{}]}",
    "image/svg+xml": b"<svg xmlns='http://www.w3.org/2000/svg'>" + b"<path d='M0 0h1'/>" * 100
                     + b"</svg>",
    "text/calendar": b"BEGIN:VCALENDAR\r\n" + b"BEGIN:VEVENT\r\nSUMMARY:Taller\r\nEND:VEVENT\r\n"
                     * 50 + b"END:VCALENDAR\r\n",
    "text/csv": b"clave,nombre,municipio\r\n" + b"1,Organizacion,Toluca\r\n" * 100,
    # already compressed: their bytes would not shrink
    "image/png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 4000,
    "image/jpeg": b"\xff\xd8\xff" + b"\x00" * 4000,
    "application/pdf": b"%PDF-1.7\n" + b"0" * 4000,
    "application/zip": b"PK\x03\x04" + b"\x00" * 4000,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": b"PK\x03\x04"
                                                                        + b"\x00" * 4000,
}
NOT_COMPRESSED = {"image/png", "image/jpeg", "application/pdf", "application/zip",
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
TOTAL_CHUNKS = 1000  # 25 rows each: a CSV of about 1 MB


def compressed(app, make_response, accept=BROWSER):
    """What the app's compression hook makes of a response (no route needed: a test that
    built a second app would rebind the Socket.IO extension under the browser tests)."""
    with app.test_request_context("/prueba", headers={"Accept-Encoding": accept}):
        return assets.compress_response(make_response())


@pytest.mark.parametrize("kind", sorted(BODIES))
def test_text_types_compressed_binary_types_not(app, kind):
    response = compressed(app, lambda: Response(BODIES[kind], mimetype=kind))
    assert response.status_code == 200
    if kind in NOT_COMPRESSED:
        assert "Content-Encoding" not in response.headers
        assert response.get_data() == BODIES[kind]
    else:
        assert response.headers["Content-Encoding"] == "br"
        assert "accept-encoding" in response.headers["Vary"].lower()
        assert decoded(response) == BODIES[kind]


def test_tiny_responses_are_not_compressed(app):
    response = compressed(app, lambda: Response("<p>Hola</p>", mimetype="text/html"))
    assert "Content-Encoding" not in response.headers
    assert response.get_data() == b"<p>Hola</p>"


@pytest.mark.parametrize("accept, encoding", [(BROWSER, "zstd"), ("gzip, br", "gzip"),
                                              ("br", None)])
def test_streamed_response_still_streams(app, accept, encoding):
    """Compressed bytes leave before the generator has finished; Brotli (which keeps
    megabytes before it gives anything back) is never used for a stream."""
    produced = {"chunks": 0}

    def rows():
        for number in range(TOTAL_CHUNKS):
            produced["chunks"] += 1
            yield "".join(f"{number}-{row},Organización {number * 10 + row},Toluca,"
                          f"{(number * 7919 + row) % 100000}\n" for row in range(25))

    with app.test_request_context("/exportacion.csv", headers={"Accept-Encoding": accept}):
        response = assets.compress_response(
            Response(stream_with_context(rows()), mimetype="text/csv"))
        assert response.is_streamed
        assert "Content-Length" not in response.headers
        assert response.headers.get("Content-Encoding") == encoding
        chunks = iter(response.response)
        first = next(c for c in chunks if c)
        assert produced["chunks"] < TOTAL_CHUNKS / 3, "the first bytes waited for the whole export"
        body = (first if isinstance(first, bytes) else first.encode()) + b"".join(
            c if isinstance(c, bytes) else c.encode() for c in chunks)
    assert produced["chunks"] == TOTAL_CHUNKS
    response.set_data(body)
    text = decoded(response).decode()
    assert text.count("\n") == TOTAL_CHUNKS * 25 and text.startswith("0-0,Organización 0,")


def test_registry_export_is_compressed_and_streamed(client, signed_in, make_osc):
    make_osc("Red de Mujeres de Nezahualcóyotl", municipality="15058")
    make_osc("Jóvenes por Toluca")
    signed_in(role="staff")
    plain = client.get("/personal/padron.csv")
    response = client.get("/personal/padron.csv", headers={"Accept-Encoding": BROWSER})
    assert response.status_code == 200 and plain.status_code == 200
    assert response.headers["Content-Encoding"] == "zstd"
    assert "Content-Length" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    assert decoded(response) == plain.get_data()
    assert "Jóvenes por Toluca" in plain.get_data(as_text=True)


def test_settings_cover_the_types_the_app_serves():
    assert {"text/html", "text/css", "text/javascript", "application/javascript",
            "application/json", "image/svg+xml", "text/calendar", "text/csv"} <= set(
        assets.COMPRESSED_TYPES)
    assert not NOT_COMPRESSED & set(assets.COMPRESSED_TYPES)
