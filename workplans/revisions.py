"""Reading a work plan as its two-column table, and comparing two of its revisions.

A revision keeps the plan as plain data (see `selectors.snapshot`); the plan page, a
revision page and the comparison all read the same shape, so that a revision is shown
exactly as it was adopted and two revisions are compared word by word.
"""

import difflib
import re
from dataclasses import dataclass, field

from workplans.models import Action
from workplans.projection import ActionFacts, action_facts

# --- The plan table, from the plan as it stands or from a revision ---------------------------


@dataclass
class Row:
    """One action as the "Action | Status" table shows it."""

    number: int
    description: str
    status: str
    status_label: str
    status_note: str = ""
    target_period: str = ""
    in_bali_process_strategy: bool = False
    lead_members: list[str] = field(default_factory=list)
    funding_members: list[str] = field(default_factory=list)
    priorities: list[str] = field(default_factory=list)
    objectives: list[int] = field(default_factory=list)
    # The latest progress update (the plan as it stands only: revisions do not keep updates).
    update_text: str = ""
    update_on: object = None


def status_label(status: str) -> str:
    """The status word a person reads ("For action"), or the stored value if unknown."""
    try:
        return Action.Status(status).label
    except ValueError:
        return status


def rows_from_actions(actions) -> list[Row]:
    """The table rows of actions loaded by `selectors.actions_for_plan` (no more queries)."""
    return [row_from_facts(action_facts(action)) for action in actions]


def row_from_facts(facts: ActionFacts) -> Row:
    """The table row of an action's facts: members as a revision keeps them (their short
    names), so that the page and its revisions read alike."""
    return Row(
        number=facts.number,
        description=facts.description,
        status=facts.status,
        status_label=facts.status_word,
        status_note=facts.status_note,
        target_period=facts.target_period,
        in_bali_process_strategy=facts.in_bali_process_strategy,
        lead_members=list(facts.lead_members),
        funding_members=list(facts.funding_members),
        priorities=list(facts.priorities),
        objectives=list(facts.objectives),
        update_text=facts.latest_update,
        update_on=facts.latest_update_on,
    )


def rows_from_snapshot(snapshot: dict) -> list[Row]:
    """The table rows of a revision, as it was adopted."""
    return [
        Row(
            number=a["number"],
            description=a.get("description", ""),
            status=a.get("status", ""),
            status_label=status_label(a.get("status", "")),
            status_note=a.get("status_note", ""),
            target_period=a.get("target_period", ""),
            in_bali_process_strategy=a.get("in_bali_process_strategy", False),
            lead_members=list(a.get("lead_members", [])),
            funding_members=list(a.get("funding_members", [])),
            priorities=list(a.get("priorities", [])),
            objectives=list(a.get("objectives", [])),
        )
        for a in sorted(snapshot.get("actions", []), key=lambda a: a["number"])
    ]


# --- Word-level differences ---------------------------------------------------------------

EQUAL, DELETE, INSERT = "equal", "delete", "insert"


@dataclass
class Segment:
    """A run of words that stayed, went (delete) or came (insert)."""

    kind: str
    text: str

    @property
    def is_delete(self) -> bool:
        return self.kind == DELETE

    @property
    def is_insert(self) -> bool:
        return self.kind == INSERT


def words(text: str) -> list[str]:
    """The words of a text; punctuation stays with its word, as a reader sees it."""
    return re.findall(r"\S+", text or "")


def word_diff(old: str, new: str) -> list[Segment]:
    """The new text as runs of kept, removed and added words; a replaced word shows as its
    removal followed by its addition."""
    before, after = words(old), words(new)
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    segments = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == EQUAL:
            segments.append(Segment(EQUAL, " ".join(before[i1:i2])))
            continue
        if i2 > i1:  # "delete" or the first half of "replace"
            segments.append(Segment(DELETE, " ".join(before[i1:i2])))
        if j2 > j1:  # "insert" or the second half of "replace"
            segments.append(Segment(INSERT, " ".join(after[j1:j2])))
    return segments


# --- Comparing two revisions --------------------------------------------------------------


@dataclass
class ListChange:
    """What left and what joined a list (lead members, priorities, objectives served)."""

    removed: list
    added: list


def list_change(old: list, new: list) -> ListChange | None:
    removed = [x for x in old if x not in new]
    added = [x for x in new if x not in old]
    return ListChange(removed, added) if removed or added else None


