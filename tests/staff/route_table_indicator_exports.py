"""Route × role rows of the indicators' downloads (XLSX, CSV, the PDF report), to merge into
tests/test_routes_roles.ROUTES: staff and admins download them, everyone else signed in gets
403, anonymous visitors go to the sign-in page."""

from tests.route_roles import LOGIN, expect

STAFF_ONLY = expect(LOGIN, 403, 200, 200)

INDICATOR_EXPORT_ROUTES = {
    "staff.indicators_export_xlsx": ("GET", "/personal/indicadores/exportar.xlsx", STAFF_ONLY),
    "staff.indicators_export_csv": ("GET", "/personal/indicadores/exportar.csv", STAFF_ONLY),
    "staff.indicators_report_pdf": ("GET", "/personal/indicadores/informe.pdf", STAFF_ONLY),
}
