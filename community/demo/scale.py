"""``flask seed-scale``: a national-scale registry for benchmarks (50,000 OSCs by default).

The demo registry (``community.demo.profiles``) goes through the services, one OSC at a
time, with revisions, audit entries and admins. That is right for 300 OSCs and far too slow
for 50,000, so this command writes the rows directly with SQLAlchemy Core ``insert()`` in
batches: organizations, their activity areas, populations and served municipalities. No
users, memberships, revisions or audit entries: benchmark rows, not people's history.

The values come from the same pieces as the demo (names, missions, RFCs with their check
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
        self.prefixes = {p.code: fake.phone_prefix(p) for p in places}
        self.postal = {p.code: fake.postal_range(p) for p in places}
        self.state_weights = [s.weight for s in fake.OTHER_STATES]
        self.cause_weights: dict[str | None, list[float]] = {}
        self.number = start
        self.taken = taken_slugs
        self.html: dict[str, str] = {}  # Markdown rendered once per distinct text
        self.folded: dict[str, tuple[str, str]] = {}  # name -> (slug base, name_folded)

    def _cause(self, code: str | None) -> fake.Cause:
        if code not in self.cause_weights:
            self.cause_weights[code] = fake.cause_weights(code)
        return self.rng.choices(fake.CAUSES, weights=self.cause_weights[code])[0]

    def _render(self, text: str | None) -> str | None:
        if text is None:
            return None
        if text not in self.html:
            self.html[text] = str(render_markdown(text))
        return self.html[text]

    def _slug(self, name: str) -> str:
        if name not in self.folded:
            self.folded[name] = (slugify(name, max_length=80), fold(name))
        base = self.folded[name][0]
        slug = f"{base}-{self.number}"
        while slug in self.taken:  # only after --append over hand-made slugs like "x-2"
            self.number += 1
            slug = f"{base}-{self.number}"
        self.taken.add(slug)
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
        rng = self.rng
        code = place.code if place else None
        state = None if place else rng.choices(fake.OTHER_STATES, self.state_weights)[0]
        place_name = place.short if place else rng.choice(state.places)
        cause = self._cause(code)
        name = fake.make_name(rng, cause, place_name, code)
        slug = self._slug(name)
        handle = f"{fake.handle_for(name)}-{self.number}"
        self.number += 1
        areas = fake.pick_areas(rng, cause)
        legal_form = fake.pick_legal_form(rng, areas)
        constituted = fake.constitution_date(rng)
        status, reason, validated, confirmed, created, updated = self._status(now)
        mission = fake.make_mission(rng, cause, None, None)
        social_object = fake.social_object(cause) if rng.random() < 0.7 else None
        has_deed = rng.random() < 0.85
        donee = rng.random() < 0.3
        low, high = self.postal[code] if place else state.postal_range
        website = f"https://{handle}.{SCALE_DOMAIN}" if rng.random() < 0.5 else None
        row = {
            "slug": slug, "name": name, "name_folded": self.folded[name][1],
            "legal_name": f"{name}, {fake.LEGAL_SUFFIXES[legal_form]}",
            "legal_form": legal_form,
            "rfc": fake.make_rfc(rng, name, constituted) if rng.random() < 0.96 else None,
            "cluni": (fake.make_cluni(rng, name, constituted, state.cluni_code if state else "15")
                      if rng.random() < 0.6 else None),
            "constituted_on": constituted,
            "deed_number": str(rng.randint(800, 98000)) if has_deed else None,
            "deed_notary": f"Notaría Pública núm. {rng.randint(1, 190)}" if has_deed else None,
            "deed_place": ((place.name + ", Estado de México") if place else state.name)
            if has_deed else None,
            "sat_donee": donee,
            "sat_donee_since": (max(constituted, date(2005, 1, 1))
                                + timedelta(days=rng.randint(200, 3000))) if donee else None,
            "social_registry_folio": (f"RSE/{rng.randint(2012, 2025)}/{rng.randint(1, 99999):05d}"
                                      if place and rng.random() < 0.5 else None),
            "municipality_code": code,
            "other_state": state.name if state else None,
            "address": fake.make_address(rng),
            "postal_code": f"{rng.randint(low, high):05d}",
            "phone": fake.make_phone(rng, self.prefixes[code] if place else state.phone_prefix),
            "public_email": f"contacto@{handle}.{SCALE_DOMAIN}",
            "website": website,
            "social_links": ({"facebook": f"https://www.facebook.com/{handle.replace('-', '')}"}
                             if rng.random() < 0.6 else {}),
            "mission": mission, "mission_html": self._render(mission),
            "social_object": social_object, "social_object_html": self._render(social_object),
            "logo_file": None,
            "status": status, "status_reason": reason,
            "validated_at": validated, "confirmed_at": confirmed, "reminded_for": None,
            "created_at": created, "updated_at": updated,
        }
        if row["sat_donee_since"] and row["sat_donee_since"] > now.date():
            row["sat_donee_since"] = now.date()
        if place:
            near = self.near[code]
            served = [code, *rng.sample(near, rng.randint(0, min(2, len(near))))]
        else:
            served = rng.sample(state.serves, 1)
        return row, areas, fake.pick_populations(rng, cause), served

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
