"""Reading uploaded PDFs without trusting them: checking, text extraction and cover images.

A PDF is a program for a parser. A crafted one can make pypdf or PDFium loop, eat gigabytes
or crash, so every parse runs in a child process with limits on memory (RLIMIT_AS), CPU
(RLIMIT_CPU) and wall-clock time (the parent kills the child's process group). The child is
this very file, loaded by path under ``python -I -B`` so that it starts without importing
Flask or the app; that is why the top-level imports here are only the standard library.

The parent maps every way a child can fail to one of a few outcomes: ``inspect_pdf`` raises
``ValidationError`` with a Spanish message, ``extract_pages`` returns status "failed",
``render_cover`` returns None. None of them raises for a bad file.
"""

import contextlib
import json
import logging
import math
import os
import re
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

MB = 1024 * 1024
PDF_MAGIC = b"%PDF-"
MAX_PAGES = 2000
MAX_CHARS_PER_PAGE = 20_000
MEMORY_MB = 512
TITLE_MAX = 300
JPEG_QUALITY = 82
# A cover is at most this many times as tall as it is wide; the rest of a tall page is cut.
COVER_MAX_RATIO = 2
COVER_MAX_WIDTH = 2000
PAGE_SEPARATOR = "\x0c"

# The child: isolated (-I: no user site, no PYTHON* variables, no cwd on sys.path), no .pyc
# writes (-B), and this file loaded by path, so the package's __init__ (the app) is not run.
_BOOT = ("import importlib.util,sys;"
         "s=importlib.util.spec_from_file_location('_community_pdf_worker',sys.argv[1]);"
         "m=importlib.util.module_from_spec(s);sys.modules[s.name]=m;"
         "s.loader.exec_module(m);m._worker_main(sys.argv[2:])")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PdfInfo:
    """What the upload check learned: enough to accept the file and describe it."""

    pages: int
    has_javascript: bool
    title: str | None


@dataclass(frozen=True)
class Extraction:
    """Text per page. ``status``: "done" (text found), "empty" (parsed, no text: scanned
    images) or "failed" (broken, too slow, too big). ``error`` is a short English note for
    logs and staff, never shown as is to the public; describe it with ``status_message``."""

    pages: list[str]
    status: str
    error: str | None


@dataclass(frozen=True)
class _Outcome:
    """How a child ended: ``result`` (its JSON or raw bytes) or ``failure`` (why not)."""

    result: object = None
    failure: str | None = None


# -- the upload check --------------------------------------------------------------------------


def inspect_pdf(data: bytes, *, field: str, max_bytes: int, time_limit: float = 15.0,
                max_pages: int = MAX_PAGES, memory_mb: int = MEMORY_MB,
                label: str | None = None) -> PdfInfo:
    """Accept ``data`` as a PDF people can open, or raise ``ValidationError({field: msg})``.

    Judged by content: the magic bytes, then a full parse (page tree walked, not /Count
    trusted) in a limited child. Encrypted files are refused unless they open with the
    empty password, since readers of the library could not open them either.
    """
    from community.core.errors import ValidationError

    label = label or _default_label()
    if len(data) > max_bytes:
        raise ValidationError({field: _msg_too_big(label, max_bytes)})
    if not data.startswith(PDF_MAGIC):
        raise ValidationError({field: _msg_not_a_pdf(label, max_bytes)})
    with _temporary_copy(data) as path:
        outcome = _run_child("inspect", path, {"max_pages": max_pages},
                             time_limit=time_limit, memory_mb=memory_mb)
    result = outcome.result if isinstance(outcome.result, dict) else {}
    if outcome.failure is None and result.get("ok"):
        return PdfInfo(pages=int(result["pages"]), has_javascript=bool(result["javascript"]),
                       title=result.get("title"))
    reason = outcome.failure or result.get("error") or "broken"
    log.info("PDF refused (%s): %s", reason, result.get("detail") or outcome.failure)
    raise ValidationError({field: _refusal_message(reason, label, max_bytes, max_pages)})


