"""Certificates of attendance: a PDF for each person who was checked in, and a public page
that confirms a certificate's code.

The code is given at check-in (``attendance.check_in``), so downloading a certificate is a
plain read; ``ensure_code`` covers rows checked in some other way (imports, demo data).
"""

import io
import secrets
import unicodedata
from datetime import datetime

from flask import current_app
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from fpdf import FPDF
from sqlalchemy import select

from community.core.errors import NotFound, PermissionDenied
from community.core.permissions import require_signed_in
from community.core.timeutil import to_local
from community.core.urls import external_url
from community.events import qr, services
from community.events.fields import KINDS
from community.events.models import Event, Registration
from community.extensions import db

# No 0/O, 1/I/L: a code read aloud or typed from paper has one spelling.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
BRAND = (138, 21, 56)

# Core PDF fonts speak latin-1, which already has ñ, accents, ¿¡ and «»; these are the
# common typographic characters beyond it, written the closest latin-1 way.
PDF_REPLACEMENTS = str.maketrans({
    "\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-",
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"',
    "\u2026": "...", "\u2022": "·", "\u00a0": " ", "\u202f": " ", "\u2009": " ",
    "\u20ac": "EUR", "\u2122": "TM", "\u0141": "L", "\u0142": "l", "\u0152": "OE",
    "\u0153": "oe",
})


# --- codes --------------------------------------------------------------------------------


def new_code() -> str:
    """A fresh code not yet used; 31^10 codes make a guess hopeless and a clash rare."""
    while True:
        code = "".join(secrets.choice(ALPHABET) for _n in range(CODE_LENGTH))
        if db.session.scalar(select(Registration.id).where(
                Registration.certificate_code == code)) is None:
            return code


