"""``flask users ...``: the operator's way to create the first admin and change roles."""

import click
from flask.cli import AppGroup

from community.accounts import services
from community.core.errors import ValidationError
from community.extensions import db

users_cli = AppGroup("users", help="Cuentas y roles.")


def _fail(error: ValidationError) -> None:
    raise click.ClickException("; ".join(str(m) for m in error.errors.values()))


@users_cli.command("create-admin")
@click.argument("email")
@click.option("--name", default="Administración", show_default=True)
@click.password_option(help="Contraseña (se pide si no se da).")
def create_admin(email: str, name: str, password: str) -> None:
    """Create an admin account, or promote an existing one."""
    try:
        user = services.create_admin(email, name, password)
    except ValidationError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"{user.email} es administrador.")


@users_cli.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(["citizen", "staff", "admin"]))
def set_role(email: str, role: str) -> None:
    """Give an account the role citizen, staff or admin."""
    user = services.find_by_email(email.strip())
    if user is None:
        raise click.ClickException(f"No hay una cuenta con el correo {email}.")
    services.set_role(None, user, role)
    db.session.commit()
    click.echo(f"{user.email}: {role}")