def _refusal_message(reason: str, label: str, max_bytes: int, max_pages: int) -> str:
    if reason == "protected":
        return _msg_protected(label)
    if reason == "too_many_pages":
        return _msg_too_many_pages(label, max_pages)
    if reason in ("timeout", "cpu"):
        return _msg_too_slow()
    if reason == "memory":
        return _msg_too_heavy()
    return _msg_not_a_pdf(label, max_bytes)


@contextlib.contextmanager
def _temporary_copy(data: bytes) -> Iterator[str]:
    """The upload's bytes in a private temporary file, removed whatever happens: the child
    reads a path, never bytes on its command line."""
    fd, path = tempfile.mkstemp(prefix="pdf-check-", suffix=".pdf")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        yield path
    finally:
        Path(path).unlink(missing_ok=True)


# -- text extraction ---------------------------------------------------------------------------


def extract_pages(path: str | os.PathLike, *, time_limit: float = 60.0,
                  max_pages: int = MAX_PAGES, max_chars_per_page: int = MAX_CHARS_PER_PAGE,
                  memory_mb: int = MEMORY_MB) -> Extraction:
    """The text of each page (pypdf), normalised for the search index; never raises.

    Callers join pages with "\\x0c", so the text never contains one. Pages after
    ``max_pages`` are skipped (status stays "done", ``error`` says so).
    """
    options = {"max_pages": max_pages, "max_chars": max_chars_per_page}
    outcome = _run_child("extract", str(path), options, time_limit=time_limit,
                         memory_mb=memory_mb)
    result = outcome.result if isinstance(outcome.result, dict) else {}
    if outcome.failure is not None or "pages" not in result:
        reason = outcome.failure or result.get("error") or "broken"
        note = _failure_note(reason, time_limit, memory_mb, result.get("detail"))
        log.warning("PDF text extraction failed for %s: %s", path, note)
        return Extraction(pages=[], status="failed", error=note)
    pages = [str(text) for text in result["pages"]]
    notes = []
    if result.get("total", len(pages)) > len(pages):
        notes.append(f"stopped after page {len(pages)} of {result['total']}")
    if result.get("page_errors"):
        notes.append(f"{result['page_errors']} page(s) could not be read")
    if not any(pages):
        return Extraction(pages=pages, status="empty",
                          error="; ".join(["no searchable text (scanned images?)", *notes]))
    return Extraction(pages=pages, status="done", error="; ".join(notes) or None)


def _failure_note(reason: str, time_limit: float, memory_mb: int, detail: object) -> str:
    notes = {
        "timeout": f"time limit of {time_limit:g} s exceeded",
        "cpu": f"CPU limit of {math.ceil(time_limit)} s exceeded",
        "memory": f"memory limit of {memory_mb} MB exceeded",
        "protected": "protected with a password",
    }
    note = notes.get(reason, f"could not be parsed ({reason})")
    return f"{note}: {detail}" if detail and reason not in ("timeout", "cpu") else note


def status_message(status: str) -> str | None:
    """The Spanish words for a resource's extraction status, for staff pages."""
    from flask_babel import lazy_gettext as _l

    if status == "empty":
        return _l("Este PDF no tiene texto buscable (parece un documento escaneado); "
                  "su contenido no aparecerá en la búsqueda.")
    if status == "failed":
        return _l("No pudimos leer el texto de este PDF; su contenido no aparecerá en "
                  "la búsqueda.")
    return None


# -- cover images ------------------------------------------------------------------------------


