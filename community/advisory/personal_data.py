"""What advisory keeps about a person (core.personal_data): the requests they made with
their account, with the sessions, outcomes and the messages of the timeline. Internal notes
are staff's working notes, never part of the export.

When the account closes, the contact fields and the requester's own words (description,
messages) are blanked; topic, municipality, dates, states, sessions and outcomes stay, since
the program reports them in its statistics, and no longer name anyone.
"""

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from community.advisory.models import AdvisoryActivity, AdvisoryRequest
from community.core.personal_data import exporter, iso, on_close
from community.extensions import db

REMOVED = "(retirado al cerrar la cuenta)"


def _export_one(req: AdvisoryRequest) -> dict:
    return {
        "folio": req.folio, "topic": req.topic, "requester_kind": req.requester_kind,
        "proposed_name": req.proposed_name, "founders_count": req.founders_count,
        "organization": req.organization.name if req.organization else None,
        "municipality_code": req.municipality_code, "modality": req.modality,
        "description": req.description, "contact_preference": req.contact_preference,
        "contact_name": req.contact_name, "contact_email": req.contact_email,
        "contact_phone": req.contact_phone, "state": req.state,
        "cancel_reason": req.cancel_reason, "created_at": iso(req.created_at),
        "confirmed_at": iso(req.confirmed_at), "concluded_at": iso(req.concluded_at),
        "cancelled_at": iso(req.cancelled_at),
        "messages": [{"at": iso(item.created_at), "from_requester": item.from_requester,
                      "body": item.body}
                     for item in req.activities if item.kind == "message" and not item.internal],
        "sessions": [{"held_on": s.held_on.isoformat(), "modality": s.modality,
                      "municipality_code": s.municipality_code,
                      "duration_minutes": s.duration_minutes,
                      "people_attended": s.people_attended, "topics": s.topics,
                      "next_steps": s.next_steps} for s in req.sessions],
        "outcomes": [{"kind": o.kind,
                      "achieved_on": o.achieved_on.isoformat() if o.achieved_on else None,
                      "note": o.note} for o in req.outcomes],
    }


@exporter("advisory_requests")
def requests(user) -> list[dict]:
    rows = db.session.scalars(
        select(AdvisoryRequest).where(AdvisoryRequest.user_id == user.id)
        .options(selectinload(AdvisoryRequest.activities),
                 selectinload(AdvisoryRequest.sessions),
                 selectinload(AdvisoryRequest.outcomes))
        .order_by(AdvisoryRequest.created_at, AdvisoryRequest.id))
    return [_export_one(req) for req in rows]


@on_close
def anonymize_requests(user) -> None:
    """Blank who asked and what they wrote; keep what the statistics count."""
    ids = select(AdvisoryRequest.id).where(AdvisoryRequest.user_id == user.id)
    db.session.execute(
        update(AdvisoryActivity)
        .where(AdvisoryActivity.request_id.in_(ids), AdvisoryActivity.from_requester.is_(True),
               AdvisoryActivity.body.is_not(None))
        .values(body=REMOVED, body_html=REMOVED)
        .execution_options(synchronize_session=False))
    db.session.execute(
        update(AdvisoryRequest).where(AdvisoryRequest.user_id == user.id)
        .values(contact_name="", contact_email="", contact_phone=None,
                description=REMOVED, description_html=REMOVED)
        .execution_options(synchronize_session=False))
    db.session.flush()
