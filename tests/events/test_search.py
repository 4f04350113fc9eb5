"""Events in the site search: only what the public calendar shows, kept in step with every
change (publish, edit, topics, cancel, conclude) through the outbox."""

from datetime import timedelta

from community.core.timeutil import utcnow
from community.events import services
from community.events.models import Event
from community.search import index
from tests.events.conftest import event_form, local_text


def api(client, q, **params):
    return client.get("/api/v1/buscar", query_string={"q": q, **params}).get_json()


def titles(client, q, **params) -> list[str]:
    return [hit["title"] for hit in api(client, q, **params)["hits"]]


def event_count(client, q) -> int:
    """How many events the kind facet counts for ``q`` (0 when the facet has no event row)."""
    facet = api(client, q)["facets"]["kind"]
    return next((row["count"] for row in facet if row["value"] == "event"), 0)


def assert_no_drift(runner):
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 0, result.output


def test_published_event_is_found_with_its_fields(client, make_event):
    event = make_event(title="Taller de marketing social", speakers="Mtra. Itzel Camacho",
                       topics=["marketing-social", "visibilidad"], municipality_code="15058",
                       venue="Casa de Cultura de Nezahualcóyotl")
    data = api(client, "marketing social")
    hit = next(h for h in data["hits"] if h["kind"] == "event")
    assert hit["title"] == "Taller de marketing social"
    assert hit["url"] == f"/eventos/{event.slug}"
    assert hit["municipality"] == "15058" and hit["areas"] == []
    assert hit["year"] == str(event.starts_at.year)
    # Speakers, topic labels, venue and place are searchable too, without accents.
    for q in ("itzel camacho", "visibilidad comunicacion", "casa de cultura", "nezahualcoyotl"):
        assert "Taller de marketing social" in titles(client, q), q


def test_drafts_never_appear_in_results_or_counts(client, make_event, runner):
    make_event(title="Seminario secreto de gobernanza", publish=False)
    assert titles(client, "seminario secreto") == []
    assert event_count(client, "gobernanza") == 0
    body = client.get("/buscar?q=seminario+secreto").get_data(as_text=True)
    assert "Seminario secreto de gobernanza" not in body
    assert_no_drift(runner)


def test_publish_finds_and_cancel_removes(db, client, staff, make_event, runner):
    event = make_event(title="Curso de obligaciones fiscales", kind="curso", publish=False)
    assert titles(client, "obligaciones fiscales") == []
    services.publish(staff, event)
    db.session.commit()
    assert titles(client, "obligaciones fiscales") == ["Curso de obligaciones fiscales"]
    assert event_count(client, "fiscales") == 1
    assert_no_drift(runner)

    services.cancel(staff, event, "El ponente no puede asistir.")
    db.session.commit()
    assert titles(client, "obligaciones fiscales") == []
    assert event_count(client, "fiscales") == 0
    assert_no_drift(runner)


def test_edits_and_topics_reach_the_index(db, client, staff, make_event, runner):
    event = make_event(title="Encuentro regional de OSC", kind="encuentro",
                       topics=["redes"])
    assert "Encuentro regional de OSC" in titles(client, "trabajo en red")
    form = event_form(title="Encuentro regional de OSC", kind="encuentro",
                      topics=["voluntariado"], summary="Alianzas entre organizaciones.")
    services.update_event(staff, event, form)
    db.session.commit()
    assert titles(client, "trabajo en red") == []
    assert titles(client, "voluntariado") == ["Encuentro regional de OSC"]
    assert titles(client, "alianzas") == ["Encuentro regional de OSC"]
    assert_no_drift(runner)


def test_concluded_events_stay_searchable(db, client, staff, make_event, runner):
    starts = utcnow() - timedelta(days=3)
    event = make_event(title="Coloquio de transparencia", kind="coloquio",
                       starts_at=local_text(starts),
                       ends_at=local_text(starts + timedelta(hours=4)))
    services.conclude(staff, event)
    db.session.commit()
    assert db.session.get(Event, event.id).status == "concluded"
    assert titles(client, "coloquio transparencia") == ["Coloquio de transparencia"]
    assert_no_drift(runner)


def test_reindex_holds_only_public_events(db, client, staff, make_event, runner):
    make_event(title="Foro de derechos humanos", kind="foro")
    make_event(title="Foro borrador", kind="foro", publish=False)
    cancelled = make_event(title="Foro cancelado", kind="foro")
    services.cancel(staff, cancelled, "Se pospone por lluvias.")
    db.session.commit()
    assert runner.invoke(args=["search", "reindex"]).exit_code == 0
    assert titles(client, "foro") == ["Foro de derechos humanos"]
    assert not index.check()
