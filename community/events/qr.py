"""QR codes as PNG: a ticket's check-in link (what staff scan at the door) and a
certificate's verification link."""

import io

import qrcode
from qrcode.constants import ERROR_CORRECT_M

from community.core.urls import external_url
from community.events.models import Registration


def png(data: str, box_size: int = 8) -> bytes:
    """A black-on-white PNG with the standard quiet zone, readable by any phone camera;
    medium error correction survives a cracked screen or a creased printout."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=4)
    code.add_data(data)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()


def check_in_url(registration: Registration) -> str:
    return external_url("events.check_in_ticket", ticket=registration.ticket)


def ticket_png(registration: Registration) -> bytes:
    """The person's QR code: it opens the check-in page of their ticket, which only the
    event's managers may use, so the code itself is harmless to share."""
    return png(check_in_url(registration))
