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
