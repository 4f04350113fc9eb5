"""``flask mail ...``: run the outbox's sender, see its state, clear old messages.

Production runs ``flask mail send`` as a long-lived service (systemd, a container), or
``flask mail send --once`` from cron every minute; several may run at once.
"""

from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import delete, func, select

from community.core import mail_sender
from community.core.models import OutgoingMail
from community.core.timeutil import utcnow
from community.extensions import db

mail_cli = AppGroup("mail", help="Correo saliente: la bandeja de salida y su envío.")


@mail_cli.command("send")
@click.option("--once", is_flag=True, help="Send what is due now and stop (for cron).")
@click.option("--interval", type=float, default=None,
              help="Seconds between polls when idle (default MAIL_SEND_INTERVAL).")
def send(once: bool, interval: float | None) -> None:
    """Deliver the outbox: for ever, or once."""
    if once:
        report = mail_sender.send_all_due()
        click.echo(f"Enviados: {report.sent}; reintentos programados: {report.retried}; "
                   f"fallidos: {report.failed}.")
        return
    app = current_app._get_current_object()
    interval = interval or app.config["MAIL_SEND_INTERVAL"]
    click.echo(f"Enviando correo (revisión cada {interval:g} s; Ctrl-C para salir).")
    try:
        mail_sender.run(app, interval)
    except KeyboardInterrupt:
        click.echo("Detenido.")


@mail_cli.command("status")
def status() -> None:
    """Counts by state; exit 1 when messages have failed (for monitoring)."""
    counts = dict(db.session.execute(
        select(OutgoingMail.status, func.count()).group_by(OutgoingMail.status)).all())
    oldest = db.session.scalar(select(func.min(OutgoingMail.created_at)).where(
        OutgoingMail.status == OutgoingMail.PENDING))
    click.echo(f"pendientes: {counts.get('pending', 0)}; enviados: {counts.get('sent', 0)}; "
               f"fallidos: {counts.get('failed', 0)}")
    if oldest is not None:
        click.echo(f"el pendiente más antiguo espera desde {oldest:%Y-%m-%d %H:%M} UTC")
    if counts.get("failed"):
        raise SystemExit(1)


@mail_cli.command("purge")
@click.option("--days", type=click.IntRange(min=1), default=30, show_default=True)
def purge(days: int) -> None:
    """Delete messages sent more than DAYS ago (failed ones stay until staff act)."""
    cutoff = utcnow() - timedelta(days=days)
    result = db.session.execute(delete(OutgoingMail).where(
        OutgoingMail.status == OutgoingMail.SENT, OutgoingMail.sent_at < cutoff))
    db.session.commit()
    click.echo(f"Borrados: {result.rowcount}.")