def normalize_code(raw: str | None) -> str:
    """What people type: any case, with the dash we print, spaces or none."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())[:40]


def display_code(code: str) -> str:
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def ensure_code(registration: Registration) -> bool:
    """Give a checked-in registration its code if it has none; True when one was added (the
    caller then commits)."""
    if registration.certificate_code:
        return False
    registration.certificate_code = new_code()
    db.session.flush()
    return True


# --- who gets one ---------------------------------------------------------------------------


def attended_registration(actor, event: Event) -> Registration:
    """The actor's own registration to ``event``, if they attended: no registration is 404,
    a registration without attendance is 403 with the reason."""
    require_signed_in(actor)
    registration = services.registration_of(actor, event)
    if registration is None or registration.status == "cancelled":
        raise NotFound()
    if registration.checked_in_at is None:
        raise PermissionDenied(_l("La constancia es para quienes asistieron: tu asistencia no "
                                  "quedó registrada en este evento."))
    return registration


# --- the facts printed and verified -------------------------------------------------------


def organizer_name(event: Event) -> str:
    if event.organization is not None:
        return event.organization.name
    return current_app.config["CONTACT"]["name"]


def dates_text(event: Event) -> str:
    """The local date, or the range of dates, of the event."""
    start, end = to_local(event.starts_at).date(), to_local(event.ends_at).date()
    if start == end:
        return format_date(start, "long")
    return _("del %(start)s al %(end)s", start=format_date(start, "long"),
             end=format_date(end, "long"))


def hours_of(event: Event) -> int:
    return event.hours or services.default_hours(event)


def facts(registration: Registration) -> dict:
    """What a certificate states; the verification page shows the same, nothing private."""
    event = registration.event
    return {
        "name": registration.user.name,
        "event_title": event.title,
        "event_slug": event.slug,
        "kind": str(KINDS.get(event.kind, event.kind)),
        "dates": dates_text(event),
        "hours": hours_of(event),
        "organizer": organizer_name(event),
        "code": display_code(registration.certificate_code or ""),
        "attended_on": to_local(registration.checked_in_at).date()
        if registration.checked_in_at else None,
    }


def verify(raw_code: str | None) -> dict | None:
    """The public facts of the certificate with this code, or None: an unknown code and one
    whose attendance was never recorded look the same."""
    code = normalize_code(raw_code)
    if len(code) != CODE_LENGTH:
        return None
    registration = db.session.scalar(select(Registration).where(
        Registration.certificate_code == code, Registration.checked_in_at.is_not(None)))
    return facts(registration) if registration is not None else None


def verification_url(registration: Registration) -> str:
    return external_url("events.verify_certificate",
                        code=display_code(registration.certificate_code or ""))


# --- the PDF --------------------------------------------------------------------------------


def pdf_text(value) -> str:
    """Text the core fonts can print: latin-1 as is, common typography replaced, other
    letters without their accents, anything else as "?"."""
    text = str(value).translate(PDF_REPLACEMENTS)
    out = []
    for ch in text:
        if ord(ch) < 256:
            out.append(ch)
            continue
        base = unicodedata.normalize("NFKD", ch).encode("latin-1", "ignore").decode("latin-1")
        out.append(base or "?")
    return "".join(out)


def render_pdf(registration: Registration) -> bytes:
    """One landscape page laid out as an official *constancia*: a double border, the
    government header, "CONSTANCIA", who, what, when, how many hours, who organized, the
    signature of the responsible official (``CERTIFICATE_SIGNER_NAME`` / ``_TITLE``) and the
    code with its verification link (also as a QR code)."""
    info = facts(registration)
    url = verification_url(registration)
    pdf = _page(info)
    _body(pdf, info)
    _signature(pdf, current_app.config.get("CERTIFICATE_SIGNER_NAME") or "",
               current_app.config.get("CERTIFICATE_SIGNER_TITLE") or "")
    _verification(pdf, info, url)
    return bytes(pdf.output())


def _page(info: dict) -> FPDF:
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(25, 20, 25)
    pdf.set_title(pdf_text(_("Constancia de asistencia: %(title)s", title=info["event_title"])))
    pdf.set_author(pdf_text(info["organizer"]))
    pdf.set_creator("Comunidad OSC")
    pdf.set_creation_date(datetime(2000, 1, 1))  # fixed: the same certificate, the same bytes
    pdf.add_page()
    pdf.set_draw_color(*BRAND)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 277, 190)
    pdf.set_line_width(0.3)
    pdf.rect(13, 13, 271, 184)
    return pdf


def _line(pdf: FPDF, text, size: float, style: str = "", height: float | None = None,
          color=(33, 33, 33)) -> None:
    pdf.set_font("Helvetica", style=style, size=size)
    pdf.set_text_color(*color)
    pdf.multi_cell(0, height or size * 0.5, pdf_text(text), align="C",
                   new_x="LMARGIN", new_y="NEXT")


def _body(pdf: FPDF, info: dict) -> None:
    pdf.set_y(21)
    _line(pdf, _("Gobierno del Estado de México · Dirección General de Participación Social"),
          10.5, "B", color=(90, 90, 90))
    pdf.set_draw_color(*BRAND)
    pdf.set_line_width(0.4)
    pdf.line(98, pdf.get_y() + 2, 199, pdf.get_y() + 2)
    pdf.ln(7)
    _line(pdf, _("CONSTANCIA"), 34, "B", 15, BRAND)
    _line(pdf, _("de asistencia"), 12, "", 6, (90, 90, 90))
    pdf.ln(5)
    _line(pdf, _("Se otorga la presente a"), 13)
    pdf.ln(2)
    _line(pdf, info["name"], 26, "B", 12)
    pdf.ln(3)
    _line(pdf, _("por su asistencia a"), 13)
    pdf.ln(1)
    _line(pdf, f"«{info['event_title']}»", 17, "B", 8.5)
    pdf.ln(2)
    hours = ngettext("%(num)d hora", "%(num)d horas", info["hours"])
    _line(pdf, _("%(kind)s, %(dates)s, con una duración de %(hours)s.", kind=info["kind"],
                 dates=info["dates"], hours=hours), 12.5)
    _line(pdf, _("Organizó: %(organizer)s", organizer=info["organizer"]), 12.5)


def _signature(pdf: FPDF, name: str, title: str) -> None:
    """A line to sign on, and under it the official's name and title."""
    y = max(pdf.get_y() + 14, 150)
    pdf.set_draw_color(60, 60, 60)
    pdf.set_line_width(0.3)
    pdf.line(103.5, y, 193.5, y)
    pdf.set_xy(78.5, y + 1.5)
    for text, size, style in ((name, 11, "B"), (title, 9.5, "")):
        if text:
            pdf.set_x(78.5)
            pdf.set_font("Helvetica", style=style, size=size)
            pdf.set_text_color(33, 33, 33)
            pdf.multi_cell(140, size * 0.45, pdf_text(text), align="C",
                           new_x="LMARGIN", new_y="NEXT")


def _verification(pdf: FPDF, info: dict, url: str) -> None:
    pdf.image(io.BytesIO(qr.png(url, box_size=6)), x=251, y=163, w=30, h=30)
    pdf.set_xy(20, 181)
    pdf.set_font("Helvetica", size=9)
    pdf.set_text_color(60, 60, 60)
    pdf.multi_cell(228, 4.5, pdf_text(_("Código de verificación: %(code)s", code=info["code"])),
                   new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(20)
    pdf.multi_cell(228, 4.5, pdf_text(_("Consulta su autenticidad en %(url)s", url=url)),
                   new_x="LMARGIN", new_y="NEXT")
