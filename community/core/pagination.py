"""Page numbers from ``?page=``: one parser for every paged list.

A page number becomes an SQL OFFSET, ``(page - 1) * per_page``; SQLite refuses an integer
beyond 2**63 - 1 with OverflowError, so ``/osc?page=9223372036854775807`` was a 500. Here
anything that is not a page number (text, 0, a negative number, '²', '١٢') is the default
page, and a number beyond MAX_PAGE is MAX_PAGE, which shows an empty page past the end like
any page after the last one.
"""

import re
from dataclasses import dataclass

MAX_PAGE = 10_000  # 10,000 pages of 100 rows: an OFFSET every database answers quickly

_DIGITS = re.compile(r"[0-9]+")


def parse_page(raw, default: int | None = 1) -> int | None:
    """The page number in ``raw`` (text from the query string, or an int), between 1 and
    MAX_PAGE; ``default`` when ``raw`` is missing or not a page number."""
    if isinstance(raw, bool):
        return default
    if isinstance(raw, int):
        number = raw
    elif isinstance(raw, str) and _DIGITS.fullmatch(raw.strip()):
        digits = raw.strip().lstrip("0") or "0"
        # Past MAX_PAGE anyway, and int() refuses more than 4,300 digits.
        number = int(digits) if len(digits) <= 9 else MAX_PAGE + 1
    else:
        return default
    if number < 1:
        return default
    return min(number, MAX_PAGE)


def page_arg(args, name: str = "page", default: int | None = 1) -> int | None:
    """``?page=`` of a request's arguments (any mapping), through :func:`parse_page`."""
    return parse_page(args.get(name), default)


@dataclass(frozen=True)
class SimplePage:
    """A page of items counted another way than a query (a list in memory, a numbered
    range), shaped like Flask-SQLAlchemy's Pagination for ``templates/_pagination.html``."""

    items: list
    page: int
    total: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1