def render_cover(path: str | os.PathLike, *, width: int = 360, time_limit: float = 20.0,
                 memory_mb: int = MEMORY_MB) -> bytes | None:
    """A JPEG of the first page, ``width`` px wide, or None when it cannot be drawn.

    PDFium draws in the child and hands back raw pixels; Pillow encodes them here, so the
    image we serve is one we made (no metadata, nothing of the file's own bytes).
    """
    width = max(16, min(int(width), COVER_MAX_WIDTH))
    outcome = _run_child("cover", str(path), {"width": width}, time_limit=time_limit,
                         memory_mb=memory_mb, raw=True)
    if outcome.failure is not None or not isinstance(outcome.result, bytes):
        log.info("PDF cover not drawn for %s: %s", path, outcome.failure or "no pixels")
        return None
    try:
        return _encode_cover(outcome.result, width)
    except Exception:  # a child that lied about its pixels: no cover, not a 500
        log.warning("PDF cover pixels unusable for %s", path, exc_info=True)
        return None


def _encode_cover(payload: bytes, width: int) -> bytes:
    from io import BytesIO

    from PIL import Image

    header, _, pixels = payload.partition(b"\n")  # a JSON size line, then RGB rows
    size = json.loads(header)
    w, h, stride = int(size["w"]), int(size["h"]), int(size["stride"])
    if not (0 < w <= 4 * COVER_MAX_WIDTH and h > 0 and stride >= 3 * w
            and len(pixels) >= stride * h):
        raise ValueError("bad cover header")
    image = Image.frombuffer("RGB", (w, h), pixels, "raw", "RGB", stride, 1)
    height = max(1, round(h * width / w))
    image = image.resize((width, height), Image.Resampling.LANCZOS)
    image = image.crop((0, 0, width, min(height, COVER_MAX_RATIO * width)))
    out = BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()


# -- the parent's side of a child --------------------------------------------------------------


def _run_child(task: str, path: str, options: dict, *, time_limit: float,
               memory_mb: int, raw: bool = False) -> _Outcome:
    """Run ``task`` on ``path`` in a limited child; kill its process group on time out.

    ``raw`` children write bytes (pixels) to stdout, the others one JSON document.
    """
    limits = {"memory_mb": memory_mb, "cpu_seconds": max(1, math.ceil(time_limit)) + 1}
    argv = [sys.executable, "-I", "-B", "-c", _BOOT, os.path.abspath(__file__), task, path,
            json.dumps({**options, **limits})]
    try:  # argv is ours: this interpreter, this file, a task name, a path, numbers
        child = subprocess.Popen(  # noqa: S603
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            start_new_session=True, close_fds=True)
    except OSError as exc:
        log.error("could not start the PDF worker: %s", exc)
        return _Outcome(failure="start")
    try:
        stdout, stderr = child.communicate(timeout=time_limit)
    except subprocess.TimeoutExpired:
        _kill_group(child)  # before it is reaped, so the group id is still ours
        child.communicate()
        return _Outcome(failure="timeout")
    return _read_outcome(child.returncode, stdout, stderr, raw)


def _kill_group(child: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, signal.SIGKILL)


def _read_outcome(returncode: int, stdout: bytes, stderr: bytes, raw: bool) -> _Outcome:
    """Map the child's exit and output to a result or a failure reason."""
    if returncode in (-signal.SIGXCPU, -signal.SIGKILL):  # RLIMIT_CPU soft, then hard
        return _Outcome(failure="cpu")
    if returncode != 0 or not stdout:
        tail = stderr[-300:].decode("utf-8", "replace")
        if returncode == 3 or "MemoryError" in tail:
            return _Outcome(failure="memory")
        log.warning("PDF worker ended with %s: %s", returncode, tail)
        return _Outcome(failure="crashed")
    # Raw output is a JSON line then pixels; a JSON line alone says why there are none.
    head = stdout.partition(b"\n")[0] if raw else stdout
    try:
        result = json.loads(head)
    except ValueError:
        return _Outcome(failure="crashed")
    if not isinstance(result, dict):
        return _Outcome(failure="crashed")
    if result.get("error") == "memory":
        return _Outcome(result=result, failure="memory")
    if raw:
        return _Outcome(result=stdout) if "w" in result else _Outcome(result, _error_of(result))
    return _Outcome(result=result)


