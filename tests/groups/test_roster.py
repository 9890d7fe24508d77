"""The co-chair rules of the Terms of Reference, case by case."""

import datetime

import pytest

from groups import roster
from groups.models import CoChairTerm, Nomination
from meetings.models import Meeting
from tests.factories import MeetingFactory, MemberFactory, WorkingGroupFactory

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 11, 25)


@pytest.fixture
def world():
    """A group, six Ad Hoc Group members and the SOM that decides their terms."""
    som = MeetingFactory(
        kind=Meeting.Kind.SOM, starts_at=datetime.datetime(2020, 1, 1, 2, tzinfo=datetime.UTC)
    )
    members = {name: MemberFactory(name=name) for name in "ABCDEF"}
    return WorkingGroupFactory(), members, som


def make(world, spec):
    """Terms from (member, seat, start, end, extra fields) tuples, not saved."""
    group, members, som = world
    terms = []
    for member, seat, start, end, *extra in spec:
        fields = {"decided_at": som} | (extra[0] if extra else {})
        terms.append(
            CoChairTerm(
                group=group,
                member=members[member],
                seat=seat,
                starts_on=start,
                planned_end_on=end,
                **fields,
            )
        )
    return terms


def codes(world, spec, today=TODAY):
    group = world[0]
    return sorted(p.code for p in roster.check(group, make(world, spec), today))


# Seat 1 rotates at each new year of an even year, seat 2 at each odd one.
GOOD = [
    ("A", 1, D(2024, 1, 1), D(2025, 12, 31)),
    ("B", 2, D(2024, 1, 1), D(2024, 12, 31)),
    ("D", 2, D(2025, 1, 1), D(2026, 12, 31)),
    ("C", 1, D(2026, 1, 1), D(2027, 12, 31)),
    ("E", 2, D(2027, 1, 1), D(2027, 12, 31)),
]


def replace(spec, index, **changes):
    """The spec with one term changed: member, seat, start, end or extra fields."""
    member, seat, start, end, *extra = spec[index]
    row = (
        changes.pop("member", member),
        changes.pop("seat", seat),
        changes.pop("start", start),
        changes.pop("end", end),
        (extra[0] if extra else {}) | changes,
    )
    return [*spec[:index], row, *spec[index + 1 :]]


def test_a_well_kept_roster_has_no_problem(world):
    assert codes(world, GOOD) == []


# --- not_ahg_member ----------------------------------------------------------------


@pytest.mark.parametrize(
    "joined, left, expected",
    [
        (D(2026, 1, 1), None, []),  # joined on the day the term starts
        (D(2026, 1, 2), None, ["not_ahg_member"]),  # a day too late
        (None, None, ["not_ahg_member"]),  # never a member
        (D(2009, 4, 15), D(2025, 12, 31), ["not_ahg_member"]),  # left the day before
        (D(2009, 4, 15), D(2026, 1, 1), ["not_ahg_member"]),  # left on its first day
        (D(2009, 4, 15), D(2026, 12, 31), ["not_ahg_member"]),  # left in its middle
        (D(2009, 4, 15), D(2027, 12, 30), ["not_ahg_member"]),  # left a day before its end
        (D(2009, 4, 15), D(2027, 12, 31), []),  # a member until its last day
    ],
)
def test_co_chair_is_an_ahg_member_on_every_day_of_the_term(world, joined, left, expected):
    member = world[1]["C"]
    member.ahg_joined_on, member.ahg_left_on = joined, left
    assert codes(world, GOOD) == expected


# --- same_member_twice ---------------------------------------------------------------


def test_one_member_cannot_hold_both_seats(world):
    spec = replace(GOOD, 2, member="A")  # A takes seat 2 in 2025 while holding seat 1
    found = roster.check(world[0], make(world, spec), TODAY)
    assert sorted(p.code for p in found) == ["same_member_twice", "term_too_long"]
    [twice] = [p for p in found if p.code == "same_member_twice"]
    assert twice.message == (
        "A would hold two co-chair terms at once (seat 1 and seat 2) "
        "from 1 January 2025 to 31 December 2025."
    )


# --- more_than_two ---------------------------------------------------------------------


