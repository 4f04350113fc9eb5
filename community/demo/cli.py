"""``flask seed-demo`` and ``flask seed-scale``: the one door into ``community.demo``.

The app factory registers these commands in every process, web workers included, so the data
modules (thousands of lines of names, texts and calendars) are imported only when a command
runs. Both commands run inside ``quiet()``: demo data mails nobody and pushes nothing live.
"""

import time
from importlib import import_module

import click
from flask import current_app

from community.core.aftercommit import quiet
from community.demo import SEED

# In dependency order: the OSCs need the accounts, the events the OSCs, the forums the events'
# people; the library needs the staff account; advisory asks as the OSCs' admins.
DEMO_SEEDERS = ("accounts", "profiles", "events", "forums", "library", "advisory")


@click.command("seed-demo")
def seed_demo() -> None:
    """Load realistic demo data; running it again adds nothing twice."""
    from community.core.catalog import load_catalogues
    from community.extensions import db

    with quiet():
        load_catalogues()
        for name in DEMO_SEEDERS:
            import_module(f"community.demo.{name}").seed()
            db.session.commit()
            click.echo(f"Datos de demostración: {name} listo.")


@click.command("seed-scale")
@click.option("--orgs", type=click.IntRange(min=1), default=50_000, show_default=True,
              help="Cuántas organizaciones crear.")
@click.option("--seed", "seed_value", type=int, default=SEED, show_default=True,
              help="Semilla del generador: la misma semilla da los mismos datos.")
@click.option("--append", is_flag=True,
              help="Agregar aunque ya haya organizaciones de escala.")
@click.option("--batch-size", type=click.IntRange(min=100), default=2000, show_default=True,
              help="Filas por inserción.")
def seed_scale(orgs: int, seed_value: int, append: bool, batch_size: int) -> None:
    """Fill the registry with many fictional OSCs for benchmarks (bulk inserts)."""
    import random

    from sqlalchemy import select

    from community.core import pagecache
    from community.core.timeutil import utcnow
    from community.demo import fake, scale
    from community.extensions import db
    from community.profiles.models import Organization

    started = time.perf_counter()
    places = fake.places_from_catalogue()
    if not places:
        raise click.ClickException("No hay municipios: corre primero `flask catalog load`.")
    existing = scale.scale_rows_count()
    if existing and not append:
        raise click.ClickException(
            f"Ya hay {existing} organizaciones de escala (correo en .{scale.SCALE_DOMAIN}). "
            "Usa --append para agregar más, o empieza con una base de datos vacía.")
    taken = set(db.session.scalars(select(Organization.slug)))
    builder = scale.ScaleBuilder(random.Random(f"{seed_value}:{existing}"), places,
                                 existing + 1, taken)
    now = utcnow()
    with quiet(), click.progressbar(length=orgs, label="Organizaciones") as bar:
        done = 0
        while done < orgs:
            size = min(batch_size, orgs - done)
            scale.insert_batch(builder.batch(size, now))
            done += size
            bar.update(size)
        pagecache.bump("registry")
        db.session.commit()
    click.echo(f"{orgs} organizaciones de escala creadas en "
               f"{time.perf_counter() - started:.1f} s ({existing + orgs} en total).")
    if "search" in current_app.cli.commands:
        click.echo("Reconstruye el índice de búsqueda: flask search reindex")
