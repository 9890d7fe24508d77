import datetime

import pytest
from django.core.exceptions import ValidationError

from tests.factories import ActionFactory, MemberFactory, SecretariatFactory, WorkPlanFactory
from workplans import chart, selectors, services
from workplans.models import Action, Objective, WorkPlan
from workplans.revisions import DELETE, EQUAL, INSERT, compare, word_diff

S = Action.Status
D = datetime.date


def action(number, description="Hold a regional forum", status=S.FOR_ACTION, **fields):
    """One action as a revision keeps it."""
    return {
        "number": number,
        "description": description,
        "status": status,
        "status_note": "",
        "target_period": "2016",
        "initiative": "",
        "lead_members": [],
        "funding_members": [],
        "priorities": [],
        "objectives": [],
        "in_bali_process_strategy": False,
        "proposed_for_rso_work_plan": False,
    } | fields


def plan(*actions, objectives=()):
    return {
        "title": "Forward Work Plan",
        "period": "2015-17",
        "objectives": [{"number": n, "text": t} for n, t in objectives],
        "actions": list(actions),
    }


# --- compare() on crafted snapshots -----------------------------------------------------------


def test_identical_snapshots_have_nothing_to_compare():
    snapshot = plan(action(1), action(2, "Share information"), objectives=[(1, "Cooperate.")])
    comparison = compare(snapshot, snapshot)
    assert not comparison
    assert (comparison.added, comparison.removed, comparison.changed) == ([], [], [])
    assert not comparison.objectives_differ
    assert comparison.summary() == "No changes"


def test_an_action_only_in_the_new_snapshot_is_added_and_one_only_in_the_old_is_removed():
    comparison = compare(plan(action(1), action(2)), plan(action(1), action(3), action(4)))
    assert [row.number for row in comparison.added] == [3, 4]
    assert [row.number for row in comparison.removed] == [2]
    assert comparison.changed == []
    assert comparison.summary() == "2 actions added, 1 action removed"


def test_a_status_change_gives_the_old_and_new_status_words():
    comparison = compare(plan(action(3)), plan(action(3, status=S.COMPLETE)))
    [change] = comparison.status_changes
    assert (change.number, change.status) == (3, ("For action", "Complete"))
    assert comparison.reworded == []
    assert comparison.summary() == "1 status change"


def test_a_replaced_word_is_shown_as_exactly_that_word_removed_and_its_replacement_added():
    comparison = compare(
        plan(action(4, "Hold a regional forum")), plan(action(4, "Hold a regional symposium"))
    )
    [change] = comparison.reworded
    assert [(s.kind, s.text) for s in change.description_diff] == [
        (EQUAL, "Hold a regional"),
        (DELETE, "forum"),
        (INSERT, "symposium"),
    ]
    assert change.status is None and change.status_note_diff is None
    assert comparison.summary() == "1 reworded"


def test_a_changed_status_note_is_a_word_diff_too_and_spacing_alone_is_no_change():
    old = action(1, "Hold  a regional forum", status_note="Planned for March 2015.")
    new = action(1, "Hold a regional forum", status_note="Held in March 2015.")
    [change] = compare(plan(old), plan(new)).changed
    assert change.description_diff is None
    assert [(s.kind, s.text) for s in change.status_note_diff] == [
        (DELETE, "Planned for"),
        (INSERT, "Held in"),
        (EQUAL, "March 2015."),
    ]


def test_word_diff_of_an_added_sentence_keeps_the_old_words():
    segments = word_diff("Annual meeting.", "Annual meeting. Updates by e-mail.")
    assert [(s.kind, s.text) for s in segments] == [
        (EQUAL, "Annual meeting."),
        (INSERT, "Updates by e-mail."),
    ]


def test_target_period_members_priorities_and_objectives_served_are_compared():
    old = action(7, target_period="2016", lead_members=["Australia"], priorities=["VI"])
    new = action(
        7,
        target_period="2016/17",
        lead_members=["Australia", "Thailand"],
        priorities=["III"],
        objectives=[2],
        in_bali_process_strategy=True,
    )
    [change] = compare(plan(old), plan(new)).changed
    assert change.target_period == ("2016", "2016/17")
    assert (change.lead_members.removed, change.lead_members.added) == ([], ["Thailand"])
    assert (change.priorities.removed, change.priorities.added) == (["VI"], ["III"])
    assert change.objectives.added == [2]
    assert change.strategy == (False, True)
    assert change.funding_members is None


def test_objectives_added_removed_and_reworded():
    comparison = compare(
        plan(objectives=[(1, "Share information."), (2, "Build capacity.")]),
        plan(objectives=[(1, "Share information widely."), (3, "Engage business.")]),
    )
    assert [o["number"] for o in comparison.objectives_added] == [3]
    assert [o["number"] for o in comparison.objectives_removed] == [2]
    [reworded] = comparison.objectives_changed
    assert [(s.kind, s.text) for s in reworded.diff] == [
        (EQUAL, "Share"),
        (DELETE, "information."),
        (INSERT, "information widely."),
    ]
    assert comparison.summary() == "3 objectives changed"


