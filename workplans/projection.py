"""An action as plain values: the one projection that the plan's table and revisions, its
CSV, its printed document and the reports all read.

``action_facts`` takes an action loaded by ``selectors.with_table_details`` (members,
priorities, objectives and ``update_list`` prefetched) and reads nothing more. A reader
that needs the action as it stood on another day (a report's year end) replaces the
fields that changed with ``dataclasses.replace``.
"""

import datetime
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class ActionFacts:
    number: int
    description: str
    status: str
    status_word: str
    status_note: str = ""
    target_period: str = ""
    initiative: str = ""
    initiative_word: str = ""
    # Members as the portal shows them (short name when they have one), sorted; and by
    # full name, as the CSV writes them. Priorities by numeral, in their order.
    lead_members: list[str] = field(default_factory=list)
    funding_members: list[str] = field(default_factory=list)
    lead_member_names: list[str] = field(default_factory=list)
    funding_member_names: list[str] = field(default_factory=list)
    priorities: list[str] = field(default_factory=list)
    objectives: list[int] = field(default_factory=list)
    in_bali_process_strategy: bool = False
    proposed_for_rso_work_plan: bool = False
    # The latest progress update, or none.
    latest_update: str = ""
    latest_update_on: datetime.date | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def action_facts(action, *, latest_update=None) -> ActionFacts:
    """The action's facts; ``latest_update`` overrides the latest of ``update_list`` (a
    report reads the latest of its year)."""
    if latest_update is None and getattr(action, "update_list", None):
        latest_update = action.update_list[0]
    return ActionFacts(
        number=action.number,
        description=action.description,
        status=action.status,
        status_word=action.get_status_display(),
        status_note=action.status_note,
        target_period=action.target_period,
        initiative=action.initiative,
        initiative_word=action.get_initiative_display() if action.initiative else "",
        lead_members=sorted(str(m) for m in action.lead_members.all()),
        funding_members=sorted(str(m) for m in action.funding_members.all()),
        lead_member_names=sorted(m.name for m in action.lead_members.all()),
        funding_member_names=sorted(m.name for m in action.funding_members.all()),
        priorities=[p.numeral for p in sorted(action.priorities.all(), key=lambda p: p.order)],
        objectives=sorted(o.number for o in action.objectives.all()),
        in_bali_process_strategy=action.in_bali_process_strategy,
        proposed_for_rso_work_plan=action.proposed_for_rso_work_plan,
        latest_update=latest_update.text if latest_update else "",
        latest_update_on=latest_update.reported_on if latest_update else None,
    )
