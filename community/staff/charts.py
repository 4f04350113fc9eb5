"""The monthly chart of an indicator, drawn on the server: bars of this year beside bars of
the year before, month by month. Only geometry is computed here; the template writes the SVG
(with a title and description) and the table that carries the same numbers."""

from dataclasses import dataclass

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 8, 12, 28
TICKS = 4


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: float | int | None
    current: bool  # this year (else the year before)


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class MonthChart:
    width: int
    height: int
    bars: list[Bar]
    labels: list[tuple[float, str]]  # (x of the month's centre, "ene")
    ticks: list[Tick]
    baseline: float
    empty: bool


def _nice_top(peak: float) -> float:
    """A round maximum for the axis (1, 2, 2.5 or 5 times a power of ten) above ``peak``."""
    if peak <= 0:
        return 1
    power = 10 ** (len(str(int(peak))) - 1) if peak >= 1 else 0.1
    for step in (1, 2, 2.5, 5, 10):
        if peak <= step * power:
            return step * power
    return 10 * power


def _label(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}" if decimals else f"{int(round(value)):,}"


def month_chart(rows, month_names: list[str], decimals: int = 0) -> MonthChart:
    """``rows``: figures.MonthRow list (value this year, previous the year before)."""
    values = [v for row in rows for v in (row.value, row.previous) if v is not None]
    low = min([0, *values])
    top = _nice_top(max([0, *values]))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    span = (top - low) or 1

    def y_of(value: float) -> float:
        return TOP + plot_h * (top - value) / span

    zero = y_of(0)
    slot = plot_w / 12
    bar_w = slot * 0.36
    bars, labels = [], []
    for index, row in enumerate(rows):
        left = LEFT + index * slot + slot * 0.12
        for offset, value, current in ((0, row.previous, False), (bar_w, row.value, True)):
            if value is None:
                continue
            y = min(y_of(value), zero)
            bars.append(Bar(round(left + offset, 1), round(y, 1), round(bar_w, 1),
                            round(abs(zero - y_of(value)), 1), value, current))
        labels.append((round(LEFT + index * slot + slot / 2, 1),
                       month_names[row.month.start.month - 1]))
    ticks = [Tick(round(y_of(low + span * i / TICKS), 1),
                  _label(low + span * i / TICKS, decimals)) for i in range(TICKS + 1)]
    return MonthChart(WIDTH, HEIGHT, bars, labels, ticks, round(zero, 1), not values)
