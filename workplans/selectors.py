"""Reads about work plans that pages, exports and reports share."""

import calendar
import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Now

from meetings.models import Meeting, Outcome
from portal import permissions
from workplans.models import (
    Action,
    Objective,
    ProgressUpdate,
    Proposal,
    RegionalPriority,
    WorkPlan,
)
from workplans.projection import action_facts


def actions_for_plan(plan: WorkPlan) -> QuerySet[Action]:
    """A plan's actions in order, with everything the plan table shows, in a fixed number of
    queries: members, priorities, objectives, delivering meetings and the latest update."""
    return with_table_details(plan.actions.order_by("number"))


def with_table_details(actions: QuerySet[Action]) -> QuerySet[Action]:
    """The actions with what a plan's table and its CSV show, in a fixed number of queries."""
    latest_first = ProgressUpdate.objects.select_related("author").order_by(
        "-reported_on", "-created_at"
    )
    return actions.select_related("plan__group").prefetch_related(
        "lead_members",
        "funding_members",
        "priorities",
        "objectives",
        "delivered_at",
        Prefetch("updates", latest_first, to_attr="update_list"),
    )


# What a revision keeps of each action, as ``ActionFacts`` names them. Stored snapshots are
# compared word by word with new ones: these keys and their values never change shape.
SNAPSHOT_FIELDS = (
    "number",
    "description",
    "status",
    "status_note",
    "target_period",
    "initiative",
    "lead_members",
    "funding_members",
    "priorities",
    "objectives",
    "in_bali_process_strategy",
    "proposed_for_rso_work_plan",
)


def snapshot(plan: WorkPlan) -> dict:
    """The plan as plain data, the way a revision keeps it."""
    actions = [action_facts(a) for a in actions_for_plan(plan)]
    return {
        "title": plan.title,
        "period": plan.period,
        "objectives": [
            {"number": o.number, "text": o.text} for o in plan.objectives.order_by("number")
        ],
        "actions": [{name: getattr(f, name) for name in SNAPSHOT_FIELDS} for f in actions],
    }


# --- Actions across plans: staleness, target periods, links with meeting outcomes -------

# "No update for six months": the one place the rule is written.
STALE_AFTER_MONTHS = 6
# Actions that are finished need no more updates.
CLOSED = (Action.Status.COMPLETE, Action.Status.DISCONTINUED)
# Actions still to be delivered by their target period ("continuing" ones have none).
DUE = (Action.Status.FOR_ACTION, Action.Status.ONGOING)


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day of the month, `months` earlier; the month's last day when it is shorter."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return day.replace(year=year, month=month + 1, day=min(day.day, last_day))


def stale_since(today: datetime.date) -> datetime.date:
    """An open action with no progress update reported after this day is stale."""
    return months_before(today, STALE_AFTER_MONTHS)


def _stale(today: datetime.date) -> Q:
    """Not complete or discontinued, of a plan not superseded (its open actions were carried
    into its successor), and no update reported in the last six months.

    An update reported exactly six months ago no longer counts (on 1 July, the last update
    of 1 January leaves six months without one). An action that has never had an update
    is stale: the plan records no creation date to wait from, and an action nobody has
    reported on is the one the secretariat should chase.
    """
    recent = ProgressUpdate.objects.filter(
        action=OuterRef("pk"), reported_on__gt=stale_since(today)
    )
    superseded = Q(plan__status=WorkPlan.Status.SUPERSEDED)
    return ~Q(status__in=CLOSED) & ~superseded & ~Exists(recent)


def stale(queryset: QuerySet[Action], today: datetime.date) -> QuerySet[Action]:
    """The actions of the queryset with no progress update for six months (see `_stale`)."""
    return queryset.filter(_stale(today))


TARGET_YEAR = re.compile(r"^\s*(\d{4})\s*$")
TARGET_SPAN = re.compile(r"^\s*(\d{4})\s*[-/–]\s*(\d{2}|\d{4})\s*$")
# A span longer than this is a typing mistake (2016-61), not a period: it has no end.
MAX_PERIOD_YEARS = 10


