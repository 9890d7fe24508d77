"""The roster as a timeline: geometry for a server-rendered SVG, one row per seat."""

import datetime
import math
from dataclasses import dataclass

from groups import roster
from groups.models import CoChairTerm

WIDTH = 960
LABEL_WIDTH = 90
ROW_HEIGHT = 34
ROW_GAP = 10
TOP = 26
# Below this many pixels a bar carries no text label (its title still names it).
MIN_LABEL_WIDTH = 46


@dataclass
class Bar:
    x: float
    y: float
    width: float
    label: str
    title: str
    css: str


@dataclass
class Tick:
    x: float
    label: str


@dataclass
class Timeline:
    width: int
    height: int
    rows: list[tuple[float, str]]
    bars: list[Bar]
    ticks: list[Tick]
    today_x: float | None
    chart_bottom: float


def build(
    terms: list[CoChairTerm], problems: list[roster.Problem], today: datetime.date
) -> Timeline | None:
    """Bars for terms and for problem periods, on a scale from the first term to the horizon."""
    if not terms:
        return None
    start = min(t.starts_on for t in terms)
    end = roster.roster_horizon(terms, today)
    span = (end - start).days + 1
    scale = (WIDTH - LABEL_WIDTH - 10) / span

    def x(day: datetime.date) -> float:
        return round(LABEL_WIDTH + (day - start).days * scale, 1)

    def width(first: datetime.date, last: datetime.date) -> float:
        return max(round(((last - first).days + 1) * scale, 1), 2.0)

    seats = CoChairTerm.Seat
    row_y = {seat: TOP + i * (ROW_HEIGHT + ROW_GAP) for i, seat in enumerate(seats.values)}
    rows = [(row_y[seat] + ROW_HEIGHT / 2 + 5, label) for seat, label in seats.choices]
    problem_row = TOP + len(row_y) * (ROW_HEIGHT + ROW_GAP)
    rows.append((problem_row + ROW_HEIGHT / 2 + 5, "Checks"))

    bars = []
    for term in terms:
        state = (
            "past" if term.ends_on < today else "planned" if term.starts_on > today else "current"
        )
        involved = [p for p in problems if p.involves(term)]
        flag = (
            " has-error"
            if any(p.is_error for p in involved)
            else " has-warning"
            if involved
            else ""
        )
        w = width(term.starts_on, term.ends_on)
        title = (
            f"{term.member}, {term.get_seat_display().lower()}: "
            f"{roster.fmt(term.starts_on)} to {roster.fmt(term.ends_on)}"
        )
        if term.has_extension_agreement:
            title += f"; extension agreed by {term.extension_agreed_by}"
        bars.append(
            Bar(
                x(term.starts_on),
                row_y[term.seat],
                w,
                str(term.member) if w >= MIN_LABEL_WIDTH else "",
                title + "".join(f". {p.message}" for p in involved),
                f"term term-{state}{flag}",
            )
        )
    for problem in problems:
        if problem.code in ("gap", "more_than_two") and problem.starts_on:
            w = width(problem.starts_on, problem.ends_on)
            bars.append(
                Bar(
                    x(problem.starts_on),
                    problem_row,
                    w,
                    ("Gap" if problem.code == "gap" else "Three") if w >= MIN_LABEL_WIDTH else "",
                    problem.message,
                    f"period period-{problem.severity}",
                )
            )

    years = range(start.year + 1, end.year + 1)
    # About a dozen year labels, however long the roster runs.
    step = max(1, math.ceil(len(years) / 12))
    ticks = [
        Tick(x(datetime.date(y, 1, 1)), str(y)) for y in years if (y - years.start) % step == 0
    ]
    today_x = x(today) if start <= today <= end else None
    chart_bottom = problem_row + ROW_HEIGHT
    return Timeline(WIDTH, int(chart_bottom + 22), rows, bars, ticks, today_x, chart_bottom)
