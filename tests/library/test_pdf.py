"""PDFs are parsed in a limited child: good files are read, hostile ones are refused or fail
cleanly, and a child that hangs or hoards memory is stopped."""

import os
import subprocess
import time
from io import BytesIO

import pytest
from fpdf import FPDF
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript

from community.core.errors import ValidationError
from community.library import pdf

MB = 1024 * 1024
WORDS = ["participación ciudadana en Nezahualcóyotl",
         "capacitación para organizaciones",
         "Ciudadanía Activa, año 2026"]


# -- building test files -----------------------------------------------------------------------


def text_pdf(pages: list[str], *, title: str | None = None, fmt="A4") -> bytes:
    doc = FPDF(format=fmt)
    doc.set_font("helvetica", size=12)
    if title:
        doc.set_title(title)
    for text in pages:
        doc.add_page()
        doc.multi_cell(0, 10, text)
    return bytes(doc.output())


def image_pdf() -> bytes:
    picture = Image.new("RGB", (200, 120), (30, 90, 160))
    buffer = BytesIO()
    picture.save(buffer, "PNG")
    doc = FPDF()
    doc.add_page()
    doc.image(BytesIO(buffer.getvalue()), x=10, y=10, w=120)
    return bytes(doc.output())


def rewrite(data: bytes, change) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(BytesIO(data)))
    change(writer)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def cyclic_page_tree() -> bytes:
    """A page tree whose /Kids point back to the tree itself."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
               b"<< /Type /Pages /Kids [2 0 R] /Count 1 /Parent 2 0 R >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


@pytest.fixture
def write(tmp_path):
    def _write(data: bytes, name: str = "doc.pdf") -> str:
        path = tmp_path / name
        path.write_bytes(data)
        return str(path)
    return _write


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """Temporary files of the check go here, so a test can see none is left behind."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(pdf.tempfile, "tempdir", str(folder))
    return folder


def refusal(data: bytes, **kwargs) -> str:
    kwargs.setdefault("max_bytes", 10 * MB)
    with pytest.raises(ValidationError) as caught:
        pdf.inspect_pdf(data, field="file", **kwargs)
    assert list(caught.value.errors) == ["file"]
    return str(caught.value.errors["file"])


# -- inspect_pdf -------------------------------------------------------------------------------


def test_a_text_pdf_is_accepted_with_its_pages_and_title(app, private_tmp):
    info = pdf.inspect_pdf(text_pdf(WORDS, title="Manual de Visibilidad"), field="file",
                           max_bytes=10 * MB)

    assert info == pdf.PdfInfo(pages=3, has_javascript=False, title="Manual de Visibilidad")
    assert list(private_tmp.iterdir()) == []


@pytest.mark.parametrize("data", [
    b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
    b"\x89PNG\r\n\x1a\n" + bytes(200),
    b"",
], ids=["html", "png", "empty"])
def test_what_is_not_a_pdf_is_refused_by_content(app, data):
    assert "debe ser un PDF válido de hasta 10 MB" in refusal(data)


