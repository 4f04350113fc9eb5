"""The one place where uploaded files are checked and stored.

A file is judged by its content, never by its name or the content type the browser declared:
both are chosen by whoever sends it. Images are decoded and re-encoded, so that what we serve
is pixels we produced ourselves (no scripts, no trailing payloads, no EXIF with GPS
positions). PDFs cannot be re-encoded, so they must parse, and they are kept out of the
public folder: routes decide who may download them.

Files live under ``UPLOAD_DIR``: ``public/`` for images anyone may see, ``private/`` for
documents. Stored names are random tokens; the original name is only ever metadata.
"""

import contextlib
import hashlib
import os
import re
import secrets
import tempfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import NoReturn

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps
from pypdf import PasswordType, PdfReader
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from community.core.errors import NotFound, ValidationError

MB = 1024 * 1024
IMAGE_FORMATS = ("PNG", "JPEG")
# Above this many pixels an image is refused before its pixels are decoded: 25 MP covers any
# reasonable logo or photo, and decoding it needs ~100 MB, not gigabytes.
MAX_PIXELS = 25_000_000
JPEG_QUALITY = 85
PDF_MAGIC = b"%PDF-"
READ_CHUNK = 64 * 1024
ORIGINAL_NAME_MAX = 120

_PUBLIC_NAME = re.compile(r"[0-9a-f]{32}\.(?:png|jpg)")
_PRIVATE_NAME = re.compile(r"[0-9a-f]{32}\.pdf")


@dataclass(frozen=True)
class StoredFile:
    """What a service keeps about a stored document: where it is and what it was."""

    stored_name: str
    size: int
    sha256: str
    original_name: str


# -- images ------------------------------------------------------------------------------------


def save_image(file: FileStorage | None, *, field: str, max_bytes: int = 2 * MB,
               max_side: int = 512, label: str | None = None) -> str:
    """Check an uploaded PNG/JPEG, re-encode it and store it publicly; return its stored name.

    ``label`` names the thing in the messages ("El logotipo"); it defaults to "La imagen".
    Raises ``ValidationError({field: message})`` for anything that is not a sound image.
    """
    label = label or _l("La imagen")
    data = _read_upload(file, field, max_bytes, label)
    content, ext = _reencode(data, field, max_bytes, max_side, label)
    name = f"{secrets.token_hex(16)}.{ext}"
    _write_atomic(_folder("public"), name, content, mode=0o644)
    return name


def store_image_bytes(content: bytes, ext: str) -> str:
    """Store an image this application drew itself (a PDF's cover rendered and re-encoded by
    Pillow in ``library.pdf``) publicly; returns its stored name."""
    if ext not in ("png", "jpg"):
        raise ValueError(ext)
    name = f"{secrets.token_hex(16)}.{ext}"
    _write_atomic(_folder("public"), name, content, mode=0o644)
    return name


def _reencode(data: bytes, field: str, max_bytes: int, max_side: int,
              label: str) -> tuple[bytes, str]:
    """Decode fully and draw our own file, so a truncated or forged upload fails here.

    Only the PNG and JPEG decoders are allowed to look at the bytes; the header is checked
    (format, pixel count) before any pixel is decoded, so a small file declaring a huge
    canvas never gets to allocate it. No global Pillow setting is changed (threads share them).
    """
    try:
        with Image.open(BytesIO(data), formats=IMAGE_FORMATS) as probe:
            _check_header(probe, field, label)
            probe.verify()
        with Image.open(BytesIO(data), formats=IMAGE_FORMATS) as image:
            if image.format == "JPEG":
                image.draft(None, (max_side, max_side))  # decode at reduced scale: cheaper
            image.load()
            return _encode_image(image, max_side)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _refuse(field, _too_many_pixels(label))
    except Exception:  # Pillow raises many kinds of errors on hostile input: all mean no
        _refuse(field, _not_an_image(label, max_bytes))


