"""``flask advisory expire``: anonymous requests never confirmed leave the pending set."""

from community.advisory.models import AdvisoryRequest
from community.extensions import db


def test_expire_cancels_only_requests_unconfirmed_past_their_link(app, make_request, clock):
    clock.set_local(2026, 3, 2)
    stale = make_request(state="por_confirmar")
    clock.advance(days=6)
    fresh = make_request(state="por_confirmar")
    confirmed = make_request(state="recibida")
    clock.advance(days=2)  # the first one's link (7 days) has expired, the second's has not
    db.session.commit()

    output = app.test_cli_runner().invoke(args=["advisory", "expire"]).output

    assert "canceladas: 1" in output
    db.session.expire_all()
    states = {r.id: r.state for r in db.session.query(AdvisoryRequest)}
    assert states == {stale.id: "cancelada", fresh.id: "por_confirmar",
                      confirmed.id: "recibida"}
    assert db.session.get(AdvisoryRequest, stale.id).cancel_reason
