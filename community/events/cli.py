"""``flask events ...``: the scheduled reminders of events."""

import click
from flask.cli import AppGroup

from community.events import mailing
from community.extensions import db

events_cli = AppGroup("events", help="Eventos: recordatorios.")


@events_cli.command("remind")
def remind() -> None:
    """Mail the 24-hour reminder to each confirmed person once (run it every hour; running
    it again sends nothing new)."""
    sent = mailing.send_reminders()
    db.session.commit()
    click.echo(f"{sent} recordatorios enviados.")
