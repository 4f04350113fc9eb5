"""The accounts' tile on the staff console (``community.core.console``): accounts and roles,
for admins only."""

from flask_babel import lazy_gettext as _l

from community.core.console import register_tile

register_tile("accounts", _l("Cuentas y roles"), "accounts.admin_users", order=95, role="admin",
              description=_l("Dar o quitar el rol de personal y suspender cuentas."))
