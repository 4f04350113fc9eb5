"""The vocabulary of the route × role table, shared by ``tests/test_routes_roles.py`` and the
modules' ``tests/<module>/route_table_*.py`` files."""

SITE_ROLES = ("anonymous", "citizen", "staff", "admin")
OSC_ROLES = ("osc_member", "osc_admin", "other_osc_admin")
ROLES = SITE_ROLES + OSC_ROLES
LOGIN = 302  # redirected to the sign-in page


def expect(anonymous, citizen, staff, admin, **osc) -> dict:
    """The four site roles; the three OSC roles get the citizen's status unless named."""
    statuses = {"anonymous": anonymous, "citizen": citizen, "staff": staff, "admin": admin}
    statuses.update({role: osc.get(role, citizen) for role in OSC_ROLES})
    return statuses
