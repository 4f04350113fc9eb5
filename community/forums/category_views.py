"""Category management pages for staff: the list with the create form and the order, and
the edit form of one category.

Every decision is made in ``categories``; these views parse the form, call the service, commit
once and redirect. Bad input comes back with the message next to each field (422) and
everything typed kept.
"""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField

from community.core.errors import ValidationError
from community.core.forms import attach_errors
from community.core.inputs import MaxLength, as_id
from community.extensions import db
from community.forums import bp, categories
from community.forums.forms import ChoiceField

MANAGE_PATH = "/foros/gestion/categorias"


class CategoryForm(FlaskForm):
    """The fields of a category; the rules (lengths, groups, free slugs) live in
    ``categories``, whose Spanish messages land next to these fields."""

    name = StringField(_l("Nombre"), validators=[MaxLength(categories.NAME_MAX)],
                       render_kw={"autocomplete": "off"})
    slug = StringField(_l("Dirección"), description=_l(
        "La parte final de /foros/…: minúsculas, números y guiones. Si la dejas vacía, se "
        "forma con el nombre."),
        validators=[MaxLength(categories.SLUG_MAX)], render_kw={"autocomplete": "off"})
    description = TextAreaField(_l("Descripción"),
                                validators=[MaxLength(categories.DESCRIPTION_MAX)],
                                render_kw={"rows": 3})
    group = ChoiceField(_l("Grupo"), choices=list(categories.GROUPS.items()))
    position = StringField(_l("Posición"), description=_l(
        "Las categorías se muestran de menor a mayor posición."),
        render_kw={"type": "number", "inputmode": "numeric", "min": categories.POSITION_MIN,
                   "max": categories.POSITION_MAX, "step": "1"})
    staff_topics_only = BooleanField(_l("Solo el personal abre temas (avisos)"))
    members_only = BooleanField(_l("Solo para integrantes de OSC"))

    def category_data(self) -> dict:
        return {name: getattr(self, name).data for name in categories.FIELDS}


def _form_for(category) -> CategoryForm:
    if request.method == "POST":
        return CategoryForm()
    if category is None:
        return CategoryForm(formdata=None, data={"group": "general", "position": ""})
    return CategoryForm(formdata=None, data={
        name: getattr(category, name) for name in categories.FIELDS})


def _list_page(form: CategoryForm, order_errors: dict | None = None):
    status = 422 if form.errors or order_errors else 200
    return render_template(
        "forums/manage/categories.html", categories=categories.all_categories(current_user),
        form=form, group_labels=categories.GROUPS, order_errors=order_errors or {},
        order_values=request.form if order_errors else {}), status


@bp.route(MANAGE_PATH)
@login_required
def manage_categories():
    categories.require_manager(current_user)
    return _list_page(_form_for(None))


@bp.route(MANAGE_PATH, methods=["POST"])
@login_required
def create_category():
    categories.require_manager(current_user)
    form = _form_for(None)
    if form.validate_on_submit():
        try:
            category = categories.create_category(current_user, form.category_data())
        except ValidationError as error:
            db.session.rollback()
            attach_errors(form, error)
        else:
            db.session.commit()
            flash(_("Creamos la categoría %(name)s.", name=category.name), "success")
            return redirect(url_for("forums.manage_categories"))
    return _list_page(form)


@bp.route(f"{MANAGE_PATH}/orden", methods=["POST"])
@login_required
def reorder_categories():
    categories.require_manager(current_user)
    positions = {}
    for key, value in request.form.items():
        category_id = as_id(key.removeprefix("position-")) if key.startswith("position-") \
            else None
        if category_id is not None:
            positions[category_id] = value
    try:
        categories.reorder_categories(current_user, positions)
    except ValidationError as error:
        db.session.rollback()
        blank = CategoryForm(formdata=None, data={"group": "general", "position": ""})
        return _list_page(blank, {key: str(message) for key, message in error.errors.items()})
    db.session.commit()
    flash(_("Guardamos el orden de las categorías."), "success")
    return redirect(url_for("forums.manage_categories"))


@bp.route(f"{MANAGE_PATH}/<int:category_id>", methods=["GET", "POST"])
@login_required
def edit_category(category_id: int):
    category = categories.get_for_management(current_user, category_id)
    form = _form_for(category)
    if request.method == "POST" and form.validate_on_submit():
        try:
            categories.update_category(current_user, category, form.category_data())
        except ValidationError as error:
            db.session.rollback()
            attach_errors(form, error)
        else:
            db.session.commit()
            flash(_("Guardamos los cambios de la categoría %(name)s.", name=category.name),
                  "success")
            return redirect(url_for("forums.manage_categories"))
    return render_template("forums/manage/edit_category.html", form=form,
                           category=category), 422 if form.errors else 200
