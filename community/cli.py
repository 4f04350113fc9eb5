"""Commands that span modules: the public catalogues (demo data: ``community.demo.cli``)."""

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

