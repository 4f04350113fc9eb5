"""Route × role rows of the results indicators, to merge into tests/test_routes_roles.ROUTES:
only staff and admins read or change them (403 for everyone else signed in, the sign-in page
for anonymous visitors); /resultados is public."""

from tests.route_roles import LOGIN, expect

EVERYONE_200 = expect(200, 200, 200, 200)

STAFF_ONLY = expect(LOGIN, 403, 200, 200)
STAFF_WRITES = expect(LOGIN, 403, 302, 302)

INDICATOR_ROUTES = {
    "staff.indicators": ("GET", "/personal/indicadores", STAFF_ONLY),
    "staff.indicator": ("GET", "/personal/indicadores/asesorias-otorgadas", STAFF_ONLY),
    "staff.indicator_records": ("GET", "/personal/indicadores/padron-validadas/registros",
                                STAFF_ONLY),
    "staff.indicator_goal": ("POST", "/personal/indicadores/asesorias-otorgadas/meta",
                             STAFF_WRITES),
    "staff.indicator_history": ("POST", "/personal/indicadores/asesorias-otorgadas/historico",
                                STAFF_WRITES),
    "results.public_results": ("GET", "/resultados", EVERYONE_200),
}

INDICATOR_POST_DATA = {
    "staff.indicator_goal": {"year": "2026", "value": "1200"},
    "staff.indicator_history": {"year": "2019", "value": "5013",
                                "source": "Informe del programa, cifras acumuladas"},
}
