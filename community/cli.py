"""Commands that span modules: the catalogues and the demo data."""

import click
from flask.cli import AppGroup

from community.core.catalog import load_catalogues
from community.extensions import db

catalog_cli = AppGroup("catalog", help="Catálogos públicos (municipios, actividades LFFAROC).")


@catalog_cli.command("load")
def load() -> None:
    """Load or refresh the 125 municipalities and the 19 LFFAROC activities."""
    municipalities, areas = load_catalogues()
    db.session.commit()
    click.echo(f"{municipalities} municipios y {areas} actividades cargados.")


# Each module adds its demo seeder here, in dependency order.
DEMO_SEEDERS = [
    "community.accounts.demo",
    "community.profiles.demo",
    "community.events.demo",
    "community.forums.demo",
]


@click.command("seed-demo")
def seed_demo() -> None:
    """Load realistic demo data; running it again adds nothing twice."""
    from importlib import import_module

    load_catalogues()
    for module_name in DEMO_SEEDERS:
        import_module(module_name).seed()
        db.session.commit()
        click.echo(f"Datos de demostración: {module_name.split('.')[-2]} listo.")
