"""Uploads are judged by content: real images are re-encoded, everything else is refused."""

import hashlib
import re
import struct
import zlib
from io import BytesIO
from pathlib import Path

import pytest
from flask_babel import lazy_gettext as _l
from fpdf import FPDF
from PIL import Image, PngImagePlugin
from pypdf import PdfReader, PdfWriter
from werkzeug.datastructures import FileStorage

from community.core import uploads
from community.core.errors import NotFound, ValidationError

IMAGE_NAME = re.compile(r"[0-9a-f]{32}\.(png|jpg)")
PDF_NAME = re.compile(r"[0-9a-f]{32}\.pdf")
BAD_IMAGE = "debe ser una imagen PNG o JPEG de hasta 2 MB."
BAD_PDF = "debe ser un PDF válido de hasta 10 MB."


@pytest.fixture
def upload_dir(app, tmp_path) -> Path:
    """A fresh folder per test, so 'nothing left behind' can be checked exactly."""
    folder = tmp_path / "uploads"
    app.config["UPLOAD_DIR"] = str(folder)
    return folder


def upload(data: bytes, filename: str = "archivo.png", content_type: str = "image/png"):
    return FileStorage(BytesIO(data), filename=filename, content_type=content_type)


def all_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def refusal(call, *args, **kwargs) -> dict:
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    return {field: str(message) for field, message in caught.value.errors.items()}


# -- building files ------------------------------------------------------------------------------


