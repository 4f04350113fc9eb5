"""``flask seed-scale``: a national-scale registry for benchmarks (50,000 OSCs by default).

The demo registry (``community.demo.profiles``) goes through the services, one OSC at a
time, with revisions, audit entries and admins. That is right for 300 OSCs and far too slow
for 50,000, so this writes the rows directly with SQLAlchemy Core ``insert()`` in batches:
organizations, their activity areas, populations and served municipalities. No users,
memberships, revisions or audit entries: benchmark rows, not people's history.

Each OSC is made by the same ``fake_osc`` as the demo's (names, missions, RFCs with their check
digit, CLUNIs, addresses, phones), spread over the 125 municipalities by population; about
95% are validated, and the yearly confirmations are spread over 15 months, so some are stale.
Every row has a public e-mail under ``.escala.example``: that is how the command recognises
its own rows (it refuses to run twice unless ``--append``).

The inserts bypass the ORM, so nothing is queued for after-commit work: if a search index is
in use, rebuild it afterwards (``flask search reindex``).
"""

import random
from datetime import date, timedelta

from sqlalchemy import func, insert, select

from community.core.sanitize import render_markdown
from community.core.text import fold, slugify
from community.demo import fake
from community.extensions import db
from community.profiles import validators as v
from community.profiles.models import (
    Organization,
    organization_activity,
    organization_population,
    organization_served_municipality,
)

SCALE_DOMAIN = "escala.example"
SCALE_EMAIL_LIKE = f"%.{SCALE_DOMAIN}"
OTHER_STATE_SHARE = 0.02
NON_VALIDATED = (("pending", 0.02), ("rejected", 0.015), ("inactive", 0.015))
REASONS = {"rejected": fake.REJECT_REASONS, "inactive": fake.DEACTIVATE_REASONS}


def scale_rows_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Organization).where(
        Organization.public_email.like(SCALE_EMAIL_LIKE)))


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


class ScaleBuilder:
    """Makes organization rows and their link rows, numbering slugs from ``start``."""

    def __init__(self, rng: random.Random, places: list, start: int, taken_slugs: set[str]):
        self.rng = rng
        self.places = places
        self.homes = [*places, None]  # None: another state
        weights = fake.municipality_weights(places)
        total = sum(weights)
        weights = [w / total * (1 - OTHER_STATE_SHARE) for w in weights] + [OTHER_STATE_SHARE]
        self.cum_weights = [sum(weights[:i + 1]) for i in range(len(weights))]
        self.near = fake.neighbours(places)
        self.state_weights = [s.weight for s in fake.OTHER_STATES]
        self.number = start
        self.taken = taken_slugs
        self.html: dict[str, str] = {}  # Markdown rendered once per distinct text
        self.folded: dict[str, tuple[str, str]] = {}  # name -> (slug base, name_folded)

    def _render(self, text: str | None) -> str | None:
        if text is None:
            return None
        if text not in self.html:
            self.html[text] = str(render_markdown(text))
        return self.html[text]

    def _handle(self, name: str) -> str:
        return f"{fake.handle_for(name)}-{self.number}"

    def _slug(self, name: str) -> str:
        if name not in self.folded:
            self.folded[name] = (slugify(name, max_length=80), fold(name))
        base = self.folded[name][0]
        slug = f"{base}-{self.number}"
        while slug in self.taken:  # only after --append over hand-made slugs like "x-2"
            self.number += 1
            slug = f"{base}-{self.number}"
        self.taken.add(slug)
        self.number += 1
        return slug

    def _status(self, now):
        """Status, reason and the times of validation, confirmation and creation."""
        rng = self.rng
        roll, status = rng.random(), "validated"
        for candidate, share in NON_VALIDATED:
            if roll < share:
                status = candidate
                break
            roll -= share
        if status in ("pending", "rejected"):
            created = now - timedelta(days=rng.randint(1, 400), minutes=rng.randint(0, 1439))
            reason = rng.choice(REASONS[status]) if status == "rejected" else None
            return status, reason, None, None, created, created
        confirmed = now - timedelta(days=rng.randint(1, 450), minutes=rng.randint(0, 1439))
        validated = confirmed - timedelta(days=rng.choice((0, 0, rng.randint(30, 2500))))
        created = validated - timedelta(days=rng.randint(3, 40))
        reason = rng.choice(REASONS["inactive"]) if status == "inactive" else None
        return status, reason, validated, confirmed, created, confirmed

    def row(self, place, now) -> tuple[dict, list[str], list[str], list[str]]:
        """One OSC's row from ``fake_osc`` (what its admin would type, as the services would
        store it) and its activity, population and served-municipality codes."""
        rng = self.rng
        state = None if place else rng.choices(fake.OTHER_STATES, self.state_weights)[0]
        osc = fake.fake_osc(rng, place, state, near=self.near, handle=self._handle,
                            varied_mission=False)
        fields = osc.fields
        name = fields["name"]
        slug = self._slug(name)
        status, reason, validated, confirmed, created, updated = self._status(now)
        mission, social_object = fields["mission"], fields.get("social_object")
        row = {
            "slug": slug, "name": name, "name_folded": self.folded[name][1],
            "legal_name": fields["legal_name"], "legal_form": fields["legal_form"],
            "rfc": fields.get("rfc"), "cluni": fields.get("cluni"),
            "constituted_on": _date(fields["constituted_on"]),
            "deed_number": fields.get("deed_number"), "deed_notary": fields.get("deed_notary"),
            "deed_place": fields.get("deed_place"),
            "sat_donee": fields.get("sat_donee", False),
            "sat_donee_since": _date(fields.get("sat_donee_since")),
            "social_registry_folio": fields.get("social_registry_folio"),
            "municipality_code": place.code if place else None,
            "other_state": state.name if state else None,
            "address": fields.get("address"), "postal_code": fields.get("postal_code"),
            "phone": fields.get("phone"),
            "public_email": f"contacto@{osc.handle}.{SCALE_DOMAIN}",
            "website": fields.get("website"),
            "social_links": v.clean_social_links(fields["social_links"]),
            "mission": mission, "mission_html": self._render(mission),
            "social_object": social_object, "social_object_html": self._render(social_object),
            "logo_file": None,
            "status": status, "status_reason": reason,
            "validated_at": validated, "confirmed_at": confirmed, "reminded_for": None,
            "created_at": created, "updated_at": updated,
        }
        return (row, fields["activities"], fields["populations"],
                fields["served_municipalities"])

    def batch(self, size: int, now):
        homes = self.rng.choices(self.homes, cum_weights=self.cum_weights, k=size)
        return [self.row(place, now) for place in homes]


def insert_batch(built) -> None:
    table = Organization.__table__
    ids = db.session.execute(
        insert(table).returning(table.c.id, sort_by_parameter_order=True),
        [row for row, _, _, _ in built]).scalars().all()
    activities, populations, served = [], [], []
    for org_id, (_, areas, pops, codes) in zip(ids, built, strict=True):
        activities += [{"organization_id": org_id, "fraction": a} for a in areas]
        populations += [{"organization_id": org_id, "population": p} for p in pops]
        served += [{"organization_id": org_id, "municipality_code": c} for c in codes]
    db.session.execute(insert(organization_activity), activities)
    db.session.execute(insert(organization_population), populations)
    db.session.execute(insert(organization_served_municipality), served)
