"""The search outbox: one row per change to an indexed row, written in the same transaction."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from community.core.timeutil import utcnow
from community.extensions import db


class SearchOutbox(db.Model):
    """``kind``'s row ``object_id`` changed (or was deleted): its documents must be redone.

    Rows are deleted once the index holds the change; whatever is left (a busy writer lock, a
    crash between commit and drain) is drained later, at the next commit or the next start.
    """

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
