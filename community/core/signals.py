"""Signals one module sends and others may receive, so neither imports the other.

Receivers run inside the sender's transaction (they may add rows and flush; they never
commit), and take keyword arguments only; ``sender`` is always None.

- ``advisory_concluded(request_id, user_id, email, topic, municipality_code)``: an advisory
  request concluded (sent once, by advisory's services); surveys invites the requester to
  the open advisory satisfaction surveys. ``user_id`` is None and ``email`` the contact
  address for a request made without an account.
- ``event_concluded(event_id, kind, municipality_code, day, attendee_ids)``: staff marked an
  event concluded (sent once, by events' ``services.conclude`` after the status change);
  ``day`` is the Mexico City date, ``attendee_ids`` the accounts checked in at it. Surveys
  invites them to the open event satisfaction surveys.
- ``organization_registered(organization_id, user_id, reference)``: someone registered an
  OSC (sent by profiles); ``reference`` is the advisory folio the registration came from
  (``?asesoria=<folio>``), or None.
"""

from blinker import Namespace

_signals = Namespace()

advisory_concluded = _signals.signal("advisory-concluded")
event_concluded = _signals.signal("event-concluded")
organization_registered = _signals.signal("organization-registered")