def _error_of(result: object) -> str:
    return str(result.get("error") or "broken") if isinstance(result, dict) else "broken"


# -- the child ---------------------------------------------------------------------------------


def _worker_main(argv: list[str]) -> None:
    """Entry point of the child: limits first, then the task, then one write to stdout."""
    task, path, options = argv[0], argv[1], json.loads(argv[2])
    _apply_limits(int(options["memory_mb"]), int(options["cpu_seconds"]))
    logging.disable(logging.CRITICAL)  # pypdf warns per broken object: not worth a pipe
    import warnings
    warnings.simplefilter("ignore")
    out = sys.stdout.buffer
    try:
        result = _TASKS[task](path, options)
    except MemoryError:
        result = {"error": "memory"}
    except ImportError as exc:  # under RLIMIT_AS a library may fail to map, not to import
        kind = "memory" if "failed to map" in str(exc) else "broken"
        result = {"error": kind, "detail": str(exc)[:300]}
    except Exception as exc:  # every error of a hostile file is an answer, not a crash
        result = {"error": "broken", "detail": f"{type(exc).__name__}: {exc}"[:300]}
    try:
        out.write(result if isinstance(result, bytes)
                  else json.dumps(result, ensure_ascii=False).encode())
        out.flush()
    except MemoryError:
        os._exit(3)


def _apply_limits(memory_mb: int, cpu_seconds: int) -> None:
    import resource

    memory = memory_mb * MB
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # a parser has no file to write


def _open_reader(path: str):
    """A pypdf reader, decrypted with the empty password when that opens it; else None."""
    from pypdf import PasswordType, PdfReader

    reader = PdfReader(path, strict=False)
    if reader.is_encrypted:
        try:
            if reader.decrypt("") == PasswordType.NOT_DECRYPTED:
                return None
        except Exception:  # a cipher we cannot open is as closed as a password
            return None
    return reader


def _task_inspect(path: str, options: dict) -> dict:
    reader = _open_reader(path)
    if reader is None:
        return {"error": "protected"}
    pages = len(reader.pages)  # walks the page tree: /Count is not trusted
    if pages < 1:
        return {"error": "broken", "detail": "no pages"}
    if pages > int(options["max_pages"]):
        return {"error": "too_many_pages", "detail": f"{pages} pages"}
    return {"ok": True, "pages": pages, "javascript": _has_javascript(reader),
            "title": _title(reader)}


def _has_javascript(reader) -> bool:
    """Whether the document carries scripts: in its name tree, open action or triggers.

    Readers' viewers may run them; the library may want to say so. A structure too broken
    to look into counts as a script, the cautious answer.
    """
    try:
        root = reader.root_object
        names = _resolve(root.get("/Names"))
        if isinstance(names, dict) and "/JavaScript" in names:
            return True
        if "/AA" in root or _is_js_action(root.get("/OpenAction")):
            return True
        for page in reader.pages:
            if "/AA" in page:
                return True
            for annot in _resolve(page.get("/Annots")) or []:
                annot = _resolve(annot)
                if isinstance(annot, dict) and ("/AA" in annot or _is_js_action(annot.get("/A"))):
                    return True
    except Exception:
        return True
    return False


def _resolve(value):
    return value.get_object() if hasattr(value, "get_object") else value


def _is_js_action(action) -> bool:
    action = _resolve(action)
    return isinstance(action, dict) and _resolve(action.get("/S")) == "/JavaScript"


def _title(reader) -> str | None:
    try:
        title = reader.metadata.title if reader.metadata else None
    except Exception:  # unreadable metadata is no title, not a broken file
        return None
    title = normalize_text(str(title)).replace("\n", " ")[:TITLE_MAX] if title else ""
    return title or None