def test_never_more_than_two_terms_on_one_day(world):
    spec = [*GOOD, ("F", 1, D(2025, 9, 1), D(2025, 10, 31))]
    found = roster.check(world[0], make(world, spec), TODAY)
    assert [p.code for p in found] == ["more_than_two"]
    assert found[0].message == (
        "More than two co-chair terms run at once from 1 September 2025 to 31 October 2025 "
        "(A, D and F)."
    )


def test_terms_meeting_at_a_single_day_are_three_at_once(world):
    spec = replace(GOOD, 0, end=D(2026, 1, 1))  # A's last day is C's first
    assert codes(world, spec) == ["more_than_two", "term_too_long"]


# --- not_decided_at_som ----------------------------------------------------------------


def meeting(kind, day):
    return MeetingFactory(
        kind=kind,
        starts_at=datetime.datetime.combine(day, datetime.time(9), datetime.UTC),
        time_zone="UTC",
    )


@pytest.mark.parametrize(
    "kind, held_on, expected",
    [
        (Meeting.Kind.SOM, D(2026, 1, 1), []),  # decided on the day the term starts
        (Meeting.Kind.SOM, D(2026, 1, 2), ["not_decided_at_som"]),  # held after the start
        (Meeting.Kind.WORKING_GROUP, D(2025, 6, 1), ["not_decided_at_som"]),
        (Meeting.Kind.STEERING_GROUP, D(2025, 6, 1), ["not_decided_at_som"]),
        (None, None, ["not_decided_at_som"]),  # no deciding meeting recorded
    ],
)
def test_every_term_is_decided_at_a_som_held_by_its_start(world, kind, held_on, expected):
    decided_at = meeting(kind, held_on) if kind else None
    assert codes(world, replace(GOOD, 3, decided_at=decided_at)) == expected


def test_a_som_held_after_the_start_is_named_in_the_message(world):
    late = meeting(Meeting.Kind.SOM, D(2026, 3, 4))
    late.title = "Fourteenth AHG Senior Officials Meeting"
    [problem] = roster.check(world[0], make(world, replace(GOOD, 3, decided_at=late)), TODAY)
    assert problem.message == (
        "The term of C in seat 1 from 1 January 2026 is recorded as decided at the "
        "Fourteenth AHG Senior Officials Meeting of 4 March 2026, after the term started."
    )


# --- term_too_long ---------------------------------------------------------------------

BACK_TO_BACK = [
    ("A", 1, D(2024, 1, 1), D(2025, 6, 30)),
    ("A", 1, D(2025, 7, 1), D(2026, 1, 31)),  # the same member again, the next day
    ("B", 2, D(2024, 1, 1), D(2024, 12, 31)),
    ("D", 2, D(2025, 1, 1), D(2026, 1, 31)),
]


def test_back_to_back_terms_count_as_one_tenure(world):
    found = roster.check(world[0], make(world, BACK_TO_BACK), D(2024, 6, 1))
    assert [p.code for p in found] == ["term_too_long"]
    assert found[0].terms[0].starts_on == D(2025, 7, 1)
    assert found[0].message == (
        "A would co-chair continuously from 1 January 2024 to 31 January 2026, beyond the "
        "2-year maximum (until 31 December 2025), and no agreement of the members to extend "
        "it is recorded."
    )


def test_a_recorded_extension_agreement_allows_a_longer_tenure(world):
    agreement = {
        "extension_agreed_by": "Working group members, by consensus",
        "extension_agreed_on": D(2025, 3, 25),
        "extension_agreed_at": meeting(Meeting.Kind.WORKING_GROUP, D(2025, 3, 25)),
    }
    assert codes(world, replace(BACK_TO_BACK, 1, **agreement), D(2024, 6, 1)) == []


def test_a_break_between_terms_starts_a_new_tenure(world):
    spec = replace(BACK_TO_BACK, 1, start=D(2025, 7, 2))  # a day without A
    assert codes(world, spec, D(2024, 6, 1)) == ["gap"]


def test_the_maximum_comes_from_the_group(world):
    world[0].co_chair_max_years = 3
    assert codes(world, BACK_TO_BACK, D(2024, 6, 1)) == []