def _check_header(probe: Image.Image, field: str, label: str) -> None:
    """Refuse by what the header declares, before decoding: the format and the canvas size."""
    if probe.format not in IMAGE_FORMATS:
        raise ValueError(probe.format)
    width, height = probe.size
    limit = min(MAX_PIXELS, Image.MAX_IMAGE_PIXELS or MAX_PIXELS)
    if width <= 0 or height <= 0 or width * height > limit:
        _refuse(field, _too_many_pixels(label))


def _encode_image(image: Image.Image, max_side: int) -> tuple[bytes, str]:
    """Our own pixels in a fresh file: upright, no metadata, at most ``max_side`` per side.

    PNG only when transparency is really used (logos); everything else becomes a JPEG,
    which is far smaller for photos.
    """
    upright = ImageOps.exif_transpose(image)
    rgba = _has_alpha(upright)
    pixels = upright.convert("RGBA" if rgba else "RGB")
    if rgba and pixels.getchannel("A").getextrema()[0] == 255:
        pixels, rgba = pixels.convert("RGB"), False
    pixels.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    # Rebuilt from raw pixels: no EXIF, ICC profile, text chunks or comments survive.
    clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
    out = BytesIO()
    if rgba:
        clean.save(out, "PNG", optimize=True)
        return out.getvalue(), "png"
    clean.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue(), "jpg"


def _has_alpha(image: Image.Image) -> bool:
    """Whether the image may carry transparency (alpha band or a transparent palette entry)."""
    return image.mode in {"RGBA", "LA", "PA", "RGBa", "La"} or "transparency" in image.info


# -- documents ---------------------------------------------------------------------------------


def save_pdf(file: FileStorage | None, *, field: str, max_bytes: int = 10 * MB,
             label: str | None = None) -> StoredFile:
    """Check an uploaded PDF and store it privately, byte for byte.

    ``label`` names the thing in the messages; it defaults to "El documento".
    """
    label = label or _l("El documento")
    data = _read_upload(file, field, max_bytes, label)
    _check_pdf(data, field, max_bytes, label)
    name = f"{secrets.token_hex(16)}.pdf"
    _write_atomic(_folder("private"), name, data, mode=0o600)
    return StoredFile(
        stored_name=name,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        original_name=pdf_display_name(file.filename if file is not None else None),
    )


def read_upload(file: FileStorage | None, *, field: str, max_bytes: int,
                label: str | None = None) -> bytes:
    """The bytes of an upload (at most ``max_bytes``), for a module that judges the content
    itself with limits of its own (the library checks PDFs in a child process)."""
    return _read_upload(file, field, max_bytes, label or _l("El documento"))


def store_checked_pdf(data: bytes, filename: str | None) -> StoredFile:
    """Store a PDF that the caller already judged by its content, privately, byte for byte."""
    if not data.startswith(PDF_MAGIC):
        raise ValueError("not a PDF")
    name = f"{secrets.token_hex(16)}.pdf"
    _write_atomic(_folder("private"), name, data, mode=0o600)
    return StoredFile(stored_name=name, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                      original_name=pdf_display_name(filename))


def _check_pdf(data: bytes, field: str, max_bytes: int, label: str) -> None:
    """A PDF we can open and that has pages; protected ones only if they open without a password.

    Documents are offered for download to other people, so one that nobody can open is
    as useless as one that is not a PDF.
    """
    if not data.startswith(PDF_MAGIC):
        _refuse(field, _not_a_pdf(label, max_bytes))
    try:
        reader = PdfReader(BytesIO(data))
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            _refuse(field, _protected_pdf(label))
        pages = len(reader.pages)
    except ValidationError:
        raise
    except Exception:  # pypdf raises many kinds of errors on broken files: all mean no
        # Includes protected files whose cipher we cannot open without extra libraries.
        _refuse(field, _not_a_pdf(label, max_bytes))
    if pages < 1:
        _refuse(field, _not_a_pdf(label, max_bytes))