def image_bytes(fmt: str, size=(64, 48), mode="RGB", color=(200, 30, 30), **save) -> bytes:
    out = BytesIO()
    Image.new(mode, size, color).save(out, fmt, **save)
    return out.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_declaring(width: int, height: int) -> bytes:
    """A few hundred bytes that announce a huge canvas: the shape of a decompression bomb."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\x00" * 1000)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", rows)
            + png_chunk(b"IEND", b""))


def jpeg_with_orientation() -> bytes:
    """40x20, red left half, blue right half, EXIF says 'rotate 90° clockwise' plus a GPS tag."""
    image = Image.new("RGB", (40, 20), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, 20, 20))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation
    exif[0x010F] = "Cámara Espía"  # Make
    out = BytesIO()
    image.save(out, "JPEG", exif=exif, quality=95, comment=b"<script>alert(1)</script>")
    return out.getvalue()


def pdf_bytes(pages: int = 1) -> bytes:
    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for number in range(pages):
        pdf.add_page()
        pdf.cell(text=f"Informe anual, pagina {number + 1}")
    return bytes(pdf.output())


def encrypted_pdf(user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(BytesIO(pdf_bytes())))
    writer.encrypt(user_password=user_password, owner_password="dueño-2026")
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


# -- images that are accepted --------------------------------------------------------------------


def test_png_with_transparency_stays_png_without_metadata(upload_dir):
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    data = image_bytes("PNG", mode="RGBA", color=(10, 20, 30, 128), pnginfo=info)

    name = uploads.save_image(upload(data), field="logo")

    assert IMAGE_NAME.fullmatch(name) and name.endswith(".png")
    path = uploads.public_path(name)
    assert path.parent == upload_dir / "public"
    with Image.open(path) as stored:
        assert stored.format == "PNG" and stored.mode == "RGBA" and stored.size == (64, 48)
        assert stored.getpixel((0, 0)) == (10, 20, 30, 128)
        assert not stored.text and "exif" not in stored.info
    assert b"script" not in path.read_bytes()


def test_opaque_image_becomes_jpeg(upload_dir):
    data = image_bytes("PNG", mode="RGBA", color=(10, 20, 30, 255))
    name = uploads.save_image(upload(data), field="logo")
    assert name.endswith(".jpg")
    with Image.open(uploads.public_path(name)) as stored:
        assert stored.format == "JPEG" and stored.mode == "RGB"


def test_palette_png_with_transparent_entry_stays_transparent(upload_dir):
    image = Image.new("P", (16, 16), 0)
    image.putpalette([255, 0, 0, 0, 255, 0])
    image.paste(1, (0, 0, 8, 16))
    out = BytesIO()
    image.save(out, "PNG", transparency=0)
    name = uploads.save_image(upload(out.getvalue()), field="logo")
    with Image.open(uploads.public_path(name)) as stored:
        assert stored.mode == "RGBA"
        assert stored.getpixel((12, 8))[3] == 0 and stored.getpixel((2, 8))[3] == 255


def test_jpeg_is_turned_upright_and_loses_exif_and_comments(upload_dir):
    name = uploads.save_image(upload(jpeg_with_orientation(), "foto.jpg", "image/jpeg"),
                              field="photo")
    path = uploads.public_path(name)
    with Image.open(path) as stored:
        assert stored.format == "JPEG" and stored.size == (20, 40)
        assert not stored.getexif() and "exif" not in stored.info
        assert "comment" not in stored.info and "icc_profile" not in stored.info
        red, _, blue = stored.getpixel((10, 5))
        assert red > 200 and blue < 60  # the red left half is now on top
    assert b"script" not in path.read_bytes() and "Espía".encode() not in path.read_bytes()


def test_large_image_is_downscaled_keeping_proportions(upload_dir):
    data = image_bytes("JPEG", size=(4000, 3000))
    name = uploads.save_image(upload(data, "grande.jpg", "image/jpeg"), field="photo")
    with Image.open(uploads.public_path(name)) as stored:
        assert stored.size == (512, 384)


def test_max_side_is_configurable(upload_dir):
    name = uploads.save_image(upload(image_bytes("PNG", size=(300, 100))), field="logo",
                              max_side=90)
    with Image.open(uploads.public_path(name)) as stored:
        assert stored.size == (90, 30)


@pytest.mark.parametrize("mode", ["1", "L", "LA", "I;16", "CMYK"])
def test_unusual_modes_are_normalized(upload_dir, mode):
    fmt = "JPEG" if mode == "CMYK" else "PNG"
    color = (0, 0, 0, 0) if mode == "CMYK" else None
    name = uploads.save_image(upload(image_bytes(fmt, mode=mode, color=color)), field="logo")
    with Image.open(uploads.public_path(name)) as stored:
        assert stored.mode in {"RGB", "RGBA"}


def test_one_pixel_image_is_fine(upload_dir):
    name = uploads.save_image(upload(image_bytes("PNG", size=(1, 1))), field="logo")
    with Image.open(uploads.public_path(name)) as stored:
        assert stored.size == (1, 1)


def test_names_are_random_and_the_declared_name_is_ignored(upload_dir):
    data = image_bytes("PNG")
    first = uploads.save_image(upload(data, "../../etc/passwd.php"), field="logo")
    second = uploads.save_image(upload(data, "../../etc/passwd.php"), field="logo")
    assert first != second
    assert sorted(p.name for p in all_files(upload_dir)) == sorted([first, second])


def test_trailing_payload_after_a_real_png_is_dropped(upload_dir):
    data = image_bytes("PNG") + b"<?php system($_GET['c']); ?>"
    name = uploads.save_image(upload(data, "shell.php.png"), field="logo")
    assert b"<?php" not in uploads.public_path(name).read_bytes()


def test_stream_already_read_by_a_validator_is_rewound(upload_dir):
    storage = upload(image_bytes("PNG"))
    storage.stream.read()
    assert IMAGE_NAME.fullmatch(uploads.save_image(storage, field="logo"))


# -- images that are refused ---------------------------------------------------------------------


SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
       b"<script>alert(document.cookie)</script></svg>")


def truncated_png() -> bytes:
    data = image_bytes("PNG", size=(200, 200), color=None)
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    ("data", "filename", "content_type"),
    [
        (SVG, "logo.svg", "image/svg+xml"),
        (SVG, "logo.png", "image/png"),
        (image_bytes("GIF"), "logo.gif", "image/gif"),
        (image_bytes("GIF"), "logo.png", "image/png"),
        (image_bytes("WEBP"), "logo.png", "image/png"),
        (image_bytes("BMP"), "logo.png", "image/png"),
        (image_bytes("TIFF"), "logo.jpg", "image/jpeg"),
        (b"<html><body onload=alert(1)></body></html>", "logo.png", "image/png"),
        (b"<?php echo shell_exec($_GET['c']); ?>", "logo.png", "image/png"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 100, "logo.png", "image/png"),
        (b"\xff\xd8\xff\xe0" + b"JFIF garbage" * 50, "logo.jpg", "image/jpeg"),
        (truncated_png(), "logo.png", "image/png"),
        (b"%PDF-1.7\n", "logo.png", "image/png"),
    ],
    ids=["svg", "svg-as-png", "gif", "gif-as-png", "webp", "bmp", "tiff-as-jpg", "html",
         "php-as-png", "png-header-junk", "jpeg-header-junk", "truncated-png", "pdf"],
)
def test_anything_but_a_sound_png_or_jpeg_is_refused(upload_dir, data, filename, content_type):
    errors = refusal(uploads.save_image, upload(data, filename, content_type), field="logo")
    assert list(errors) == ["logo"]
    assert errors["logo"] == f"La imagen {BAD_IMAGE}"
    assert all_files(upload_dir) == []


def test_message_names_the_thing_and_the_limit(upload_dir):
    errors = refusal(uploads.save_image, upload(SVG), field="logo", label=_l("El logotipo"),
                     max_bytes=512 * 1024)
    assert errors == {"logo": "El logotipo debe ser una imagen PNG o JPEG de hasta 0.5 MB."}


def test_refused_by_the_brief_wording(upload_dir):
    errors = refusal(uploads.save_image, upload(SVG), field="logo", label=_l("El logotipo"))
    assert errors == {"logo": "El logotipo debe ser una imagen PNG o JPEG de hasta 2 MB."}


@pytest.mark.parametrize("storage", [None, FileStorage(), upload(b"")], ids=["none", "blank", "0b"])
def test_empty_upload_is_refused(upload_dir, storage):
    errors = refusal(uploads.save_image, storage, field="logo")
    assert "vacío" in errors["logo"] and errors["logo"].startswith("La imagen")
    assert all_files(upload_dir) == []


def test_oversize_is_refused_without_reading_the_whole_stream(upload_dir):
    storage = upload(image_bytes("PNG") + b"\x00" * (3 * 1024 * 1024))
    errors = refusal(uploads.save_image, storage, field="logo")
    assert errors["logo"] == "La imagen pesa más de 2 MB. Elige un archivo más ligero."
    assert storage.stream.tell() == 2 * 1024 * 1024 + 1
    assert all_files(upload_dir) == []


def test_exactly_max_bytes_is_not_too_big(upload_dir):
    data = image_bytes("PNG")
    assert IMAGE_NAME.fullmatch(uploads.save_image(upload(data), field="logo",
                                                   max_bytes=len(data)))


def test_declared_huge_canvas_is_refused_before_decoding(upload_dir):
    bomb = png_declaring(20000, 20000)
    assert len(bomb) < 1000
    errors = refusal(uploads.save_image, upload(bomb), field="logo")
    assert "demasiados píxeles" in errors["logo"]
    assert all_files(upload_dir) == []


def test_our_pixel_limit_is_below_pillows(upload_dir):
    """6000x5000 passes Pillow's default limit but not ours: refused from the header alone."""
    errors = refusal(uploads.save_image, upload(png_declaring(6000, 5000)), field="logo")
    assert "demasiados píxeles" in errors["logo"]