def test_a_truncated_or_garbage_pdf_is_refused(app):
    whole = text_pdf(WORDS)

    assert "PDF válido" in refusal(whole[: len(whole) // 3])
    assert "PDF válido" in refusal(b"%PDF-1.7\n" + os.urandom(4000))


def test_a_page_tree_that_points_to_itself_is_refused_quickly(app):
    started = time.monotonic()

    assert "PDF válido" in refusal(cyclic_page_tree())
    assert time.monotonic() - started < 10


def test_a_password_protected_pdf_is_refused(app):
    locked = rewrite(text_pdf(WORDS), lambda w: w.encrypt("secreta", algorithm="AES-128"))

    message = refusal(locked)
    assert "protegido con contraseña" in message
    assert "sin contraseña" in message


def test_an_encrypted_pdf_that_opens_without_password_is_accepted(app):
    owner_only = rewrite(text_pdf(WORDS),
                         lambda w: w.encrypt("", owner_password="dueña", algorithm="AES-128"))

    assert pdf.inspect_pdf(owner_only, field="file", max_bytes=10 * MB).pages == 3


def test_a_pdf_with_javascript_is_accepted_and_flagged(app):
    script = JavaScript("app.alert('hola');")
    scripted = rewrite(text_pdf(WORDS), lambda w: w.add_open_action(script))

    info = pdf.inspect_pdf(scripted, field="file", max_bytes=10 * MB)
    assert info.has_javascript is True
    assert info.pages == 3


def test_too_many_pages_or_bytes_are_refused(app):
    data = text_pdf(WORDS)

    assert "tiene más de 2 páginas" in refusal(data, max_pages=2)
    assert "pesa más de" in refusal(data, max_bytes=len(data) - 1)


def test_a_parse_that_takes_too_long_is_refused_with_the_time_message(app, private_tmp):
    big = text_pdf([f"{WORDS[0]} {n}" for n in range(300)])

    started = time.monotonic()
    message = refusal(big, time_limit=0.05)

    assert "No pudimos leer este PDF en un tiempo razonable; puede estar dañado" in message
    assert time.monotonic() - started < 2
    assert list(private_tmp.iterdir()) == []


# -- extract_pages -----------------------------------------------------------------------------


def test_text_is_extracted_per_page_with_accents(write):
    result = pdf.extract_pages(write(text_pdf(WORDS)))

    assert result.status == "done"
    assert result.error is None
    assert len(result.pages) == 3
    for page, words in zip(result.pages, WORDS, strict=True):
        assert words in page
    assert not any("\x0c" in page or "\x00" in page for page in result.pages)


def test_a_scanned_pdf_has_no_searchable_text(write):
    result = pdf.extract_pages(write(image_pdf()))

    assert result.status == "empty"
    assert result.pages == [""]
    assert "no searchable text" in result.error


def test_pages_after_the_limit_are_not_extracted(write):
    result = pdf.extract_pages(write(text_pdf(WORDS)), max_pages=2, max_chars_per_page=12)

    assert result.status == "done"
    assert result.pages == [WORDS[0][:12], WORDS[1][:12]]
    assert "stopped after page 2 of 3" in result.error


@pytest.mark.parametrize("data", [b"<html></html>", b"%PDF-1.4\n" + bytes(100)],
                         ids=["html", "garbage"])
def test_a_broken_file_fails_without_raising(write, data):
    result = pdf.extract_pages(write(data))

    assert result.status == "failed"
    assert result.pages == []
    assert result.error


def test_a_missing_or_protected_file_fails_without_raising(write, tmp_path):
    locked = rewrite(text_pdf(WORDS), lambda w: w.encrypt("secreta"))

    assert pdf.extract_pages(str(tmp_path / "none.pdf")).status == "failed"
    assert pdf.extract_pages(write(locked)).error == "protected with a password"


def test_an_extraction_past_its_time_fails(write):
    path = write(text_pdf([f"{WORDS[1]} {n}" for n in range(300)]))

    started = time.monotonic()
    result = pdf.extract_pages(path, time_limit=0.05)

    assert result.status == "failed"
    assert "time limit" in result.error
    assert time.monotonic() - started < 2


def test_an_extraction_without_enough_memory_fails(write):
    path = write(text_pdf(WORDS))

    for memory_mb in (16, 32):  # pypdf's own imports, then its work, need more than this
        result = pdf.extract_pages(path, memory_mb=memory_mb)
        assert result.status == "failed"
        assert result.pages == []
        assert f"memory limit of {memory_mb} MB exceeded" in result.error


def test_text_is_normalised_for_the_index():
    raw = "  Hola\t\t  mundo \x00\r\n\n\n\n  segunda\x0clínea  \u00a0 fin \x07\ud800"

    assert pdf.normalize_text(raw) == "Hola mundo\n\nsegunda línea fin"
    assert pdf.normalize_text(None) == ""


def test_status_messages_are_spanish():
    assert "texto buscable" in str(pdf.status_message("empty"))
    assert "No pudimos leer" in str(pdf.status_message("failed"))
    assert pdf.status_message("done") is None


# -- the child ---------------------------------------------------------------------------------


def test_a_child_that_hangs_is_killed_at_the_time_limit(monkeypatch):
    children = []
    real_popen = subprocess.Popen

    def spy(*args, **kwargs):
        children.append(real_popen(*args, **kwargs))
        return children[-1]

    monkeypatch.setattr(pdf.subprocess, "Popen", spy)
    started = time.monotonic()

    outcome = pdf._run_child("sleep", os.devnull, {"seconds": 60}, time_limit=0.5,
                             memory_mb=256)

    assert outcome.failure == "timeout"
    assert time.monotonic() - started < 3
    assert children[0].returncode == -9
    with pytest.raises(ProcessLookupError):
        os.killpg(children[0].pid, 0)


def test_a_child_that_asks_for_too_much_memory_fails_cleanly():
    outcome = pdf._run_child("allocate", os.devnull, {"allocate_mb": 1024}, time_limit=10,
                             memory_mb=256)
    assert outcome.failure == "memory"

    fits = pdf._run_child("allocate", os.devnull, {"allocate_mb": 16}, time_limit=10,
                          memory_mb=256)
    assert fits.failure is None
    assert fits.result["allocated"] == 16 * MB


def test_the_child_starts_without_the_app():
    started = time.monotonic()
    outcome = pdf._run_child("sleep", os.devnull, {"seconds": 0}, time_limit=10,
                             memory_mb=256)

    assert outcome.failure is None
    assert time.monotonic() - started < 1.5  # ~0.1 s alone; slack for a busy machine


# -- render_cover ------------------------------------------------------------------------------


def test_a_cover_is_a_jpeg_we_made_of_the_first_page(write):
    cover = pdf.render_cover(write(text_pdf(WORDS)), width=200)

    image = Image.open(BytesIO(cover))
    assert image.format == "JPEG"
    assert image.mode == "RGB"
    assert image.width == 200
    assert image.height == round(297 * 200 / 210)
    assert not image.info.get("exif")
    assert image.getpixel((5, 5)) > (240, 240, 240)  # a white page, not a black box


def test_a_tall_page_is_cut_at_twice_the_width(write):
    cover = pdf.render_cover(write(text_pdf(WORDS, fmt=(100, 1000))), width=120)

    assert Image.open(BytesIO(cover)).size == (120, 240)


@pytest.mark.parametrize("data", [b"<html></html>", b"%PDF-1.4\n" + bytes(100), b""],
                         ids=["html", "garbage", "empty"])
def test_a_broken_file_has_no_cover(write, data):
    assert pdf.render_cover(write(data)) is None


def test_a_cover_that_takes_too_long_is_none(write):
    assert pdf.render_cover(write(text_pdf(WORDS)), time_limit=0.05) is None
