"""The benchmark data set (``seed-scale``): bulk rows that pass the registry's own checks,
made by the same fake OSC as the demo registry."""

import random
from collections import Counter

from sqlalchemy import func, select

from community.core.text import fold
from community.core.timeutil import utcnow
from community.demo import fake, profiles, scale
from community.demo.scale import SCALE_DOMAIN
from community.profiles import queries
from community.profiles import validators as v
from community.profiles.models import Organization, organization_activity


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_seed_scale_bulk_inserts_and_directory_works(runner, db):
    result = runner.invoke(args=["seed-scale", "--orgs", "500", "--seed", "7",
                                 "--batch-size", "200"])
    assert result.exit_code == 0, result.output
    assert "500 organizaciones" in result.output
    orgs = list(db.session.scalars(select(Organization)))
    assert len(orgs) == 500
    assert all(o.public_email.endswith(f".{SCALE_DOMAIN}") for o in orgs)
    assert all(o.name_folded == fold(o.name) for o in orgs)
    assert all(v.clean_rfc(o.rfc) == o.rfc for o in orgs if o.rfc)
    assert all(v.clean_cluni(o.cluni) == o.cluni for o in orgs if o.cluni)
    statuses = Counter(o.status for o in orgs)
    assert statuses["validated"] >= 0.9 * len(orgs)
    assert db.session.scalar(select(func.count(func.distinct(
        organization_activity.c.organization_id)))) == 500
    assert all(o.mission_html.startswith("<p>") for o in orgs)

    counts = Counter(o.municipality_code for o in orgs if o.status == "validated")
    code = counts.most_common(1)[0][0]
    page = queries.directory(queries.DirectoryFilters(municipality=code))
    assert page.total == counts[code] and page.items
    # The bulk rows bypass the search outbox: the command says to rebuild the index.
    assert "flask search reindex" in result.output
    assert runner.invoke(args=["search", "reindex"]).exit_code == 0
    word = fold(page.items[0].name).split()[-1]
    found = queries.directory(queries.DirectoryFilters(q=word))
    assert found.total >= 1

    again = runner.invoke(args=["seed-scale", "--orgs", "10"])
    assert again.exit_code != 0 and "--append" in again.output
    assert _count(db, Organization) == 500
    more = runner.invoke(args=["seed-scale", "--orgs", "100", "--append"])
    assert more.exit_code == 0, more.output
    assert _count(db, Organization) == 600


def test_demo_and_scale_make_their_osc_the_same_way(app, db, monkeypatch):
    """One fake OSC: the demo registry and the scale rows both come from ``fake_osc``."""
    calls = Counter()
    real = fake.fake_osc

    def counting(*args, **kwargs):
        calls[kwargs.get("varied_mission", True)] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(fake, "fake_osc", counting)
    monkeypatch.setattr(profiles, "fake_osc", counting)
    places = fake.places_from_catalogue()
    specs = profiles.build_specs(random.Random(profiles.SEED), places)
    rows = scale.ScaleBuilder(random.Random(1), places, 1, set()).batch(300, utcnow())
    assert calls == {True: len(specs), False: len(rows)}
    for row, areas, populations, served in rows:
        if row["rfc"]:
            assert v.clean_rfc(row["rfc"]) == row["rfc"]
        assert v.clean_social_links(row["social_links"]) == row["social_links"]
        assert row["public_email"].endswith(f".{SCALE_DOMAIN}")
        assert areas and populations
        assert row["municipality_code"] in served or row["other_state"]
    # Scale missions name no year and no place, so 50,000 OSCs share a few thousand texts
    # (each rendered once); the demo's do.
    short = {p.code: p.short for p in places}
    for row, *_ in rows:
        assert not row["mission"].startswith("Desde ")
        assert f" en {short.get(row['municipality_code'], '-')}" not in row["mission"]
    assert any(spec.raw["mission"].startswith("Desde ") for spec in specs)
