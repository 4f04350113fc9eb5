"""The results indicators for staff (/personal/indicadores) and for citizens (/resultados)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from community.core.catalog import municipality_choices, municipality_name
from community.core.errors import ValidationError
from community.core.pagecache import cached_page
from community.core.pagination import page_arg
from community.core.periods import local_today, whole_year, year_to_date
from community.extensions import db
from community.profiles import geo
from community.staff import bp, charts, figures, indicator_services, public_bp
from community.staff.figures import PERIOD_KINDS
from community.staff.indicators import public_indicators

RESULTS_MAX_AGE = 300
MONTHS = [_l("ene"), _l("feb"), _l("mar"), _l("abr"), _l("may"), _l("jun"), _l("jul"),
          _l("ago"), _l("sep"), _l("oct"), _l("nov"), _l("dic")]
QUARTERS = (1, 2, 3, 4)


def _period_args():
    """The period and municipality of the query string, with errors by field."""
    period, previous, chosen, errors = figures.parse_period(request.args, local_today())
    municipality = figures.parse_municipality(request.args, errors)
    chosen["municipio"] = municipality or ""
    return period, previous, municipality, chosen, errors


def _query(chosen: dict) -> dict:
    """The query string that keeps the chosen period on the next page."""
    return {k: v for k, v in chosen.items() if v}


def _form_context(chosen, errors):
    return {"chosen": chosen, "errors": errors, "period_kinds": PERIOD_KINDS,
            "quarters": QUARTERS, "municipalities": municipality_choices(),
            "years": [(str(y), str(y)) for y in range(local_today().year + 1,
                                                      figures.FIRST_YEAR + 14, -1)],
            "show": figures.display, "export_links": _export_links()}


def _export_links() -> list[tuple[str, str]]:
    """The downloads of indicator_export_views, with the page's period and municipality."""
    return [(_("Descargar Excel (XLSX)"), "staff.indicators_export_xlsx"),
            (_("Descargar CSV"), "staff.indicators_export_csv"),
            (_("Informe de resultados (PDF)"), "staff.indicators_report_pdf")]


def _grouped(cards):
    groups: dict[str, list] = {}
    for item in cards:
        groups.setdefault(str(item.indicator.group), []).append(item)
    return list(groups.items())


@bp.route("/indicadores")
@login_required
def indicators():
    indicator_services.require_reader(current_user)
    period, previous, municipality, chosen, errors = _period_args()
    cards = figures.cards(period, previous, municipality)
    return render_template(
        "staff/indicators.html", groups=_grouped(cards), period=period, previous=previous,
        municipality=municipality, municipality_label=municipality_name(municipality),
        query=_query(chosen), **_form_context(chosen, errors)), 400 if errors else 200


def _detail_page(key: str, status: int = 200, goal_form=None, history_form=None,
                 form_errors=None):
    indicator = indicator_services.indicator(current_user, key)
    period, previous, municipality, chosen, errors = _period_args()
    card = figures.card(indicator, period, previous, municipality,
                        figures.goals(period.end.year).get(indicator.key))
    rows = figures.monthly(indicator, period.end.year, municipality)
    places = figures.by_municipality(indicator, period) if indicator.has_municipality else []
    scale = 10 ** indicator.decimals
    shading = {p.code: int(round((p.value or 0) * scale)) for p in places}
    return render_template(
        "staff/indicator.html", indicator=indicator, card=card, period=period,
        previous=previous, municipality=municipality,
        municipality_label=municipality_name(municipality), query=_query(chosen),
        rows=rows, chart=charts.month_chart(rows, [str(m) for m in MONTHS],
                                            indicator.decimals),
        places=places, values={p.code: p.value for p in places},
        map_items=geo.choropleth(shading) if places else None,
        map_legend=geo.legend(shading) if places else None, scale=scale,
        history=figures.history(indicator), year=period.end.year,
        goal_form=goal_form or {}, history_form=history_form or {},
        form_errors=form_errors or {}, **_form_context(chosen, errors)), \
        status if not errors else 400


@bp.route("/indicadores/<clave>")
@login_required
def indicator(clave: str):
    return _detail_page(clave)


@bp.route("/indicadores/<clave>/registros")
@login_required
def indicator_records(clave: str):
    found = indicator_services.indicator(current_user, clave)
    period, previous, municipality, chosen, errors = _period_args()
    page = page_arg(request.args)
    rows = figures.records(found, period, municipality, page)
    if rows is None:
        abort(404)
    more = len(rows) > figures.RECORDS_PER_PAGE
    return render_template(
        "staff/indicator_records.html", indicator=found, rows=rows[:figures.RECORDS_PER_PAGE],
        more=more, page=page, period=period, municipality=municipality,
        municipality_label=municipality_name(municipality), query=_query(chosen),
        value=figures.values(found, [period], municipality)[0],
        **_form_context(chosen, errors)), 400 if errors else 200


@bp.route("/indicadores/<clave>/meta", methods=["POST"])
@login_required
def indicator_goal(clave: str):
    form = {"year": request.form.get("year", "")[:10], "value": request.form.get("value", "")[:30]}
    try:
        indicator_services.set_goal(current_user, clave, form["year"], form["value"])
    except ValidationError as error:
        db.session.rollback()
        return _detail_page(clave, 422, goal_form=form, form_errors={"goal": error.errors})
    db.session.commit()
    flash(_("Meta guardada."), "success")
    return redirect(url_for("staff.indicator", clave=clave, **request.args))


@bp.route("/indicadores/<clave>/historico", methods=["POST"])
@login_required
def indicator_history(clave: str):
    form = {"year": request.form.get("year", "")[:10], "value": request.form.get("value", "")[:30],
            "source": request.form.get("source", "")[:2000]}
    try:
        indicator_services.set_history(current_user, clave, form["year"], form["value"],
                                       form["source"])
    except ValidationError as error:
        db.session.rollback()
        return _detail_page(clave, 422, history_form=form,
                            form_errors={"history": error.errors})
    db.session.commit()
    flash(_("Cifra histórica guardada."), "success")
    return redirect(url_for("staff.indicator", clave=clave, _anchor="historico"))


# --- the public page ---------------------------------------------------------------------------


@public_bp.route("/resultados")
@cached_page("results", max_age=RESULTS_MAX_AGE)
def public_results():
    """The program's main figures for citizens: the year to date against the same days of
    last year and the whole of last year, from the same registry as the staff cards; figures
    about people below five are withheld. Anonymous visitors share one copy for up to five
    minutes: the figures read every module, so no one module's writes can expire it."""
    today = local_today()
    this, previous = year_to_date(today)
    last_year = whole_year(today.year - 1)
    rows = []
    for indicator in public_indicators():  # the three periods of a figure in one statement
        values = figures.values(indicator, [this, previous, last_year])
        rows.append((indicator, *(figures.public_value(indicator, v) for v in values)))
    return render_template("staff/public_results.html", rows=rows, this=this,
                           previous=previous, last_year=last_year, show=figures.display)
