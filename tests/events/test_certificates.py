"""Certificates: only for people who attended; the PDF says who, what, when and its code; the
public page confirms a code."""

import io

import pytest
from pypdf import PdfReader

from community.core.errors import NotFound, PermissionDenied
from community.core.timeutil import utcnow
from community.events import attendance, certificates, services
from tests.conftest import sign_in


@pytest.fixture
def attendee(db, make_event, make_user, staff):
    """A person checked in at a three-hour workshop whose title needs more than latin-1."""
    event = make_event(title="Taller – «Procuración de fondos» y señas", hours="3")
    person = make_user(name="María José Peña Núñez")
    registration = services.register(person, event)
    attendance.check_in(staff, registration)
    db.session.commit()
    return registration


def test_no_certificate_without_attendance(db, make_event, make_user):
    event = make_event()
    registered, stranger = make_user(), make_user()
    services.register(registered, event)
    db.session.commit()
    with pytest.raises(PermissionDenied):
        certificates.attended_registration(registered, event)
    with pytest.raises(NotFound):
        certificates.attended_registration(stranger, event)


def test_certificate_download_only_for_the_attendee(app, client, db, attendee, make_user):
    slug = attendee.event.slug
    stranger = app.test_client()
    sign_in(stranger, make_user().email)
    assert stranger.get(f"/eventos/{slug}/constancia.pdf").status_code == 404
    sign_in(client, attendee.user.email)
    response = client.get(f"/eventos/{slug}/constancia.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "private, no-store"


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


def test_pdf_has_name_event_hours_and_code(client, attendee):
    sign_in(client, attendee.user.email)
    data = client.get(f"/eventos/{attendee.event.slug}/constancia.pdf").data
    text = " ".join(_pdf_text(data).split())
    code = certificates.display_code(attendee.certificate_code)
    assert "María José Peña Núñez" in text
    assert "«Taller - «Procuración de fondos» y señas»" in text
    assert "3 horas" in text
    assert code in text
    assert f"/constancias/{code}" in text


def test_pdf_text_keeps_spanish_and_replaces_the_rest():
    assert certificates.pdf_text("Peña «ñ» – “sí”… Łódź 🙂") == 'Peña «ñ» - "sí"... Lódz ?'


def test_verification_page_is_public_and_case_insensitive(client, attendee):
    code = attendee.certificate_code
    for typed in (code.lower(), certificates.display_code(code), f" {code} "):
        response = client.get(f"/constancias/{typed.strip()}")
        assert response.status_code == 200, typed
        html = response.get_data(as_text=True)
        assert "Constancia auténtica" in html
        assert "María José Peña Núñez" in html
        assert attendee.user.email not in html


def test_unknown_code_is_not_found(client, attendee):
    response = client.get("/constancias/ABCDE-FGHJK")
    assert response.status_code == 404
    assert "Constancia no encontrada" in response.get_data(as_text=True)
    assert certificates.verify("") is None
    assert certificates.verify(None) is None


def test_guessing_codes_is_rate_limited_checking_real_ones_is_not(app, client, attendee):
    app.config["RATELIMIT_CERTIFICATE_LOOKUP"] = "3 per minute"
    code = attendee.certificate_code
    for _n in range(5):  # real codes do not use up the allowance
        assert client.get(f"/constancias/{code}").status_code == 200
    guesses = [client.get(f"/constancias/ABCDE-FGH{n}K").status_code for n in range(2, 6)]
    assert guesses == [404, 404, 404, 429]


def test_verify_gives_public_facts_only(attendee):
    facts = certificates.verify(attendee.certificate_code)
    assert facts["name"] == "María José Peña Núñez"
    assert facts["hours"] == 3
    assert facts["organizer"] == "Dirección General de Participación Social"
    assert "email" not in facts and "ticket" not in facts


def test_attendance_recorded_elsewhere_gets_a_code_on_download(client, db, make_event, make_user):
    event = make_event()
    registration = services.register(make_user(), event)
    registration.checked_in_at = utcnow()  # as an import or demo data would
    db.session.commit()
    sign_in(client, registration.user.email)
    assert client.get(f"/eventos/{event.slug}/constancia.pdf").status_code == 200
    db.session.expire_all()
    assert certificates.verify(registration.certificate_code)["name"] == registration.user.name


def test_codes_use_an_unambiguous_alphabet(db):
    codes = {certificates.new_code() for _ in range(200)}
    assert len(codes) == 200
    assert not set("".join(codes)) & set("01ILO")


def test_pdf_is_an_official_constancia_on_one_page(app, client, attendee, monkeypatch):
    """The layout of an official constancia: the government header, the title, the name, the
    signer from the settings (the title is the default one) and the verification code, all on
    one page."""
    monkeypatch.setitem(app.config, "CERTIFICATE_SIGNER_NAME", "Mtra. Ana Laura Velázquez Ruiz")
    sign_in(client, attendee.user.email)
    data = client.get(f"/eventos/{attendee.event.slug}/constancia.pdf").data
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Gobierno del Estado de México · Dirección General de Participación Social" in text
    assert "CONSTANCIA" in text
    assert "Se otorga la presente a" in text
    assert "María José Peña Núñez" in text
    assert "Mtra. Ana Laura Velázquez Ruiz" in text
    assert "Titular de la Dirección General de Participación Social" in text
    assert "Organizó: Dirección General de Participación Social" in text
    assert certificates.display_code(attendee.certificate_code) in text
    _save_artifact(data)


def _save_artifact(data: bytes) -> None:
    """The first page as PNG in tests/e2e/artifacts/ when poppler's pdftoppm is installed."""
    import os
    import shutil
    import subprocess
    import tempfile
    from pathlib import Path

    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        return
    folder = Path(os.environ.get("E2E_ARTIFACTS_DIR")
                  or Path(__file__).parents[1] / "e2e" / "artifacts") / "certificates"
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "constancia.pdf"
        source.write_bytes(data)
        subprocess.run([pdftoppm, "-png", "-r", "80", "-singlefile", str(source),
                        str(folder / "constancia")], check=True, timeout=30)
