"""The geometry of a plan's status summary: one horizontal bar per status, as SVG numbers.

The template draws what is computed here; the same counts feed the table beside the chart,
so a person who cannot see the picture reads the same figures.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from workplans.models import Action

LABEL_WIDTH = 110  # room for "Discontinued" left of the bars
BAR_AREA = 220  # the longest bar
COUNT_GAP = 6  # between a bar's end and its count
COUNT_WIDTH = 34
ROW_HEIGHT = 28
BAR_HEIGHT = 18
PADDING = 6

# Each status its own shade; the label beside each bar carries the meaning, not the colour.
FILLS = {
    Action.Status.FOR_ACTION: "#8a4b00",
    Action.Status.ONGOING: "#0b4f6c",
    Action.Status.CONTINUING: "#0a58a3",
    Action.Status.COMPLETE: "#1a6b35",
    Action.Status.DISCONTINUED: "#4a5560",
}


@dataclass
class Bar:
    status: str
    label: str
    count: int
    y: int  # top of the bar
    width: int
    text_y: int  # baseline of the label and the count
    count_x: int
    fill: str


@dataclass
class StatusChart:
    bars: list[Bar]
    total: int
    width: int
    height: int
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT

    def description(self) -> str:
        """The chart in words, for its SVG <desc>."""
        parts = [f"{bar.label}: {bar.count}" for bar in self.bars]
        actions = "action" if self.total == 1 else "actions"
        return f"{self.total} {actions} by status. " + "; ".join(parts) + "."


def status_chart(statuses: Iterable[str]) -> StatusChart:
    """A bar for every status, in the order statuses are listed, its length in proportion to
    the most frequent one; a status no action has gets a bar of no length and a 0."""
    counts = Counter(statuses)
    most = max(counts.values(), default=0)
    bars = []
    for index, (status, label) in enumerate(Action.Status.choices):
        count = counts.get(status, 0)
        width = round(BAR_AREA * count / most) if most else 0
        y = PADDING + index * ROW_HEIGHT
        bars.append(
            Bar(
                status=status,
                label=label,
                count=count,
                y=y,
                width=width,
                text_y=y + BAR_HEIGHT - 4,
                count_x=LABEL_WIDTH + width + COUNT_GAP,
                fill=FILLS[status],
            )
        )
    return StatusChart(
        bars=bars,
        total=sum(counts.values()),
        width=LABEL_WIDTH + BAR_AREA + COUNT_GAP + COUNT_WIDTH,
        height=2 * PADDING + len(bars) * ROW_HEIGHT - (ROW_HEIGHT - BAR_HEIGHT),
    )
