"""``flask registry ...``: the scheduled reminders of the yearly confirmation."""

import click
from flask.cli import AppGroup

from community.extensions import db
from community.profiles import services

registry_cli = AppGroup("registry", help="Padrón de organizaciones.")


@registry_cli.command("remind")
def remind() -> None:
    """Mail the admins of OSCs whose confirmation is due in 30 days or today (run daily)."""
    sent = services.send_reminders()
    db.session.commit()
    click.echo(f"{sent} recordatorios enviados.")


@registry_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--apply", "do_apply", is_flag=True,
              help="Aplicar los cambios; sin esta opción solo se hace la revisión previa.")
@click.option("--accept", default="new,update", show_default=True,
              help="Clases que se aplican: new, update, duplicate (separadas por comas).")
@click.option("--staff", "staff_email", default=None,
              help="Correo de la persona del personal a quien se atribuyen los cambios.")
def import_padron(path: str, do_apply: bool, accept: str, staff_email: str | None) -> None:
    """Importar el padrón del gobierno (CSV o XLSX): revisión previa y, con --apply, aplicar."""
    from pathlib import Path

    from sqlalchemy import select
    from werkzeug.datastructures import FileStorage

    from community.accounts.models import User
    from community.core.errors import ServiceError
    from community.profiles import padron_import as pi

    classes = {c.strip() for c in accept.split(",") if c.strip()}
    unknown = classes - {"new", "update", "duplicate"}
    if unknown:
        raise click.BadParameter(f"clases desconocidas: {', '.join(sorted(unknown))}",
                                 param_hint="--accept")
    actor = pi.COMMAND_LINE
    if staff_email:
        actor = db.session.scalar(select(User).where(User.email == staff_email.lower()))
        if actor is None:
            raise click.BadParameter("no hay una cuenta con ese correo", param_hint="--staff")
    try:
        with open(path, "rb") as handle:
            imp = pi.store_upload(actor, FileStorage(stream=handle, filename=Path(path).name))
        db.session.commit()
        mapping = pi.guess_mapping(pi.headers(imp))
        click.echo(f"{imp.file_name}: {imp.rows} filas ({imp.kind}"
                   f"{', ' + imp.encoding if imp.encoding else ''}).")
        for index, name in sorted(mapping.items()):
            click.echo(f"  columna {index + 1} -> {name}")
        with click.progressbar(length=imp.rows, label="Revisión previa") as bar:
            dry = pi.analyse(actor, imp, mapping, progress=_bar_updater(bar))
        db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    click.echo("  " + ", ".join(f"{k}: {v}" for k, v in dry.counts.items()))
    for row in dry.rows:
        if row.klass in ("error", "duplicate"):
            click.echo(f"  fila {row.number} [{row.klass}] {row.name or ''}: "
                       + "; ".join(row.reasons))
    if not do_apply:
        click.echo("Revisión previa: no se escribió ninguna organización (usa --apply).")
        return
    with click.progressbar(length=imp.rows, label="Aplicando") as bar:
        done = pi.apply(actor, imp, accept=frozenset(classes), progress=_bar_updater(bar))
    click.echo("Aplicado: " + ", ".join(f"{k}: {v}" for k, v in done.items()))
    from flask import current_app

    from community.search import outbox

    applied = outbox.drain(current_app._get_current_object(), timeout=600.0)
    click.echo(f"{applied} cambios aplicados al índice de búsqueda.")


def _bar_updater(bar):
    state = {"last": 0}

    def update(done: int) -> None:
        bar.update(done - state["last"])
        state["last"] = done

    return update