def target_period_end(target_period: str) -> datetime.date | None:
    """The last day of a target period: "2016" ends 31 December 2016; "2016/17", "2015-17"
    and "2024-2026" end on 31 December of their second year (2017, 2017, 2026).

    A two-year period such as 2016/17 may be a financial year ending on 30 June 2017; the
    calendar year is taken instead so that no action is called overdue before its members
    may still deliver it. Anything else (blank, "ongoing", a month) has no end: None.
    """
    years = period_years(target_period)
    return datetime.date(years[1], 12, 31) if years else None


def period_years(period: str) -> tuple[int, int] | None:
    """The first and last calendar year of a period as the secretariat writes it ("2016"
    is (2016, 2016); "2016/17", "2015-17" and "2024-2026" span two or more years), or None
    for anything else."""
    if match := TARGET_YEAR.match(period):
        return int(match[1]), int(match[1])
    if match := TARGET_SPAN.match(period):
        first, second = int(match[1]), int(match[2])
        if len(match[2]) == 2:  # 2016/17, or 1999/00 across a century
            second += first // 100 * 100 + (100 if second < first % 100 else 0)
        if first <= second <= first + MAX_PERIOD_YEARS:
            return first, second
    return None


def is_overdue(action: Action, today: datetime.date) -> bool:
    """An action for action or ongoing whose target period ended before today, of a plan
    not superseded (its successor carries what is still open)."""
    if action.status not in DUE or action.plan.status == WorkPlan.Status.SUPERSEDED:
        return False
    end = target_period_end(action.target_period)
    return end is not None and end < today


def overdue(queryset: QuerySet[Action], today: datetime.date) -> QuerySet[Action]:
    """The actions of the queryset that are overdue (``is_overdue``), still as a queryset:
    the target period is read as the secretariat writes it, so only the actions still due
    of plans not superseded are read to tell."""
    due = (
        queryset.filter(status__in=DUE)
        .exclude(plan__status=WorkPlan.Status.SUPERSEDED)
        .select_related("plan")
        .only("pk", "status", "target_period", "plan__status")
        .order_by()
    )
    return queryset.filter(pk__in=[a.pk for a in due if is_overdue(a, today)])


def actions_across_plans(plans: QuerySet[WorkPlan]) -> QuerySet[Action]:
    """The actions of the given plans in the action list's order (by group, latest plan
    first, by number), with nothing else: finding and counting them stays cheap however
    many there are, and ``action_rows`` adds what the list shows for one page."""
    return Action.objects.filter(plan__in=plans).order_by(
        "plan__group__short_name", "-plan__period", "plan__pk", "number"
    )


def action_rows(ids: Iterable[int], today: datetime.date) -> list[Action]:
    """The actions with these ids, in the same order, with what the action list shows: plan
    and group, lead members, the latest update's date, whether stale and whether overdue.

    Two queries however many ids: meant for one page of the list, so that only the rows
    shown pay for the latest update and the staleness test.
    """
    ids = list(ids)
    latest = (
        ProgressUpdate.objects.filter(action=OuterRef("pk"))
        .order_by("-reported_on")
        .values("reported_on")[:1]
    )
    found = (
        Action.objects.filter(pk__in=ids)
        .select_related("plan__group")
        .prefetch_related("lead_members")
        .annotate(
            last_reported_on=Subquery(latest),
            is_stale=ExpressionWrapper(_stale(today), output_field=BooleanField()),
        )
        if ids
        else []
    )
    by_id = {action.pk: action for action in found}
    rows = [by_id[pk] for pk in ids if pk in by_id]
    for action in rows:
        action.overdue = is_overdue(action, today)
    return rows


@dataclass
class ActionPage:
    action: Action
    lead_members: list
    funding_members: list
    priorities: list[RegionalPriority]
    objectives: list[Objective]
    delivered_at: list[Meeting]
    from_outcome: Outcome | None
    updates: list[ProgressUpdate]
    overdue: bool
    stale: bool