def _task_extract(path: str, options: dict) -> dict:
    reader = _open_reader(path)
    if reader is None:
        return {"error": "protected"}
    total, max_chars = len(reader.pages), int(options["max_chars"])
    pages, errors = [], 0
    for page in reader.pages[: int(options["max_pages"])]:
        try:
            text = page.extract_text()
        except MemoryError:
            raise
        except Exception:  # one broken page costs its text, not the document's
            text, errors = "", errors + 1
        pages.append(normalize_text(text)[:max_chars])
    return {"pages": pages, "total": total, "page_errors": errors}


def _task_cover(path: str, options: dict) -> bytes | dict:
    import pypdfium2 as pdfium

    width = int(options["width"])
    document = pdfium.PdfDocument(path)
    page = document[0]
    page_w, page_h = page.get_size()
    if page_w <= 0 or page_h <= 0:
        return {"error": "broken", "detail": "empty page box"}
    scale = width / page_w
    crop_bottom = max(0.0, page_h - COVER_MAX_RATIO * width / scale)
    bitmap = page.render(scale=scale, crop=(0, crop_bottom, 0, 0), rev_byteorder=True,
                         may_draw_forms=False, fill_color=(255, 255, 255, 255))
    if bitmap.format != pdfium.raw.FPDFBitmap_BGR:
        return {"error": "broken", "detail": f"pixel format {bitmap.format}"}
    header = json.dumps({"w": bitmap.width, "h": bitmap.height, "stride": bitmap.stride})
    return header.encode() + b"\n" + bytes(bitmap.buffer)


def _task_sleep(path: str, options: dict) -> dict:
    """Test hook: a child that never finishes, to prove the wall clock kills it."""
    import time

    time.sleep(float(options.get("seconds", 3600)))
    return {"pages": []}


def _task_allocate(path: str, options: dict) -> dict:
    """Test hook: a child that asks for more memory than its limit allows."""
    hoard = bytearray(int(options["allocate_mb"]) * MB)
    return {"pages": [], "allocated": len(hoard)}


_TASKS = {"inspect": _task_inspect, "extract": _task_extract, "cover": _task_cover,
          "sleep": _task_sleep, "allocate": _task_allocate}

_SPACES = re.compile(r"[^\S\n]+")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")  # and lone surrogates
_BLANK_LINES = re.compile(r"\n{3,}")


def normalize_text(text: str | None) -> str:
    """Text fit for the index: no NUL or form feed (the page separator), no control
    characters or lone surrogates (they cannot be encoded), runs of spaces made one, lines
    stripped, at most one blank line in a row."""
    if not text:
        return ""
    text = _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


# -- messages (Spanish source strings, translated through Babel) -------------------------------
# Imported lazily: the child loads this file and must not pay for Flask.


def _default_label() -> str:
    from flask_babel import lazy_gettext as _l

    return _l("El documento")


def _msg_too_big(label: str, max_bytes: int) -> str:
    from community.core.uploads import _too_big

    return _too_big(label, max_bytes)


def _msg_not_a_pdf(label: str, max_bytes: int) -> str:
    from community.core.uploads import _not_a_pdf

    return _not_a_pdf(label, max_bytes)


def _msg_protected(label: str) -> str:
    from community.core.uploads import _protected_pdf

    return _protected_pdf(label)


def _msg_too_many_pages(label: str, max_pages: int) -> str:
    from flask_babel import lazy_gettext as _l

    return _l("%(label)s tiene más de %(pages)s páginas. Divídelo en partes más pequeñas e "
              "inténtalo de nuevo.", label=label, pages=max_pages)


def _msg_too_slow() -> str:
    from flask_babel import lazy_gettext as _l

    return _l("No pudimos leer este PDF en un tiempo razonable; puede estar dañado. "
              "Guárdalo de nuevo como PDF e inténtalo otra vez.")


def _msg_too_heavy() -> str:
    from flask_babel import lazy_gettext as _l

    return _l("Este PDF necesita demasiada memoria para leerse; puede estar dañado. "
              "Guárdalo de nuevo como PDF e inténtalo otra vez.")


if __name__ == "__main__":
    _worker_main(sys.argv[1:])
