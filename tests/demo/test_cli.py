"""``flask seed-demo``: the whole demo in dependency order, idempotent, quiet (nobody is mailed
about demo data), and the documented accounts sign in."""

from sqlalchemy import func, select

from community.accounts.models import User
from community.advisory.models import AdvisoryRequest
from community.core.aftercommit import is_quiet
from community.core.models import AuditEntry
from community.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from community.demo.cli import DEMO_SEEDERS
from community.events.models import Event, Registration
from community.forums.models import Post
from community.profiles.models import Organization
from community.staff.models import IndicatorGoal, IndicatorHistory
from community.surveys.models import SurveyResponse
from tests.conftest import sign_in

MODELS = (User, Organization, Event, Registration, Post, AdvisoryRequest, SurveyResponse,
          IndicatorHistory, IndicatorGoal, AuditEntry)


LINES = [f"Datos de demostración: {name} listo."
         for name in ("accounts", "profiles", "events", "forums", "library", "advisory",
                      "surveys", "padron", "indicators")]


def _lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("Datos")]


def test_seed_demo_is_idempotent_quiet_and_accounts_sign_in(demo_world, runner, db, client,
                                                           outbox):
    # The world is the command's first run on an empty database (tests/demo_world.py).
    assert demo_world.exit_code == 0, demo_world.output
    assert _lines(demo_world.output) == LINES
    counts = [db.session.scalar(select(func.count()).select_from(model)) for model in MODELS]
    assert all(counts)

    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert _lines(result.output) == LINES
    assert [db.session.scalar(select(func.count()).select_from(model))
            for model in MODELS] == counts
    assert DEMO_SEEDERS == ("accounts", "profiles", "events", "forums", "library", "advisory",
                            "surveys", "padron", "indicators")
    assert not is_quiet()  # quiet ends with the command

    # Validations, registrations, replies, mentions, in either run: nothing was queued.
    assert outbox == []

    emails = set(db.session.scalars(select(User.email)))
    assert {email for email, *_ in DEMO_ACCOUNTS} <= emails
    roles = {role for _, _, role, _ in DEMO_ACCOUNTS}
    assert roles == {"citizen", "staff", "admin"}
    assert sign_in(client, DEMO_ACCOUNTS[0][0], DEMO_PASSWORD).status_code == 302