def test_the_summary_counts_added_actions_status_changes_and_rewording():
    old = plan(action(1), action(2), action(3))
    new = plan(
        action(1, status=S.ONGOING),
        action(2, "Hold a regional symposium", status=S.COMPLETE),
        action(3, "Hold two regional forums"),
        *[action(n) for n in (4, 5, 6, 7)],
    )
    assert compare(old, new).summary() == "4 actions added, 2 status changes, 2 reworded"


# --- The demo plan: WG-TIP's Forward Work Plan 2015-17 ----------------------------------------


@pytest.mark.django_db
def test_the_demo_2015_17_plan_gains_actions_7_to_10_and_statuses_in_its_second_revision(demo):
    plan_2015 = WorkPlan.objects.get(group__slug="wg-tip", slug="2015-17")
    first, second = plan_2015.revisions.order_by("number")
    comparison = compare(first.snapshot, second.snapshot)
    assert [row.number for row in comparison.added] == [7, 8, 9, 10]
    assert comparison.removed == []
    statuses = {c.number: c.status for c in comparison.status_changes}
    assert statuses == {
        1: ("For action", "Ongoing"),
        2: ("For action", "Ongoing"),
        3: ("For action", "Complete"),
        4: ("For action", "Complete"),
        5: ("For action", "Continuing"),
        6: ("For action", "Complete"),
    }
    assert comparison.summary().startswith("4 actions added, 6 status changes")


# --- Adopting a revision ----------------------------------------------------------------------


@pytest.mark.django_db
def test_an_adopted_revision_is_frozen_and_later_edits_do_not_change_it():
    australia = MemberFactory(name="Australia", short_name="")
    work_plan = WorkPlanFactory(status=WorkPlan.Status.DRAFT)
    Objective.objects.create(plan=work_plan, number=1, text="Share information.")
    forum = ActionFactory(
        plan=work_plan, number=1, description="Hold a regional forum", lead_members=[australia]
    )
    revision = services.revision_adopt(
        work_plan, label="Agreed at the first meeting", adopted_on=D(2015, 3, 25)
    )
    work_plan.refresh_from_db()
    assert work_plan.status == WorkPlan.Status.ADOPTED
    adopted = selectors.snapshot(work_plan)
    assert revision.snapshot == adopted

    forum.description = "Hold a regional symposium"
    forum.status = S.COMPLETE
    forum.save()
    forum.lead_members.clear()
    ActionFactory(plan=work_plan, number=2)
    work_plan.objectives.update(text="Share information widely.")

    revision.refresh_from_db()
    assert revision.snapshot == adopted
    assert [a["description"] for a in revision.snapshot["actions"]] == ["Hold a regional forum"]
    assert revision.snapshot["actions"][0]["lead_members"] == ["Australia"]
    changes = compare(revision.snapshot, selectors.snapshot(work_plan))
    assert changes.summary() == "1 action added, 1 status change, 1 reworded, 1 objective changed"


@pytest.mark.django_db
def test_a_revision_dated_before_the_previous_one_is_refused():
    work_plan = WorkPlanFactory()
    services.revision_adopt(work_plan, label="First", adopted_on=D(2016, 5, 18))
    with pytest.raises(ValidationError) as refused:
        services.revision_adopt(work_plan, label="Second", adopted_on=D(2016, 5, 17))
    assert "adopted_on" in refused.value.message_dict
    assert work_plan.revisions.count() == 1
    second = services.revision_adopt(
        work_plan, label="Same day", adopted_on=D(2016, 5, 18), adopted_by=SecretariatFactory()
    )
    assert second.number == 2


# --- The status chart -------------------------------------------------------------------------


def test_the_chart_has_a_bar_per_status_whose_count_equals_the_actions_of_that_status():
    statuses = [S.COMPLETE, S.COMPLETE, S.COMPLETE, S.ONGOING, S.FOR_ACTION, S.COMPLETE]
    summary = chart.status_chart(statuses)
    counts = {bar.status: bar.count for bar in summary.bars}
    assert counts == {
        S.FOR_ACTION: 1,
        S.ONGOING: 1,
        S.CONTINUING: 0,
        S.COMPLETE: 4,
        S.DISCONTINUED: 0,
    }
    assert summary.total == 6
    widths = {bar.status: bar.width for bar in summary.bars}
    # The longest bar is the most frequent status; the others in proportion; none is drawn for 0.
    assert widths[S.COMPLETE] == chart.BAR_AREA
    assert widths[S.ONGOING] == round(chart.BAR_AREA / 4)
    assert widths[S.CONTINUING] == 0
    assert summary.description() == (
        "6 actions by status. For action: 1; Ongoing: 1; Continuing: 0; Complete: 4; "
        "Discontinued: 0."
    )
    # Bars do not overlap and all fit in the picture.
    tops = [bar.y for bar in summary.bars]
    assert all(b - a >= chart.BAR_HEIGHT for a, b in zip(tops, tops[1:], strict=False))
    assert tops[-1] + chart.BAR_HEIGHT <= summary.height
    assert max(bar.count_x for bar in summary.bars) + chart.COUNT_WIDTH <= summary.width


def test_a_plan_without_actions_draws_empty_bars():
    summary = chart.status_chart([])
    assert summary.total == 0 and {bar.width for bar in summary.bars} == {0}