@dataclass
class ActionChange:
    """How one action, present in both revisions, changed."""

    number: int
    description: str  # the new wording, to name the action
    status: tuple[str, str] | None = None  # (old word, new word)
    description_diff: list[Segment] | None = None
    status_note_diff: list[Segment] | None = None
    target_period: tuple[str, str] | None = None
    lead_members: ListChange | None = None
    funding_members: ListChange | None = None
    priorities: ListChange | None = None
    objectives: ListChange | None = None
    strategy: tuple[bool, bool] | None = None

    @property
    def reworded(self) -> bool:
        return bool(self.description_diff or self.status_note_diff)


@dataclass
class ObjectiveChange:
    number: int
    diff: list[Segment]


@dataclass
class Comparison:
    """What changed between two snapshots of a plan."""

    added: list[Row] = field(default_factory=list)
    removed: list[Row] = field(default_factory=list)
    changed: list[ActionChange] = field(default_factory=list)
    objectives_added: list[dict] = field(default_factory=list)
    objectives_removed: list[dict] = field(default_factory=list)
    objectives_changed: list[ObjectiveChange] = field(default_factory=list)

    @property
    def status_changes(self) -> list[ActionChange]:
        return [c for c in self.changed if c.status]

    @property
    def reworded(self) -> list[ActionChange]:
        return [c for c in self.changed if c.reworded]

    @property
    def objectives_differ(self) -> bool:
        return bool(self.objectives_added or self.objectives_removed or self.objectives_changed)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.objectives_differ)

    def summary(self) -> str:
        """One line a co-chair reads at a glance: "4 actions added, 2 status changes, ..."."""
        parts = [
            _count(len(self.added), "action added", "actions added"),
            _count(len(self.removed), "action removed", "actions removed"),
            _count(len(self.status_changes), "status change", "status changes"),
            _count(len(self.reworded), "reworded", "reworded"),
        ]
        others = len(
            [c for c in self.changed if not c.status and not c.reworded]
        )  # other changes only: target period, members, priorities, objectives served
        parts.append(_count(others, "other action change", "other action changes"))
        objectives = (
            len(self.objectives_added) + len(self.objectives_removed) + len(self.objectives_changed)
        )
        parts.append(_count(objectives, "objective changed", "objectives changed"))
        parts = [p for p in parts if p]
        return ", ".join(parts) if parts else "No changes"


def _count(n: int, one: str, many: str) -> str:
    if not n:
        return ""
    return f"{n} {one if n == 1 else many}"


def compare(old_snapshot: dict, new_snapshot: dict) -> Comparison:
    """Actions (matched by number) and objectives added, removed or changed from the old
    snapshot to the new, with changed wording as word-level differences."""
    old_rows = {r.number: r for r in rows_from_snapshot(old_snapshot)}
    new_rows = {r.number: r for r in rows_from_snapshot(new_snapshot)}
    comparison = Comparison(
        added=[new_rows[n] for n in sorted(new_rows.keys() - old_rows.keys())],
        removed=[old_rows[n] for n in sorted(old_rows.keys() - new_rows.keys())],
    )
    for number in sorted(old_rows.keys() & new_rows.keys()):
        change = _action_change(old_rows[number], new_rows[number])
        if change:
            comparison.changed.append(change)

    old_objectives = {o["number"]: o for o in old_snapshot.get("objectives", [])}
    new_objectives = {o["number"]: o for o in new_snapshot.get("objectives", [])}
    comparison.objectives_added = [
        new_objectives[n] for n in sorted(new_objectives.keys() - old_objectives.keys())
    ]
    comparison.objectives_removed = [
        old_objectives[n] for n in sorted(old_objectives.keys() - new_objectives.keys())
    ]
    for number in sorted(old_objectives.keys() & new_objectives.keys()):
        before, after = old_objectives[number]["text"], new_objectives[number]["text"]
        if words(before) != words(after):
            comparison.objectives_changed.append(ObjectiveChange(number, word_diff(before, after)))
    return comparison


def _action_change(old: Row, new: Row) -> ActionChange | None:
    change = ActionChange(number=new.number, description=new.description)
    differs = False
    if old.status != new.status:
        change.status = (old.status_label, new.status_label)
        differs = True
    if words(old.description) != words(new.description):
        change.description_diff = word_diff(old.description, new.description)
        differs = True
    if words(old.status_note) != words(new.status_note):
        change.status_note_diff = word_diff(old.status_note, new.status_note)
        differs = True
    if old.target_period.strip() != new.target_period.strip():
        change.target_period = (old.target_period, new.target_period)
        differs = True
    if old.in_bali_process_strategy != new.in_bali_process_strategy:
        change.strategy = (old.in_bali_process_strategy, new.in_bali_process_strategy)
        differs = True
    for name in ("lead_members", "funding_members", "priorities", "objectives"):
        lists = list_change(getattr(old, name), getattr(new, name))
        if lists:
            setattr(change, name, lists)
            differs = True
    return change if differs else None
