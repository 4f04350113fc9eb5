"""Operator commands and the health check (the demo data's: tests/demo/test_cli.py)."""

from sqlalchemy import func, select

from community.accounts.models import User
from community.core.models import AuditEntry


def test_create_admin_and_set_role(runner, db, make_user):
    result = runner.invoke(args=["users", "create-admin", "jefa@edomex.mx", "--name", "Jefa",
                                 "--password", "frase-muy-segura-1"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User.role).where(User.email == "jefa@edomex.mx")) == "admin"
    user = make_user(email="x@ejemplo.mx")
    result = runner.invoke(args=["users", "set-role", "x@ejemplo.mx", "staff"])
    assert result.exit_code == 0 and user.role == "staff"
    assert db.session.scalar(
        select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "account.role_changed")) == 1


def test_set_role_errors_are_clear(runner, db):
    result = runner.invoke(args=["users", "set-role", "nadie@ejemplo.mx", "staff"])
    assert result.exit_code != 0 and "No hay una cuenta" in result.output
    result = runner.invoke(args=["users", "set-role", "nadie@ejemplo.mx", "rey"])
    assert result.exit_code != 0


def test_create_admin_refuses_common_password(runner):
    result = runner.invoke(args=["users", "create-admin", "jefa@edomex.mx", "--password",
                                 "password"])
    assert result.exit_code != 0 and "más usadas" in result.output


def test_catalog_load_command(runner):
    result = runner.invoke(args=["catalog", "load"])
    assert result.exit_code == 0 and "125 municipios" in result.output


def test_healthz_reports_database(client):
    from community.search import index

    with index.writer_lock():
        index.create_empty()
    body = client.get("/healthz").get_json()
    assert body == {"status": "ok", "checks": {"database": "ok", "search": "ok"}}


def test_healthz_reports_broken_database(app, client, monkeypatch):
    from community import main

    monkeypatch.setattr(main, "_database_state", lambda: "error")
    response = client.get("/healthz")
    assert response.status_code == 503 and response.get_json()["status"] == "error"
