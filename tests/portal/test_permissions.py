import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils import timezone

from groups import selectors
from groups.models import Participation
from portal import permissions
from tests.factories import (
    CoChairTermFactory,
    MeetingFactory,
    ParticipationFactory,
    SecretariatFactory,
    UserFactory,
    WorkingGroupFactory,
    co_chair,
    participant,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def visible(user):
    return set(permissions.visible_groups(user).values_list("short_name", flat=True))


def test_secretariat_sees_every_group_including_clearance_groups():
    open_group = WorkingGroupFactory()
    secret_group = WorkingGroupFactory(clearance_required=True)
    assert visible(SecretariatFactory()) == {open_group.short_name, secret_group.short_name}


def test_anonymous_visitor_sees_no_group():
    WorkingGroupFactory()
    assert visible(AnonymousUser()) == set()


def test_expert_sees_only_the_groups_they_take_part_in():
    mine, other = WorkingGroupFactory(), WorkingGroupFactory()
    expert = participant(mine)
    assert visible(expert) == {mine.short_name}
    assert permissions.role_in_group(expert, mine) == permissions.Role.MEMBER
    assert permissions.role_in_group(expert, other) is None


@pytest.mark.parametrize(
    "started, ended, sees",
    [
        (TODAY - 10 * DAY, None, True),
        (TODAY, TODAY, True),
        (TODAY + DAY, None, False),
        (TODAY - 10 * DAY, TODAY - DAY, False),
    ],
    ids=["running", "first-and-last-day", "not-started", "ended-yesterday"],
)
def test_only_a_current_participation_shows_the_group(started, ended, sees):
    group = WorkingGroupFactory()
    person = UserFactory()
    ParticipationFactory(person=person, group=group, started_on=started, ended_on=ended)
    assert permissions.can_view_group(person, group) is sees


@pytest.mark.parametrize("role", [Participation.Role.OBSERVER, Participation.Role.GUEST])
def test_observers_and_guests_do_not_see_the_group_itself(role):
    group = WorkingGroupFactory()
    assert visible(participant(group, role=role)) == set()


@pytest.mark.parametrize(
    "clearance_expires_on, sees",
    [(None, False), (TODAY - DAY, False), (TODAY, True), (TODAY + 365 * DAY, True)],
    ids=["no-clearance", "expired-yesterday", "last-valid-day", "valid"],
)
def test_clearance_group_needs_an_unexpired_clearance(clearance_expires_on, sees):
    group = WorkingGroupFactory(clearance_required=True)
    person = participant(
        group,
        clearance_level="National security clearance" if clearance_expires_on else "",
        clearance_expires_on=clearance_expires_on,
    )
    assert permissions.can_view_group(person, group) is sees


def test_focal_point_of_a_member_holding_a_current_term_is_co_chair():
    group = WorkingGroupFactory()
    chair = co_chair(group)
    assert permissions.role_in_group(chair, group) == permissions.Role.CO_CHAIR
    assert permissions.can_approve_for_group(chair, group)


def test_expert_of_a_co_chair_member_is_not_co_chair():
    group = WorkingGroupFactory()
    chair = co_chair(group)
    expert = participant(group, member=chair.affiliation)
    assert permissions.role_in_group(expert, group) == permissions.Role.MEMBER
    assert not permissions.can_approve_for_group(expert, group)


def test_focal_point_stops_being_co_chair_when_the_term_ends():
    group = WorkingGroupFactory()
    person = participant(group, role=Participation.Role.FOCAL_POINT)
    CoChairTermFactory(
        group=group,
        member=person.affiliation,
        starts_on=TODAY - 800 * DAY,
        planned_end_on=TODAY + 10 * DAY,
        ended_on=TODAY - DAY,
    )
    assert permissions.role_in_group(person, group) == permissions.Role.MEMBER


def test_co_chair_of_one_group_has_no_say_in_another():
    group, other = WorkingGroupFactory(), WorkingGroupFactory()
    chair = co_chair(group)
    participant(other, member=chair.affiliation)
    assert not permissions.can_approve_for_group(chair, other)
    assert permissions.role_in_group(chair, other) is None


def test_only_the_secretariat_changes_a_group():
    group = WorkingGroupFactory()
    assert permissions.can_change_group(SecretariatFactory(), group)
    assert not permissions.can_change_group(co_chair(group), group)
    assert not permissions.can_approve_for_group(SecretariatFactory(), group)


def test_access_helper_answers_404_alike_for_hidden_and_missing_groups():
    hidden = WorkingGroupFactory(clearance_required=True)
    person = participant(hidden)
    for slug in (hidden.slug, "no-such-group"):
        with pytest.raises(Http404):
            permissions.get_group_for_user(person, slug)


def test_deactivated_secretariat_account_sees_nothing():
    WorkingGroupFactory()
    assert visible(SecretariatFactory(is_active=False)) == set()


# --- One answer to "who speaks for this member here", and a person's groups once -----------


def test_focal_points_are_the_current_focal_points_of_the_member_in_the_group():
    group, other = WorkingGroupFactory(), WorkingGroupFactory()
    focal = participant(group, role=Participation.Role.FOCAL_POINT)
    member = focal.affiliation
    participant(group, member=member)  # an expert does not speak for the member
    participant(other, role=Participation.Role.FOCAL_POINT, member=member)
    ParticipationFactory(
        group=group,
        member=member,
        role=Participation.Role.FOCAL_POINT,
        started_on=TODAY - 100 * DAY,
        ended_on=TODAY - DAY,
    )
    assert [p.person for p in selectors.focal_points(member, group)] == [focal]
    assert selectors.focal_points(member).count() == 2
    assert selectors.participants_of(member, group).count() == 2


def test_a_focal_point_in_one_group_is_not_co_chair_where_they_are_an_expert():
    chaired, other = WorkingGroupFactory(), WorkingGroupFactory()
    person = participant(other, role=Participation.Role.FOCAL_POINT)
    ParticipationFactory(person=person, group=chaired, member=person.affiliation)
    CoChairTermFactory(group=chaired, member=person.affiliation)
    meeting = MeetingFactory(kind="working_group", group=chaired, body="")
    assert permissions.role_in_group(person, chaired) == permissions.Role.MEMBER
    # Outcomes the co-chairs have not approved stay with the co-chairs.
    assert meeting not in permissions.outcome_visible_meetings(person)
    assert meeting in permissions.outcome_visible_meetings(co_chair(chaired))


def test_a_persons_groups_are_worked_out_once_per_user_object(django_assert_num_queries):
    groups = [WorkingGroupFactory() for _ in range(3)]
    person = participant(groups[0], role=Participation.Role.FOCAL_POINT)
    for group in groups[1:]:
        ParticipationFactory(person=person, group=group, member=person.affiliation)
    with django_assert_num_queries(2):
        permissions.role_in_group(person, groups[0])
    with django_assert_num_queries(0):
        assert [permissions.can_view_group(person, g) for g in groups] == [True] * 3


def test_a_clearance_that_lapses_is_noticed_on_the_same_user_object():
    group = WorkingGroupFactory(clearance_required=True)
    person = participant(
        group, clearance_level="Negative Vetting 1", clearance_expires_on=TODAY + DAY
    )
    assert permissions.can_view_group(person, group)
    person.clearance_expires_on = TODAY - DAY
    assert not permissions.can_view_group(person, group)
    assert not permissions.visible_groups(person).exists()


def test_access_helpers_still_answer_404_for_a_hidden_meeting_and_a_missing_one():
    group = WorkingGroupFactory(clearance_required=True)
    person = participant(group)
    hidden = MeetingFactory(kind="working_group", group=group, body="")
    for meeting_id in (hidden.pk, hidden.pk + 1000):
        with pytest.raises(Http404):
            permissions.get_meeting_for_user(person, meeting_id)