def pdf_display_name(filename: str | None) -> str:
    """A safe name to offer on download: ASCII, no folders, always ending in ``.pdf``.

    It is only ever shown (``download_name``), never used to find the file.
    """
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]  # old browsers send paths
    stem = secure_filename(name[:-4] if name.lower().endswith(".pdf") else name)
    stem = stem[: ORIGINAL_NAME_MAX - 4].strip("._")
    return f"{stem}.pdf" if stem else "documento.pdf"


# -- finding and deleting stored files -----------------------------------------------------------


def public_path(name: str) -> Path:
    """The file behind a public name, for ``send_file``; anything else is a 404, never a path."""
    return _existing(_PUBLIC_NAME, "public", name)


def private_path(name: str) -> Path:
    """The file behind a private name; the route must check permission before sending it."""
    return _existing(_PRIVATE_NAME, "private", name)


def delete_public(name: str | None) -> None:
    """Remove a replaced image; missing files and names we did not make are ignored."""
    _delete(_PUBLIC_NAME, "public", name)


def delete_private(name: str | None) -> None:
    """Remove a stored document; missing files and names we did not make are ignored."""
    _delete(_PRIVATE_NAME, "private", name)


def _existing(pattern: re.Pattern[str], kind: str, name: str) -> Path:
    """Only names of our own making resolve, so no request can walk out of the folder."""
    if not isinstance(name, str) or not pattern.fullmatch(name):
        raise NotFound(name)
    path = _folder(kind) / name
    if not path.is_file():
        raise NotFound(name)
    return path


def _delete(pattern: re.Pattern[str], kind: str, name: str | None) -> None:
    if isinstance(name, str) and pattern.fullmatch(name):
        with contextlib.suppress(FileNotFoundError):
            (_folder(kind) / name).unlink()


# -- shared plumbing -----------------------------------------------------------------------------


def _folder(kind: str) -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / kind


def _read_upload(file: FileStorage | None, field: str, max_bytes: int, label: str) -> bytes:
    """Read at most ``max_bytes + 1`` bytes: enough to know a file is too big, never more."""
    stream = getattr(file, "stream", None)
    if stream is None:
        _refuse(field, _empty(label))
    seekable = getattr(stream, "seekable", None)
    if seekable is not None and seekable():
        stream.seek(0)  # a form validator may have peeked at it already
    chunks, size = [], 0
    while size <= max_bytes:
        chunk = stream.read(min(READ_CHUNK, max_bytes + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size == 0:
        _refuse(field, _empty(label))
    if size > max_bytes:
        _refuse(field, _too_big(label, max_bytes))
    return b"".join(chunks)


def _write_atomic(folder: Path, name: str, content: bytes, *, mode: int) -> None:
    """Write to a temporary file in the same folder, then rename: readers never see half a file,
    and a failure leaves nothing behind."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".upload-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, folder / name)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _refuse(field: str, message: str) -> NoReturn:
    raise ValidationError({field: message})


def _megabytes(max_bytes: int) -> str:
    value = max_bytes / MB
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


# -- messages (Spanish source strings, translated through Babel) ---------------------------------


def _empty(label: str) -> str:
    return _l("%(label)s no llegó: el archivo está vacío. Elige un archivo e inténtalo de nuevo.",
              label=label)


def _too_big(label: str, max_bytes: int) -> str:
    return _l("%(label)s pesa más de %(mb)s MB. Elige un archivo más ligero.",
              label=label, mb=_megabytes(max_bytes))


def _not_an_image(label: str, max_bytes: int) -> str:
    return _l("%(label)s debe ser una imagen PNG o JPEG de hasta %(mb)s MB.",
              label=label, mb=_megabytes(max_bytes))


def _too_many_pixels(label: str) -> str:
    return _l("%(label)s tiene demasiados píxeles. Usa una imagen de menor resolución.",
              label=label)


def _not_a_pdf(label: str, max_bytes: int) -> str:
    return _l("%(label)s debe ser un PDF válido de hasta %(mb)s MB.",
              label=label, mb=_megabytes(max_bytes))


def _protected_pdf(label: str) -> str:
    return _l("%(label)s está protegido con contraseña. Guárdalo sin contraseña e inténtalo "
              "de nuevo.", label=label)
