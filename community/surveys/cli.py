"""``flask surveys ...``: the daily work of surveys (run it from cron)."""

import click
from flask.cli import AppGroup

from community.extensions import db
from community.surveys import audiences

surveys_cli = AppGroup("surveys", help="Encuestas: recordatorios.")


@surveys_cli.command("remind")
def remind() -> None:
    """Send the one reminder of each invitation unanswered after its survey's
    ``reminder_days``, while the survey takes answers."""
    sent = audiences.send_reminders()
    db.session.commit()
    click.echo(f"Recordatorios enviados: {sent}.")