def action_page(
    action: Action,
    meetings: QuerySet[Meeting],
    outcome_meetings: QuerySet[Meeting],
    today: datetime.date,
    updates: Iterable[ProgressUpdate] | None = None,
) -> ActionPage:
    """Everything the action page shows. `meetings` are those the reader may see and
    `outcome_meetings` those whose outcomes they may read: any other meeting, or outcome,
    is left out. `updates` are the progress updates shown (one page of ``updates_of``);
    every one when not given."""
    updates = list(updates_of(action) if updates is None else updates)
    delivered_at = list(action.delivered_at.order_by("starts_at"))
    outcome = (
        Outcome.objects.select_related("meeting").filter(pk=action.from_outcome_id).first()
        if action.from_outcome_id
        else None
    )
    outcome_refs = {u.from_outcome.meeting_id for u in updates if u.from_outcome_id}
    if outcome:
        outcome_refs.add(outcome.meeting_id)
    visible = set()
    if delivered_at:
        visible = set(
            meetings.filter(pk__in=[m.pk for m in delivered_at]).values_list("pk", flat=True)
        )
    readable = set()
    if outcome_refs:
        readable = set(outcome_meetings.filter(pk__in=outcome_refs).values_list("pk", flat=True))
    for update in updates:
        if update.from_outcome_id and update.from_outcome.meeting_id not in readable:
            update.from_outcome = None
    return ActionPage(
        action=action,
        lead_members=list(action.lead_members.all()),
        funding_members=list(action.funding_members.all()),
        priorities=list(action.priorities.order_by("order")),
        objectives=list(action.objectives.order_by("number")),
        delivered_at=[m for m in delivered_at if m.pk in visible],
        from_outcome=outcome if outcome and outcome.meeting_id in readable else None,
        updates=updates,
        overdue=is_overdue(action, today),
        stale=stale(Action.objects.filter(pk=action.pk), today).exists(),
    )


def updates_of(action: Action) -> QuerySet[ProgressUpdate]:
    """The action's progress updates, newest first, with what the action page shows."""
    return action.updates.select_related("author", "from_outcome__meeting").order_by(
        "-reported_on", "-created_at", "-pk"
    )


@dataclass
class OutcomeLink:
    """An action an outcome led to: made from it (`made`) or updated with it."""

    action: Action
    made: bool


def outcome_links(user, outcomes: list[Outcome]) -> dict[int, list[OutcomeLink]]:
    """For each outcome (by id), the actions made from it or updated with it, of the plans
    the person may see; two queries when no outcome led anywhere."""
    ids = [o.pk for o in outcomes]
    if not ids:
        return {}
    made = list(Action.objects.filter(from_outcome__in=ids).select_related("plan__group"))
    updated = list(
        ProgressUpdate.objects.filter(from_outcome__in=ids)
        .select_related("action__plan__group")
        .order_by("reported_on", "pk")
    )
    plan_ids = {a.plan_id for a in made} | {u.action.plan_id for u in updated}
    if not plan_ids:
        return {}
    visible = set(
        permissions.visible_work_plans(user).filter(pk__in=plan_ids).values_list("pk", flat=True)
    )
    links: dict[int, list[OutcomeLink]] = {}
    seen = set()
    candidates = [(a.from_outcome_id, a, True) for a in made] + [
        (u.from_outcome_id, u.action, False) for u in updated
    ]
    for outcome_id, action, is_made in candidates:
        if action.plan_id in visible and (outcome_id, action.pk) not in seen:
            seen.add((outcome_id, action.pk))
            links.setdefault(outcome_id, []).append(OutcomeLink(action, is_made))
    return links


