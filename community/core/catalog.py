"""The municipality and activity-area catalogues: loaded from public data, read everywhere."""

import csv
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select

from community.core.models import ActivityArea, Municipality
from community.core.text import fold
from community.extensions import db

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
OTHER_STATE = "otra"


def _read_csv(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_catalogues() -> tuple[int, int]:
    """Insert or update both catalogues from the shipped CSV files; safe to run again."""
    municipalities = _read_csv("municipios_edomex.csv")
    for row in municipalities:
        db.session.merge(
            Municipality(
                code=row["clave"],
                name=row["nombre"],
                name_folded=fold(row["nombre"]),
                population_2020=int(row["poblacion_2020"]),
                lat=float(row["lat"]),
                lon=float(row["lon"]),
            )
        )
    areas = _read_csv("actividades_lffaroc.csv")
    for position, row in enumerate(areas, start=1):
        db.session.merge(
            ActivityArea(fraction=row["fraccion"], position=position, name=row["actividad"])
        )
    db.session.flush()
    municipality_choices.cache_clear()
    return len(municipalities), len(areas)


@lru_cache(maxsize=1)
def municipality_choices() -> tuple[tuple[str, str], ...]:
    """(code, name) pairs in alphabetical order; the catalogue never changes at run time."""
    rows = db.session.execute(select(Municipality.code, Municipality.name)).all()
    return tuple(sorted(((c, n) for c, n in rows), key=lambda pair: fold(pair[1])))


def municipality_name(code: str | None) -> str | None:
    return dict(municipality_choices()).get(code) if code else None


def is_municipality(code: str | None) -> bool:
    return bool(code) and code in dict(municipality_choices())


def activity_areas() -> list[ActivityArea]:
    return list(db.session.scalars(select(ActivityArea).order_by(ActivityArea.position)))
