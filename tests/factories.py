"""Factories for the portal's models: one place, used by every test."""

import datetime

import factory
from django.utils import timezone

from groups.models import (
    CoChairTerm,
    Member,
    Nomination,
    Participation,
    TermsOfReference,
    WorkingGroup,
)
from meetings.models import Meeting
from portal.accounts.models import User
from reports.models import Report
from workplans.models import Action, WorkPlan


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    name = factory.Sequence(lambda n: f"State {n}")
    slug = factory.Sequence(lambda n: f"state-{n}")
    kind = Member.Kind.STATE
    country = factory.Iterator(["AU", "ID", "TH", "NZ", "LK", "MY", "PH", "VN"])
    ahg_joined_on = datetime.date(2009, 4, 15)


class WorkingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingGroup

    name = factory.Sequence(lambda n: f"Working Group {n}")
    short_name = factory.Sequence(lambda n: f"WG-{n}")
    slug = factory.Sequence(lambda n: f"wg-{n}")
    purpose = "A network of experts."
    status = WorkingGroup.Status.ACTIVE
    established_on = datetime.date(2014, 8, 6)
    review_on = datetime.date(2016, 8, 6)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = factory.Sequence(lambda n: f"Last{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class SecretariatFactory(UserFactory):
    is_secretariat = True
    is_staff = True


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    person = factory.SubFactory(UserFactory)
    group = factory.SubFactory(WorkingGroupFactory)
    member = factory.SubFactory(MemberFactory)
    role = Participation.Role.EXPERT
    started_on = datetime.date(2015, 1, 1)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    kind = Meeting.Kind.SOM
    title = factory.Sequence(lambda n: f"Senior Officials Meeting {n}")
    body = Meeting.Body.AD_HOC_GROUP
    starts_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=400))
    ends_at = factory.LazyAttribute(lambda m: m.starts_at + datetime.timedelta(hours=8))
    time_zone = "Asia/Bangkok"


class TermsOfReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TermsOfReference

    group = factory.SubFactory(WorkingGroupFactory)
    version = factory.Sequence(lambda n: n + 1)
    summary = "As endorsed."
    text = "Purpose\nA network of experts."
    status = TermsOfReference.Status.ENDORSED
    endorsed_on = datetime.date(2014, 8, 6)


class CoChairTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoChairTerm

    group = factory.SubFactory(WorkingGroupFactory)
    member = factory.SubFactory(MemberFactory)
    seat = CoChairTerm.Seat.FIRST
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=100))
    planned_end_on = factory.LazyAttribute(lambda t: t.starts_on + datetime.timedelta(days=729))


def participant(group, *, role=Participation.Role.EXPERT, member=None, **user_fields):
    """A new person taking part in the group today, as the member's expert by default."""
    member = member or MemberFactory()
    person = UserFactory(affiliation=member, **user_fields)
    ParticipationFactory(person=person, group=group, member=member, role=role)
    return person


def co_chair(group, **user_fields):
    """A new person who is the focal point of a member holding a current co-chair term."""
    member = MemberFactory()
    CoChairTermFactory(group=group, member=member)
    return participant(group, role=Participation.Role.FOCAL_POINT, member=member, **user_fields)


class NominationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Nomination

    group = factory.SubFactory(WorkingGroupFactory)
    member = factory.SubFactory(MemberFactory)
    nominated_at = factory.LazyAttribute(
        lambda n: MeetingFactory(kind=Meeting.Kind.WORKING_GROUP, group=n.group, body="")
    )
    for_term_from = factory.LazyFunction(
        lambda: timezone.localdate() + datetime.timedelta(days=200)
    )


class WorkPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkPlan

    group = factory.SubFactory(WorkingGroupFactory)
    title = factory.Sequence(lambda n: f"Forward Work Plan {n}")
    period = "2015-17"
    slug = factory.Sequence(lambda n: f"plan-{n}")
    status = WorkPlan.Status.ADOPTED


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action
        skip_postgeneration_save = True

    plan = factory.SubFactory(WorkPlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    description = factory.Sequence(lambda n: f"Hold regional dialogue number {n}.")
    status = Action.Status.FOR_ACTION
    target_period = "2016/17"

    @factory.post_generation
    def lead_members(self, create, members):
        if create and members:
            self.lead_members.set(members)

    @factory.post_generation
    def funding_members(self, create, members):
        if create and members:
            self.funding_members.set(members)


def approved_outcome_record(meeting, **fields) -> Report:
    """A meeting's outcome record as its co-chairs left it once they had approved it."""
    return Report.objects.create(
        group=meeting.group,
        kind=Report.Kind.OUTCOME_RECORD,
        year=meeting.starts_at.year,
        meeting=meeting,
        status=Report.Status.APPROVED,
        approved_at=timezone.now(),
        approved_content_hash="0" * 64,
        **fields,
    )


def held_chatham_house_meeting(group, title: str, starts_at) -> Meeting:
    """A working-group meeting of one day, held under the Chatham House Rule, at which
    "Ms Speaker of Thailand" spoke: no output may name her."""
    from meetings.models import AgendaItem, Speaker

    meeting = MeetingFactory(
        kind=Meeting.Kind.WORKING_GROUP,
        group=group,
        body="",
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=8),
        status=Meeting.Status.HELD,
        chatham_house=True,
    )
    item = AgendaItem.objects.create(meeting=meeting, position=1, title="Tour de table")
    Speaker.objects.create(item=item, name="Ms Speaker of Thailand", affiliation="Thailand")
    return meeting
