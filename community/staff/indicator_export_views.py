"""The indicators' downloads: the workbook, the CSV and the PDF *Informe de resultados*, for the
same period and municipality as ``/personal/indicadores`` (``?periodo=…&municipio=…``)."""

from flask import Response, request
from flask_login import current_user, login_required

from community.core.periods import local_today
from community.errors import error_response
from community.extensions import db
from community.staff import bp, figures
from community.staff import indicator_exports as exports

MIMETYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
}


def _download(fmt: str, kind: str):
    exports.export_indicators(current_user)  # who asks comes first: 403 before a 400
    today = local_today()
    period, previous, _chosen, errors = figures.parse_period(request.args, today)
    municipality = figures.parse_municipality(request.args, errors)
    if errors:
        return error_response(400, " ".join(str(message) for message in errors.values()))
    body = exports.export(current_user, fmt, period, previous, municipality, today=today)
    db.session.commit()  # the audit entry of the download
    response = Response(body, mimetype=MIMETYPES[fmt])
    name = exports.file_name(kind, period, fmt, municipality)
    response.headers["Content-Disposition"] = f"attachment; filename={name}"
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/indicadores/exportar.xlsx")
@login_required
def indicators_export_xlsx():
    return _download("xlsx", "indicadores")


@bp.route("/indicadores/exportar.csv")
@login_required
def indicators_export_csv():
    return _download("csv", "indicadores")


@bp.route("/indicadores/informe.pdf")
@login_required
def indicators_report_pdf():
    return _download("pdf", "informe-resultados")
