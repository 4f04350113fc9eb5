"""Shared pieces: catalogues, sanitizing, safe redirects, configuration, permissions."""

import pytest
from sqlalchemy import func, select

from community.config import Config, database_url, load_or_create_secret_key
from community.core import catalog, permissions
from community.core.errors import PermissionDenied
from community.core.models import ActivityArea, Municipality
from community.core.sanitize import clean_html, plain_text, render_markdown
from community.core.text import fold, slugify
from community.core.urls import safe_next


def test_catalogues_are_complete(db):
    assert db.session.scalar(select(func.count()).select_from(Municipality)) == 125
    assert db.session.scalar(select(func.sum(Municipality.population_2020))) == 16_992_418
    assert db.session.get(Municipality, "15058").name == "Nezahualcóyotl"
    areas = catalog.activity_areas()
    assert len(areas) == 19 and areas[0].fraction == "I" and areas[-1].fraction == "XIX"
    assert db.session.get(ActivityArea, "IX").name


def test_catalogue_load_is_idempotent(db):
    assert catalog.load_catalogues() == (125, 19)
    assert catalog.load_catalogues() == (125, 19)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Municipality)) == 125


def test_municipality_choices_sorted_ignoring_accents(db):
    names = [name for _, name in catalog.municipality_choices()]
    assert names == sorted(names, key=fold)
    assert catalog.is_municipality("15106") and not catalog.is_municipality("09001")


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<script>alert(1)</script>hola", "alert(1)hola"),
        ('<a href="javascript:alert(1)">x</a>', "<a>x</a>"),
        ('<img src=x onerror="alert(1)">', ""),
        ('<svg onload="alert(1)"><circle/></svg>ok', "ok"),
        ('<math><mi xlink:href="javascript:alert(1)">x</mi></math>', "x"),
        ('<iframe src="https://evil.example"></iframe>', ""),
        ('<p style="color:red">texto</p>', "<p>texto</p>"),
        ('<h1>Título</h1>', "Título"),
    ],
)
def test_clean_html_allow_list(dirty, clean):
    assert clean_html(dirty) == clean


def test_links_get_safe_rel():
    html = clean_html('<a href="https://edomex.gob.mx" rel="opener">sitio</a>')
    assert 'rel="nofollow noopener"' in html and 'href="https://edomex.gob.mx"' in html
    assert 'href="mailto:a@b.mx"' in clean_html('<a href="mailto:a@b.mx">correo</a>')


def test_markdown_renders_and_sanitizes():
    html = render_markdown(
        "# Título\n\n**negritas** y [liga](javascript:alert(1))\n\n<script>x</script>"
    )
    assert "<h2>Título</h2>" in html and "<strong>negritas</strong>" in html
    assert "javascript" not in html and "<script" not in html
    assert plain_text("<b>Hola</b> <i>mundo</i>") == "Hola mundo"


def test_fold_and_slugify():
    assert fold("Nezahualcóyotl") == "nezahualcoyotl"
    assert fold("ACAMBAY DE RUÍZ") == "acambay de ruiz"
    assert slugify("Fundación Niñez Feliz, A.C.") == "fundacion-ninez-feliz-a-c"


@pytest.mark.parametrize(
    ("target", "expected"),
    [("/cuenta", "/cuenta"), ("/osc?municipio=15058", "/osc?municipio=15058"),
     ("//evil.example", "/"), ("https://evil.example", "/"), ("javascript:alert(1)", "/"),
     ("/\\evil.example", "/"), ("", "/"), (None, "/"), ("/ok\r\nSet-Cookie: x", "/")],
)
def test_safe_next(target, expected):
    assert safe_next(target) == expected


def test_secret_key_generated_once_and_kept(tmp_path):
    first = load_or_create_secret_key(tmp_path)
    assert len(first) == 64 and load_or_create_secret_key(tmp_path) == first
    assert first == Config({"INSTANCE_DIR": str(tmp_path)}).SECRET_KEY
    assert Config({"INSTANCE_DIR": str(tmp_path), "SECRET_KEY": "x"}).SECRET_KEY == "x"


def test_database_url_spellings(tmp_path):
    assert database_url(None, tmp_path).startswith("sqlite:///")
    assert database_url("postgres://u:p@h/db", tmp_path) == "postgresql+psycopg://u:p@h/db"
    assert database_url("postgresql://u@h/db", tmp_path) == "postgresql+psycopg://u@h/db"


def test_role_hierarchy(make_user):
    citizen, staff, admin = (make_user(role=r) for r in ("citizen", "staff", "admin"))
    assert permissions.has_role(admin, "staff") and permissions.has_role(staff, "staff")
    assert not permissions.has_role(citizen, "staff")
    with pytest.raises(PermissionDenied):
        permissions.require_admin(staff)
    permissions.require_staff(admin)
    suspended = make_user(role="admin", active=False)
    assert not permissions.has_role(suspended, "citizen")


def test_sqlite_pragmas(db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000
