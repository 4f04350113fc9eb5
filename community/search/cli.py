"""``flask search reindex | check | drain``."""

import click
from flask import current_app
from flask.cli import AppGroup

from community.search import index, outbox

search_cli = AppGroup("search", help="Índice de búsqueda: reconstruir, revisar, aplicar cambios.")


@search_cli.command("reindex")
def reindex_command() -> None:
    """Rebuild the whole index from the database; the old one serves until the swap."""
    total = index.estimate_rows()
    try:
        with click.progressbar(length=max(total, 1), label="Indexando") as bar:
            count = index.reindex(progress=bar.update)
    except index.LockBusy:
        raise click.ClickException("Ya hay una reconstrucción del índice en curso.") from None
    click.echo(f"{count} documentos indexados ({index.index_generation()}).")


@search_cli.command("check")
@click.option("--quick", is_flag=True, help="Compara solo los campos guardados.")
def check_command(quick: bool) -> None:
    """Compare the index with the database; exit status 1 when they differ."""
    drift = index.check(deep=not quick)
    for line in drift.lines():
        click.echo(line)
    if drift:
        raise SystemExit(1)


@search_cli.command("drain")
@click.option("--timeout", default=30.0, show_default=True,
              help="Segundos de espera por el candado del índice.")
def drain_command(timeout: float) -> None:
    """Apply the changes waiting in the outbox (normally done after every commit)."""
    applied = outbox.drain(current_app._get_current_object(), timeout=timeout)
    click.echo(f"{applied} cambios aplicados al índice.")
