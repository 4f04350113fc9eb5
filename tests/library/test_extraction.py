"""Reading uploaded PDFs in the background: leases, outcomes, covers, the CLI."""

from datetime import timedelta
from io import BytesIO

from fpdf import FPDF
from PIL import Image

from community.core.timeutil import utcnow
from community.extensions import db
from community.library import extraction
from community.library.models import ResourceFile, ResourcePage
from tests.library.publishing import attach, make_pdf, make_resource


def _image_only_pdf() -> bytes:
    picture = BytesIO()
    Image.new("RGB", (200, 280), (120, 30, 60)).save(picture, "PNG")
    document = FPDF()
    document.add_page()
    document.image(BytesIO(picture.getvalue()), x=10, y=10, w=100)
    return bytes(document.output())


def test_text_and_cover_are_read_after_the_commit_not_in_it(app, client, staff):
    guide = make_resource(staff, pages=["Primera página sobre marketing social.",
                                        "Segunda página: campañas de donativos."], extract=False)
    stored = guide.current_file
    assert stored.text_status == "pending" and not stored.cover_name
    assert extraction.extract_all_pending() == {"done": 1}
    db.session.expire_all()
    stored = db.session.get(ResourceFile, stored.id)
    assert stored.text_status == "done" and stored.extracted_at is not None
    texts = [p.text for p in db.session.query(ResourcePage).filter_by(file_id=stored.id)
             .order_by(ResourcePage.number)]
    assert "marketing social" in texts[0] and "campañas de donativos" in texts[1]
    cover = client.get(f"/biblioteca/portada/{stored.cover_name}")
    assert cover.status_code == 200 and cover.mimetype == "image/jpeg"
    assert Image.open(BytesIO(cover.get_data())).width == app.config["LIBRARY_COVER_WIDTH"]
    assert stored.cover_name in client.get(f"/biblioteca/{guide.slug}").get_data(as_text=True)


def test_a_scanned_pdf_is_published_without_searchable_text(app, client, staff):
    guide = make_resource(staff, title="Cartel escaneado", extract=False)
    attach(staff, guide, _image_only_pdf())
    db.session.commit()
    assert extraction.extract_all_pending() == {"empty": 1}
    body = client.get(f"/biblioteca/{guide.slug}").get_data(as_text=True)
    assert "Sin texto buscable" in body and "Descargar PDF" in body


def test_the_time_limit_ends_a_slow_parse_and_the_file_stays_published(app, client, staff):
    guide = make_resource(staff, title="Documento lento", extract=False,
                          pages=["Texto largo. " * 300] * 60)
    app.config["LIBRARY_EXTRACT_SECONDS"] = 0.01
    try:
        assert extraction.extract_all_pending() == {"failed": 1}
    finally:
        app.config["LIBRARY_EXTRACT_SECONDS"] = 120.0
    db.session.expire_all()
    stored = guide.current_file
    assert stored.text_status == "failed" and "time limit" in stored.text_error
    assert client.get(f"/biblioteca/{guide.slug}").status_code == 200
    assert client.get(f"/biblioteca/{guide.slug}/archivo").status_code == 200


def test_a_claimed_file_is_not_claimed_twice_until_its_lease_ends(app, staff):
    make_resource(staff, pages=["Texto."], extract=False)
    first = extraction.claim_next()
    assert first is not None
    assert extraction.claim_next() is None  # leased to the first worker
    db.session.query(ResourceFile).filter_by(id=first).update(
        {"claimed_until": utcnow() - timedelta(seconds=1)})
    db.session.commit()
    assert extraction.claim_next() == first  # that worker died: the file comes back


def test_a_file_that_keeps_failing_stops_being_claimed(app, staff):
    make_resource(staff, pages=["Texto."], extract=False)
    db.session.query(ResourceFile).update({"attempts": extraction.MAX_ATTEMPTS})
    db.session.commit()
    assert extraction.claim_next() is None


def test_a_new_version_is_read_again_and_keeps_the_old_text(app, staff):
    guide = make_resource(staff, pages=["Versión uno del texto."])
    old = guide.current_file
    attach(staff, guide, make_pdf(["Versión dos, corregida."]))
    db.session.commit()
    assert extraction.extract_all_pending() == {"done": 1}
    db.session.expire_all()
    assert guide.current_file.version == 2 and guide.current_file.text_status == "done"
    assert db.session.query(ResourcePage).filter_by(file_id=old.id).count() == 1


def test_cli_reads_what_is_pending(app, runner, staff):
    make_resource(staff, pages=["Texto de la guía."], extract=False)
    result = runner.invoke(args=["library", "extract", "--once"])
    assert result.exit_code == 0 and "1 con texto" in result.output
    assert "Nada pendiente" in runner.invoke(args=["library", "extract", "--once"]).output
    assert "PDF por leer: 0" in runner.invoke(args=["library", "status"]).output
