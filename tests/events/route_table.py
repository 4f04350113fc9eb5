"""The events rows of the route × role table (merged into tests/test_routes_roles.ROUTES).

URL placeholders: {event} (a published staff event), {osc_event} (a published event of "the"
OSC, organized by osc_admin), {draft} (a staff draft), {registration} (osc_member's
registration to {event}).
"""

EVENTS_ROUTES = {
    "events.event": ("GET", "/eventos/{event}", dict.fromkeys(
        ("anonymous", "citizen", "staff", "admin", "osc_member", "osc_admin",
         "other_osc_admin"), 200)),
}

EVENTS_POST_DATA: dict[str, dict] = {}
