"""Building library resources through the real services, with real PDFs, for the tests."""

from fpdf import FPDF

from community.core import uploads
from community.extensions import db
from community.library import extraction, pdf, services


def make_pdf(pages: list[str]) -> bytes:
    """A PDF with one page per text (Helvetica covers Spanish in latin-1)."""
    document = FPDF()
    document.set_font("Helvetica", size=11)
    for text in pages:
        document.add_page()
        document.multi_cell(0, 6, text)
    return bytes(document.output())


def attach(actor, resource, data: bytes, name: str = "documento.pdf", note: str = ""):
    info = pdf.inspect_pdf(data, field="file", max_bytes=len(data) + 1)
    stored = uploads.store_checked_pdf(data, name)
    return services.attach_file(actor, resource, stored, info, note)


def make_resource(actor, title="Guía de procuración de fondos", pages=None, kind="guide",
                  publish=True, toc=None, extract=True, **fields):
    raw = {"title": title, "kind": kind, "issued": "2022-05", "language": "es",
           "rights": "cc-by-nc-4.0", "access": "public", "creators": "Ana López (UAEMex)",
           "description": "Material de capacitación.", **fields}
    resource = services.create_resource(actor, raw)
    if pages:
        attach(actor, resource, make_pdf(pages))
    if toc:
        services.set_parts(actor, resource, toc)
    if publish:
        services.publish(actor, resource)
    db.session.commit()
    if pages and extract:
        extraction.extract_all_pending()
    return resource
