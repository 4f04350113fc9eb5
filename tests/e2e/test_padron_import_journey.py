"""The padrón's import in a browser: a staff member on a desktop opens it from the console,
uploads the sample padrón (community/demo/data/padron_muestra.csv, ~2,700 rows in
Windows-1252), keeps the columns the page recognised, reads the dry run, opens the possible
duplicates, applies the file and watches the progress page (it reloads itself, no JavaScript)
until the counts of what was written. axe on each page."""

import re

from playwright.sync_api import expect

from community.demo import padron_sample
from tests.e2e.test_registry_journey import sign_in

SLOW_MS = 120_000  # the dry run and the apply of 2,700 rows on a shared CI machine


def test_staff_import_the_sample_padron_review_the_duplicates_and_apply(page, axe, app, staff):
    # A file of this size is applied in the background thread, as in production.
    app.config.update(PADRON_APPLY_INLINE=False, PADRON_INLINE_ROWS=1000)
    expected = padron_sample.EXPECTED
    sign_in(page, staff.email)
    page.goto("/personal")
    page.get_by_role("link", name="Importar el padrón").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importar el padrón")
    axe.assert_accessible(page, "padrón import: upload")

    # A file that is not a padrón first: the message is next to the field.
    page.get_by_label("Archivo del padrón (CSV o XLSX)").set_input_files(files=[{
        "name": "logo.csv", "mimeType": "text/csv", "buffer": b"\x89PNG\r\n\x1a\n\x00\x00"}])
    page.get_by_role("button", name="Subir y continuar").click()
    expect(page.locator("#archivo-error")).to_be_visible()
    expect(page.get_by_label("Archivo del padrón (CSV o XLSX)")).to_have_attribute(
        "aria-invalid", "true")
    axe.assert_accessible(page, "padrón import: a bad file")

    page.get_by_label("Archivo del padrón (CSV o XLSX)").set_input_files(padron_sample.PATH)
    page.get_by_role("button", name="Subir y continuar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Elegir las columnas")
    expect(page.get_by_text(f"{padron_sample.ROWS} filas")).to_be_visible()
    expect(page.get_by_label("Columna 1: NOMBRE DE LA ORGANIZACION")).to_have_value("name")
    expect(page.get_by_label("Columna 4: MUNICIPIO")).to_have_value("municipality")
    axe.assert_accessible(page, "padrón import: the columns")

    page.get_by_role("button", name="Probar la importación").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Revisar la prueba",
                                                              timeout=SLOW_MS)
    for klass, label in (("new", "Nuevas"), ("duplicate", "Posibles duplicados"),
                         ("error", "Con errores")):
        row = page.locator(f"#conteo-{klass}")
        expect(row).to_contain_text(label)
        expect(row.get_by_role("cell").first).to_have_text(str(expected[klass]))
    axe.assert_accessible(page, "padrón import: the dry run")

    page.get_by_role("link", name="Posibles duplicados").click()
    expect(page.get_by_role("heading", name=f"Posibles duplicados ({expected['duplicate']})")
           ).to_be_visible(timeout=SLOW_MS)
    duplicates = page.get_by_role("region", name="Posibles duplicados", exact=True)
    expect(duplicates.get_by_role("row")).to_have_count(min(expected["duplicate"], 50) + 1)
    expect(duplicates.get_by_role("row").nth(1)).to_contain_text(re.compile(r"fila \d+"))
    axe.assert_accessible(page, "padrón import: the duplicates")

    page.get_by_role("button", name="Aplicar la importación").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Avance de la importación")
    expect(page.locator("#avance")).to_be_visible()
    # While it runs, import-progress.js reads the page again and updates the bar in place:
    # nothing reloads on its own (axe's meta-refresh rule, WCAG 2.2.1) and the manual link is
    # hidden; when the import ends, the finished page's content takes its place.
    expect(page.locator('meta[http-equiv="refresh"]')).to_have_count(0)
    if page.locator("[data-import-progress]").count():
        axe.assert_accessible(page, "padrón import: the progress while it runs")
    expect(page.get_by_role("heading", name="Importación terminada")).to_be_visible(
        timeout=SLOW_MS)
    expect(page.locator("#avance")).to_have_attribute("value", str(padron_sample.ROWS))
    figures = page.locator("#resultado-cifras")
    expect(figures).to_contain_text(f"OSC creadas{expected['new']}")
    expect(figures).to_contain_text("OSC actualizadas0")
    expect(figures).to_contain_text(f"Filas con errores{expected['error']}")
    axe.assert_accessible(page, "padrón import: finished")
