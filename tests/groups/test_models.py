import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from groups.models import Member, TermsOfReference
from tests.factories import (
    MeetingFactory,
    MemberFactory,
    ParticipationFactory,
    TermsOfReferenceFactory,
    UserFactory,
    WorkingGroupFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "values",
    [
        {"kind": Member.Kind.STATE, "country": ""},
        {"kind": Member.Kind.ORGANISATION, "country": "TH"},
        {"is_observer": True, "ahg_joined_on": datetime.date(2010, 1, 1)},
    ],
    ids=["state-without-country", "organisation-with-country", "observer-in-ahg"],
)
def test_member_rules_are_enforced_by_the_form_and_the_database(values):
    member = MemberFactory.build(**values)
    with pytest.raises(ValidationError):
        member.full_clean()
    with pytest.raises(IntegrityError):
        member.save()


def test_an_unknown_iso_code_is_refused():
    with pytest.raises(ValidationError, match="country"):
        MemberFactory.build(country="XX").full_clean()


def test_endorsed_terms_of_reference_need_their_date_and_a_meeting_on_or_before_it():
    group = WorkingGroupFactory()
    with pytest.raises(ValidationError):
        TermsOfReferenceFactory.build(group=group, endorsed_on=None).full_clean()
    late = MeetingFactory(starts_at=datetime.datetime(2014, 9, 1, tzinfo=datetime.UTC))
    tor = TermsOfReferenceFactory.build(
        group=group, endorsed_on=datetime.date(2014, 8, 6), endorsed_at=late
    )
    with pytest.raises(ValidationError, match="starts after the endorsement date"):
        tor.full_clean()


def test_versions_of_terms_of_reference_are_unique_per_group():
    tor = TermsOfReferenceFactory()
    with pytest.raises(IntegrityError):
        TermsOfReferenceFactory(group=tor.group, version=tor.version)


def test_participation_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError):
        ParticipationFactory(
            started_on=datetime.date(2020, 1, 2), ended_on=datetime.date(2020, 1, 1)
        )


def test_review_date_must_follow_establishment():
    with pytest.raises(IntegrityError):
        WorkingGroupFactory(
            established_on=datetime.date(2014, 8, 6), review_on=datetime.date(2014, 1, 1)
        )


def test_edits_keep_their_history_with_who_and_what():
    group = WorkingGroupFactory(status="proposed")
    group.status = "active"
    group.save()
    statuses = [h.status for h in group.history.order_by("history_date")]
    assert statuses == ["proposed", "active"]
    tor = TermsOfReferenceFactory(group=group, status=TermsOfReference.Status.ENDORSED)
    assert tor.history.count() == 1


def test_clearance_is_valid_through_its_last_day():
    person = UserFactory.build(
        clearance_level="NV1", clearance_expires_on=datetime.date(2026, 3, 31)
    )
    assert person.has_valid_clearance(on=datetime.date(2026, 3, 31))
    assert not person.has_valid_clearance(on=datetime.date(2026, 4, 1))
    assert not UserFactory.build().has_valid_clearance()
