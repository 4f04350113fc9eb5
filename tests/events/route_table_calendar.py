"""Route × role rows of the calendar, the event page, the event forms and registration."""

EVERYONE_200 = dict.fromkeys(("anonymous", "citizen", "staff", "admin", "osc_member",
                              "osc_admin", "other_osc_admin"), 200)

CALENDAR_ROUTES = {
    "events.event": ("GET", "/eventos/{event}", EVERYONE_200),
}

CALENDAR_POST_DATA: dict[str, dict] = {}
