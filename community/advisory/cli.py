"""``flask advisory ...``: housekeeping of the advisory requests (run it daily from cron)."""

import click
from flask.cli import AppGroup

from community.advisory import services
from community.extensions import db

advisory_cli = AppGroup("advisory", help="Asesorías: mantenimiento de las solicitudes.")


@advisory_cli.command("expire")
def expire() -> None:
    """Cancel the anonymous requests whose e-mail link was not opened within its validity:
    they never entered the queue, and their contact data should not stay forever."""
    cancelled = services.expire_unconfirmed()
    db.session.commit()
    click.echo(f"Solicitudes sin confirmar canceladas: {cancelled}.")