LEAP = [
    ("A", 1, D(2022, 3, 1), D(2024, 2, 29)),  # exactly two years, ending on 29 February
    ("B", 2, D(2022, 3, 1), D(2023, 2, 28)),
    ("D", 2, D(2023, 3, 1), D(2024, 2, 29)),
]


def test_a_two_year_term_may_end_on_29_february(world):
    assert codes(world, LEAP, D(2022, 6, 1)) == []


def test_a_term_one_day_past_29_february_is_too_long(world):
    spec = replace(LEAP, 0, end=D(2024, 3, 1))
    assert codes(world, spec, D(2022, 6, 1)) == ["gap", "term_too_long"]


def test_a_tenure_starting_on_29_february_runs_to_28_february():
    assert roster.last_day_of_tenure(D(2016, 2, 29), 2) == D(2018, 2, 28)
    assert roster.last_day_of_tenure(D(2016, 2, 29), 4) == D(2020, 2, 28)
    assert roster.last_day_of_tenure(D(2014, 8, 6), 2) == D(2016, 8, 5)


# --- not_staggered ---------------------------------------------------------------------


def with_handover_in_seat_2_on(day):
    return [
        ("A", 1, D(2024, 1, 1), D(2025, 12, 31)),
        ("C", 1, D(2026, 1, 1), D(2027, 12, 31)),
        ("B", 2, D(2024, 1, 1), day - datetime.timedelta(days=1), {"extension_agreed_by": "x"}),
        ("D", 2, day, D(2027, 12, 31)),
    ]


@pytest.fixture
def agreement(world):
    return {
        "extension_agreed_on": D(2025, 3, 25),
        "extension_agreed_at": meeting(Meeting.Kind.WORKING_GROUP, D(2025, 3, 25)),
    }


@pytest.mark.parametrize(
    "seat_2_changes_on, expected",
    [
        (D(2026, 4, 1), ["not_staggered"]),  # three months after seat 1
        (D(2026, 6, 30), ["not_staggered"]),  # a day short of six months
        (D(2026, 7, 1), []),  # six months to the day
    ],
)
def test_seats_pass_to_new_members_at_least_six_months_apart(
    world, agreement, seat_2_changes_on, expected
):
    spec = replace(with_handover_in_seat_2_on(seat_2_changes_on), 2, **agreement)
    assert codes(world, spec) == expected


def test_a_seat_renewed_by_the_same_member_does_not_change_hands(world, agreement):
    spec = with_handover_in_seat_2_on(D(2026, 4, 1))
    spec = replace(spec, 3, member="B", extension_agreed_by="members", **agreement)
    spec = replace(spec, 2, **agreement)
    assert codes(world, spec) == []


# --- gap ---------------------------------------------------------------------------------


def test_a_seat_left_empty_is_a_gap(world):
    spec = replace(GOOD, 2, end=D(2026, 6, 30))
    found = roster.check(world[0], make(world, spec), TODAY)
    assert [p.code for p in found] == ["gap"]
    assert found[0].message == (
        "From 1 July 2026 to 31 December 2026 the group has only C; "
        "the roster should always name two co-chairs."
    )
    assert not found[0].is_error


def test_the_roster_must_reach_twelve_months_ahead(world):
    found = roster.check(world[0], make(world, GOOD), D(2027, 6, 1))
    assert [(p.code, p.starts_on, p.ends_on) for p in found] == [
        ("gap", D(2028, 1, 1), D(2028, 6, 1))
    ]
    assert "no co-chair at all" in found[0].message


def test_a_group_without_terms_has_no_roster_problem(world):
    assert codes(world, []) == []


def test_errors_come_before_warnings(world):
    spec = replace(replace(GOOD, 2, end=D(2026, 6, 30)), 3, decided_at=None)
    assert [p.severity for p in roster.check(world[0], make(world, spec), TODAY)] == [
        "error",
        "warning",
    ]


# --- every day of a term, not only its first ------------------------------------------


def test_a_co_chair_leaving_the_ad_hoc_group_mid_term_is_an_error_from_the_next_day(world):
    world[1]["C"].ahg_left_on = D(2026, 12, 31)
    found = roster.check(world[0], make(world, GOOD), TODAY)
    assert [(p.code, p.starts_on, p.ends_on) for p in found] == [
        ("not_ahg_member", D(2027, 1, 1), D(2027, 12, 31))
    ]
    assert found[0].message == (
        "C leaves the Ad Hoc Group on 31 December 2026, during its term in seat 1 (until "
        "31 December 2027); only Ad Hoc Group members may co-chair, so the term must end by "
        "31 December 2026."
    )


