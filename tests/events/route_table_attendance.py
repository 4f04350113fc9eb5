"""Route × role rows of attendance, certificates and iCalendar feeds (filled by their author)."""

ATTENDANCE_ROUTES: dict[str, tuple] = {}

ATTENDANCE_POST_DATA: dict[str, dict] = {}