def test_pixel_limit_applies_to_real_images(upload_dir, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_PIXELS", 100)
    errors = refusal(uploads.save_image, upload(image_bytes("PNG", size=(20, 20))), field="logo")
    assert "demasiados píxeles" in errors["logo"]


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize("size", [(40, 40), (100, 100)], ids=["warning", "error"])
def test_pillow_bomb_limits_are_honoured(upload_dir, monkeypatch, size):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    errors = refusal(uploads.save_image, upload(image_bytes("PNG", size=size)), field="logo")
    assert "demasiados píxeles" in errors["logo"]


def test_failed_write_leaves_no_temporary_file(upload_dir, monkeypatch):
    def broken_replace(src, dst):
        raise OSError("disco lleno")

    monkeypatch.setattr(uploads.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disco lleno"):
        uploads.save_image(upload(image_bytes("PNG")), field="logo")
    assert all_files(upload_dir) == []


# -- documents -----------------------------------------------------------------------------------


def test_valid_pdf_is_stored_privately_byte_for_byte(upload_dir):
    data = pdf_bytes(pages=2)
    stored = uploads.save_pdf(upload(data, "Informe Anual 2024.pdf", "application/pdf"),
                              field="document")
    assert PDF_NAME.fullmatch(stored.stored_name)
    assert stored.size == len(data) and stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.original_name == "Informe_Anual_2024.pdf"
    path = uploads.private_path(stored.stored_name)
    assert path.parent == upload_dir / "private" and path.read_bytes() == data
    assert all_files(upload_dir) == [path]
    assert path.stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("Informe año 2024.PDF", "Informe_ano_2024.pdf"),
        ("../../etc/passwd", "passwd.pdf"),
        ("reporte.exe", "reporte.exe.pdf"),
        ("", "documento.pdf"),
        (None, "documento.pdf"),
        ("..", "documento.pdf"),
        (".pdf", "documento.pdf"),
        ("ñandú.pdf", "nandu.pdf"),
        ("国語.pdf", "documento.pdf"),
        ("C:\\fakepath\\acta.pdf", "acta.pdf"),
        ("a" * 300 + ".pdf", "a" * 116 + ".pdf"),
    ],
)
def test_original_name_is_sanitized(filename, expected):
    assert uploads.pdf_display_name(filename) == expected


