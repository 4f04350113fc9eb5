"""What each module keeps about a person, for the privacy rights (ARCO) of the account.

A module that stores personal data registers here, so that accounts, the base every module
uses, never imports the modules above it:

- ``exporter(name)``: ``fn(user) -> list | dict``, the person's data for "Descargar mis
  datos" (their own data only: never other people's private data, never secrets);
- ``close_check(fn)``: ``fn(user)`` raises ``ValidationError`` when the account cannot be
  closed yet (e.g. the only admin of an OSC);
- ``on_close(fn)``: ``fn(user)`` removes what the module does not keep once the account
  closes (flushes, never commits).

The providers live in ``community/<module>/personal_data.py``, imported by the app factory.
"""

from collections.abc import Callable

_EXPORTERS: dict[str, Callable] = {}
_CLOSE_CHECKS: dict[str, Callable] = {}
_ON_CLOSE: dict[str, Callable] = {}


def _key(fn: Callable) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def exporter(name: str):
    def decorate(fn: Callable) -> Callable:
        _EXPORTERS[name] = fn
        return fn
    return decorate


def close_check(fn: Callable) -> Callable:
    _CLOSE_CHECKS[_key(fn)] = fn
    return fn


def on_close(fn: Callable) -> Callable:
    _ON_CLOSE[_key(fn)] = fn
    return fn


def export_sections(user) -> dict:
    return {name: fn(user) for name, fn in sorted(_EXPORTERS.items())}


def check_closing(user) -> None:
    for fn in _CLOSE_CHECKS.values():
        fn(user)


def run_on_close(user) -> None:
    for fn in _ON_CLOSE.values():
        fn(user)


def iso(value) -> str | None:
    """A stored time (naive UTC) as ISO 8601 with its zone, for the export."""
    return value.isoformat(timespec="seconds") + "Z" if value is not None else None
