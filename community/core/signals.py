"""Signals one module sends and others may receive, so neither imports the other.

Receivers run inside the sender's transaction (they may add rows and flush; they never
commit), and take keyword arguments only; ``sender`` is always None.

- ``advisory_concluded(request_id, user_id, email, topic)``: an advisory request concluded
  (sent once, by advisory's services); the surveys module will offer the satisfaction survey.
  ``user_id`` is None and ``email`` the contact address for a request made without an
  account.
- ``organization_registered(organization_id, user_id, reference)``: someone registered an
  OSC (sent by profiles); ``reference`` is the advisory folio the registration came from
  (``?asesoria=<folio>``), or None.
"""

from blinker import Namespace

_signals = Namespace()

advisory_concluded = _signals.signal("advisory-concluded")
organization_registered = _signals.signal("organization-registered")
