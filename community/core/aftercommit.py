"""Side effects that must happen only if the transaction commits (live events, search, files).

A service registers a callback; it runs after the outermost commit and is dropped on rollback,
so a failed use case never sends a live event about something that was not saved. Mail is not
one of these: it is a row of the mail outbox, written in the same transaction
(``community.core.mail``).

``quiet()`` is the one way to tell nobody: demo and import data go through the real services
(seats, notices, search) but queue no mail and push nothing live.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.orm import Session

_KEY = "after_commit_callbacks"
_quiet: ContextVar[bool] = ContextVar("quiet_side_effects", default=False)


def call_after_commit(session: Session, callback: Callable[[], None]) -> None:
    session.info.setdefault(_KEY, []).append(callback)


def push_after_commit(session: Session, callback: Callable[[], None]) -> None:
    """A message to people (a live event): like ``call_after_commit`` but silenced by quiet()."""
    if not is_quiet():
        call_after_commit(session, callback)


@contextmanager
def quiet() -> Iterator[None]:
    """Within this block no mail is queued and no live event is pushed."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def is_quiet() -> bool:
    return _quiet.get()


@event.listens_for(Session, "after_commit")
def _run_callbacks(session: Session) -> None:
    callbacks = session.info.pop(_KEY, [])
    for callback in callbacks:
        callback()


@event.listens_for(Session, "after_rollback")
def _drop_callbacks(session: Session) -> None:
    session.info.pop(_KEY, None)