def plans_for_meeting(plans: QuerySet[WorkPlan], meeting: Meeting) -> list[WorkPlan]:
    """The plans, the meeting's group's first, then by group and latest period."""
    own_first = Case(
        When(group=meeting.group_id, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return list(plans.select_related("group").order_by(own_first, "group__short_name", "-period"))


def likely_plan(plans: list[WorkPlan], meeting: Meeting) -> WorkPlan | None:
    """The plan an outcome of the meeting most likely belongs to: the group's adopted plan,
    else its latest."""
    own = [p for p in plans if meeting.group_id and p.group_id == meeting.group_id]
    adopted = [p for p in own if p.status == WorkPlan.Status.ADOPTED]
    return next(iter(adopted + own), None)


def actions_of_plans(plans: list[WorkPlan]) -> list[Action]:
    """The actions of the plans, plan by plan in the given order, by number."""
    order = {plan.pk: index for index, plan in enumerate(plans)}
    actions = Action.objects.filter(plan__in=list(order)).order_by("number")
    by_plan = {plan.pk: plan for plan in plans}
    rows = sorted(actions, key=lambda a: order[a.plan_id])
    for action in rows:
        action.plan = by_plan[action.plan_id]
    return rows


# --- An action's timeline -------------------------------------------------------------------


@dataclass
class StatusChange:
    """A dated change of an action's status: who, when, from what (None when the action was
    added) to what, and the status note given with it."""

    at: datetime.datetime
    by: object
    before: str | None
    after: str
    note: str


def status_timeline(action: Action) -> list[StatusChange]:
    """The action's status changes, oldest first, read from its history in one query: the
    status it was added with, then every save that changed it."""
    labels = dict(Action.Status.choices)
    records = action.history.select_related("history_user").order_by("history_date", "history_id")
    changes: list[StatusChange] = []
    previous = None
    for record in records:
        if record.status != previous:
            changes.append(
                StatusChange(
                    at=record.history_date,
                    by=record.history_user,
                    before=labels.get(previous, previous) if previous else None,
                    after=labels.get(record.status, record.status),
                    note=record.status_note,
                )
            )
        previous = record.status
    return changes


# --- Plans --------------------------------------------------------------------------------


def adoption_meetings(plan: WorkPlan) -> QuerySet[Meeting]:
    """The meetings a draft may be adopted at: its group's, held (begun, whether or not the
    status was moved to "held") and not cancelled, latest first."""
    return (
        Meeting.objects.filter(group=plan.group_id, starts_at__lte=Now())
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("-starts_at")
    )


def next_action_number(plan: WorkPlan) -> int:
    """The number an action added to the plan gets unless told otherwise."""
    last = plan.actions.order_by("-number").values_list("number", flat=True).first()
    return (last or 0) + 1


def status_counts(plan: WorkPlan) -> list[str]:
    """The status of every action of the plan, for its summary, however the table is paged."""
    return list(plan.actions.order_by().values_list("status", flat=True))


# --- Members' proposals ---------------------------------------------------------------------


def proposals_listed(proposals: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """The proposals awaiting a decision first, newest first, then those decided, latest
    decision first, with what their list shows."""
    pending_first = Case(
        When(status=Proposal.Status.PENDING, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return proposals.select_related(
        "member", "action", "proposed_by", "decided_by", "resulting_action"
    ).order_by(pending_first, "-decided_at", "-proposed_at", "-pk")


def members_to_propose(user, plan: WorkPlan) -> list:
    """The members this person may propose on the plan, for a form's choices."""
    from groups.models import Member

    ids = sorted(permissions.proposing_members(user, plan))
    return list(Member.objects.filter(pk__in=ids).order_by("name")) if ids else []


def pending_proposals(plan: WorkPlan) -> int:
    """How many of the plan's proposals await a decision."""
    return plan.proposals.filter(status=Proposal.Status.PENDING).count()


@dataclass
class MemberNamed:
    """An accepted proposal on an action's timeline: a member named lead or funder, or the
    action itself added from a proposed initiative."""

    at: datetime.datetime
    by: object
    member: object
    kind: str
    note: str


def action_timeline(action: Action) -> list[StatusChange | MemberNamed]:
    """The action's status changes and the proposals accepted for it, oldest first."""
    accepted = Proposal.objects.filter(
        Q(action=action) | Q(resulting_action=action), status=Proposal.Status.ACCEPTED
    ).select_related("member", "decided_by")
    named = [
        MemberNamed(
            at=p.decided_at, by=p.decided_by, member=p.member, kind=p.kind, note=p.decision_note
        )
        for p in accepted
    ]
    return sorted(status_timeline(action) + named, key=lambda entry: entry.at)


def attachments_of(plan: WorkPlan, action: Action | None = None) -> list:
    """The plan's attachments (only the action's, when given), by label, in one query."""
    attachments = plan.attachments.select_related("action", "uploaded_by").order_by("label", "pk")
    if action is not None:
        attachments = attachments.filter(action=action)
    return list(attachments)


# --- What a person's home page shows of work plans ----------------------------------------


@dataclass
class GroupAttention:
    """A group's actions that need chasing: how many are overdue and how many have had no
    update for six months."""

    group: object
    overdue: int = 0
    stale: int = 0


def actions_needing_attention(
    plans: QuerySet[WorkPlan], today: datetime.date
) -> list[GroupAttention]:
    """By group, the actions of the plans that are overdue (``is_overdue``) or stale
    (``stale``), counted in three queries however many groups, plans or actions."""
    from groups.models import WorkingGroup

    by_group: dict[int, GroupAttention] = {}
    # Only an action still due, of a plan not superseded, can be overdue: fetch those alone.
    due = (
        Action.objects.filter(plan__in=plans, status__in=DUE)
        .exclude(plan__status=WorkPlan.Status.SUPERSEDED)
        .select_related("plan__group")
        .order_by("-plan__period", "-plan__pk", "number")
    )
    for action in due:
        if is_overdue(action, today):
            row = by_group.setdefault(action.plan.group_id, GroupAttention(action.plan.group))
            row.overdue += 1
    counts = (
        stale(Action.objects.filter(plan__in=plans), today)
        .order_by()
        .values_list("plan__group")
        .annotate(count=Count("pk"))
    )
    stale_counts = dict(counts)
    missing = sorted(set(stale_counts) - set(by_group))
    for group in WorkingGroup.objects.filter(pk__in=missing) if missing else []:
        by_group[group.pk] = GroupAttention(group)
    for group_id, count in stale_counts.items():
        by_group[group_id].stale = count
    return sorted(by_group.values(), key=lambda row: row.group.short_name)


@dataclass
class ProposalsWaiting:
    """A plan's proposals awaiting a decision: how many, and since when the oldest waits."""

    plan: WorkPlan
    count: int
    since: datetime.datetime


def proposals_to_decide(user) -> list[ProposalsWaiting]:
    """The plans with proposals awaiting a decision that this person may decide
    (``permissions.can_decide_proposal``), by group, in one query."""
    pending = Q(proposals__status=Proposal.Status.PENDING)
    plans = (
        WorkPlan.objects.filter(pk__in=permissions.visible_work_plans(user).values("pk"))
        .annotate(
            waiting=Count("proposals", filter=pending),
            since=Min("proposals__proposed_at", filter=pending),
        )
        .filter(waiting__gt=0)
        .select_related("group")
        .order_by("group__short_name", "-period", "pk")
    )
    return [
        ProposalsWaiting(plan, plan.waiting, plan.since)
        for plan in plans
        if permissions.can_decide_proposal(user, plan)
    ]


@dataclass
class MemberActions:
    """The open actions the person's member leads or funds (at most a page of them), each
    with ``can_update`` and ``leads``, and how many there are in all."""

    member: object
    rows: list[Action]
    total: int


def member_actions(user, today: datetime.date, limit: int = 10) -> MemberActions | None:
    """The open actions (not complete or discontinued, of a plan not superseded) of the plans
    this person sees that their member leads or funds; None for a person of no member."""
    member = user.affiliation if user.affiliation_id else None
    if member is None:
        return None
    leads_or_funds = Action.objects.filter(Q(lead_members=member) | Q(funding_members=member))
    updatable = permissions.updatable_actions(user).filter(pk=OuterRef("pk"))
    found = list(
        actions_across_plans(permissions.visible_work_plans(user))
        .filter(pk__in=leads_or_funds.values("pk"))
        .exclude(status__in=CLOSED)
        .exclude(plan__status=WorkPlan.Status.SUPERSEDED)
        .annotate(can_update=Exists(updatable), total=Window(Count("pk")))
        .values_list("pk", "can_update", "total")[:limit]
    )
    can_update = {pk: allowed for pk, allowed, _ in found}
    rows = action_rows(list(can_update), today)
    for action in rows:
        action.can_update = can_update[action.pk]
        action.leads = any(m.pk == member.pk for m in action.lead_members.all())
    return MemberActions(member, rows, found[0][2] if found else 0)