def test_pdf_protected_only_by_an_owner_password_is_accepted(upload_dir):
    stored = uploads.save_pdf(upload(encrypted_pdf(user_password=""), "p.pdf"), field="doc")
    assert uploads.private_path(stored.stored_name).is_file()


def test_pdf_that_needs_a_password_to_open_is_refused(upload_dir):
    errors = refusal(uploads.save_pdf, upload(encrypted_pdf(user_password="secreto"), "p.pdf"),
                     field="doc")
    assert errors["doc"].startswith("El documento está protegido con contraseña")
    assert all_files(upload_dir) == []


def pdf_without_pages() -> bytes:
    writer = PdfWriter()
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        b"Esto es un texto plano, no un PDF.\n" * 10,
        b"%PDF-1.7\n" + b"\x00basura" * 200,
        b"%PDF-",
        pdf_bytes()[:400],
        pdf_without_pages(),
        image_bytes("PNG"),
        b"  %PDF-1.4 " + pdf_bytes(),
    ],
    ids=["text-as-pdf", "pdf-header-junk", "only-magic", "truncated", "no-pages", "png", "offset"],
)
def test_anything_but_a_readable_pdf_is_refused(upload_dir, data):
    errors = refusal(uploads.save_pdf, upload(data, "informe.pdf", "application/pdf"),
                     field="document")
    assert errors == {"document": f"El documento {BAD_PDF}"}
    assert all_files(upload_dir) == []


def test_oversize_pdf_is_refused_without_reading_everything(upload_dir):
    storage = upload(pdf_bytes() + b"\n%" + b"x" * (10 * 1024 * 1024), "grande.pdf")
    errors = refusal(uploads.save_pdf, storage, field="document")
    assert errors["document"] == "El documento pesa más de 10 MB. Elige un archivo más ligero."
    assert storage.stream.tell() == 10 * 1024 * 1024 + 1
    assert all_files(upload_dir) == []


def test_empty_pdf_upload_is_refused(upload_dir):
    errors = refusal(uploads.save_pdf, upload(b"", "vacio.pdf"), field="document")
    assert errors["document"].startswith("El documento no llegó")


# -- paths and deletion --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "../secret_key",
        "../../etc/passwd",
        "/etc/passwd",
        "0123456789abcdef0123456789ABCDEF.png",
        "0123456789abcdef0123456789abcdef.svg",
        "0123456789abcdef0123456789abcdef.png\n",
        "0123456789abcdef0123456789abcdef.png/..",
        "x0123456789abcdef0123456789abcdef.png",
        "",
        None,
    ],
)
def test_paths_accept_only_our_names(upload_dir, name):
    with pytest.raises(NotFound):
        uploads.public_path(name)
    with pytest.raises(NotFound):
        uploads.private_path(name)


def test_missing_file_is_not_found(upload_dir):
    with pytest.raises(NotFound):
        uploads.public_path("0123456789abcdef0123456789abcdef.png")
    with pytest.raises(NotFound):
        uploads.private_path("0123456789abcdef0123456789abcdef.pdf")


def test_public_and_private_names_do_not_cross(upload_dir):
    image = uploads.save_image(upload(image_bytes("PNG")), field="logo")
    document = uploads.save_pdf(upload(pdf_bytes(), "a.pdf"), field="doc").stored_name
    with pytest.raises(NotFound):
        uploads.private_path(image)
    with pytest.raises(NotFound):
        uploads.public_path(document)


def test_delete_removes_quietly(upload_dir):
    image = uploads.save_image(upload(image_bytes("PNG")), field="logo")
    document = uploads.save_pdf(upload(pdf_bytes(), "a.pdf"), field="doc").stored_name
    uploads.delete_public(image)
    uploads.delete_private(document)
    assert all_files(upload_dir) == []
    uploads.delete_public(image)  # already gone: no error
    uploads.delete_private(document)
    uploads.delete_public(None)


def test_delete_ignores_names_we_did_not_make(upload_dir):
    victim = upload_dir / "victim.txt"
    victim.parent.mkdir(parents=True)
    victim.write_text("no me borres")
    uploads.delete_public("../victim.txt")
    uploads.delete_private("../victim.txt")
    assert victim.exists()