def test_a_co_chair_ending_its_term_early_when_leaving_the_ad_hoc_group_is_no_error(world):
    world[1]["C"].ahg_left_on = D(2026, 12, 31)
    spec = replace(GOOD, 3, ended_on=D(2026, 12, 31))
    assert codes(world, spec, D(2026, 1, 1)) == ["gap"]  # seat 1 is then empty in 2027


@pytest.mark.parametrize(
    "change, expected",
    [
        # A third co-chair for one day in the middle of A's and D's terms.
        (
            lambda spec: [*spec, ("F", 2, D(2025, 6, 15), D(2025, 6, 15))],
            [("more_than_two", D(2025, 6, 15), D(2025, 6, 15))],
        ),
        # D's term ends early, in its middle: seat 2 is empty from the next day.
        (
            lambda spec: replace(spec, 2, ended_on=D(2026, 3, 31)),
            [("gap", D(2026, 4, 1), D(2026, 12, 31))],
        ),
        # A's term ends late, in the middle of C's: three at once, and A's tenure too long.
        (
            lambda spec: replace(spec, 0, ended_on=D(2026, 2, 15)),
            [
                ("more_than_two", D(2026, 1, 1), D(2026, 2, 15)),
                ("term_too_long", None, None),
            ],
        ),
        # Both seats end on the same day and pass to new members together.
        (
            lambda spec: replace(replace(spec, 2, end=D(2025, 12, 31)), 4, start=D(2026, 1, 1)),
            [("not_staggered", D(2026, 1, 1), D(2026, 1, 1))],
        ),
    ],
)
def test_the_rules_hold_on_days_in_the_middle_of_a_term(world, change, expected):
    spec = change(GOOD)
    found = roster.check(world[0], make(world, spec), D(2025, 1, 1))
    assert sorted((p.code, p.starts_on, p.ends_on) for p in found) == sorted(
        expected, key=lambda e: e[0]
    )


def test_a_nominee_leaving_the_ad_hoc_group_during_the_term_is_not_eligible(world):
    group, members, _ = world
    members["F"].ahg_left_on = D(2026, 6, 30)
    nomination = Nomination(group=group, member=members["F"], for_term_from=D(2026, 1, 1))
    rotation = roster.next_rotation(group, make(world, GOOD[:3]), [nomination], D(2025, 3, 1))
    [candidate] = rotation.candidates
    assert not candidate.eligible
    assert "F leaves the Ad Hoc Group on 30 June 2026" in candidate.problems[0].message


def test_a_term_ending_on_the_calendar_s_last_day_is_checked_without_overflow(world):
    spec = replace(GOOD, 4, end=datetime.date.max)
    found = codes(world, spec)
    assert "term_too_long" in found


# --- reading the roster ------------------------------------------------------------------


def test_next_rotation_is_the_seat_whose_last_term_ends_first(world):
    group = world[0]
    rotation = roster.next_rotation(group, make(world, GOOD[:3]), [], D(2025, 3, 1))
    assert (rotation.seat, rotation.starts_on, rotation.outgoing.member.name) == (
        1,
        D(2026, 1, 1),
        "A",
    )
    rotation = roster.next_rotation(group, make(world, GOOD), [], D(2026, 3, 1))
    # Both seats end on 31 December 2027: the longer-serving co-chair rotates first.
    assert (rotation.seat, rotation.outgoing.member.name) == (1, "C")


def test_a_vacant_seat_rotates_at_once(world):
    rotation = roster.next_rotation(world[0], make(world, GOOD[:1]), [], D(2024, 3, 1))
    assert (rotation.seat, rotation.outgoing, rotation.starts_on) == (2, None, D(2024, 3, 1))


def test_a_term_ending_soon_without_successor_is_reported(world):
    terms = make(world, GOOD)
    assert roster.ending_without_successor(terms, D(2027, 8, 1)) == [terms[3], terms[4]]
    assert roster.ending_without_successor(terms, D(2026, 8, 1)) == []
