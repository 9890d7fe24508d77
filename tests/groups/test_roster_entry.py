"""The roster's rules where a nomination, a decision or a term enters: the service and the page."""

import datetime
import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from groups import roster, services
from groups.models import CoChairTerm, Nomination
from meetings.models import Meeting
from tests.factories import (
    MeetingFactory,
    MemberFactory,
    NominationFactory,
    SecretariatFactory,
    WorkingGroupFactory,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
RANGE = "Enter a date between 1900 and 2100."


def meeting_on(day: datetime.date, **fields) -> Meeting:
    """A meeting at noon, Bangkok time, on the day."""
    starts = datetime.datetime.combine(
        day, datetime.time(12), tzinfo=timezone.get_current_timezone()
    )
    return MeetingFactory(starts_at=starts, **fields)


def annual_meeting(group, day=TODAY - 60 * DAY, **fields) -> Meeting:
    return meeting_on(day, kind=Meeting.Kind.WORKING_GROUP, group=group, body="", **fields)


@pytest.fixture
def group():
    return WorkingGroupFactory(short_name="WG-TIP")


@pytest.fixture
def secretariat(client):
    client.force_login(SecretariatFactory())
    return client


def record(group, **changes) -> Nomination:
    arguments = {"nominated_at": annual_meeting(group), "for_term_from": TODAY + 200 * DAY}
    if "member" not in changes:
        arguments["member"] = MemberFactory(name="Thailand")
    return services.nomination_record(group=group, seat=1, **(arguments | changes))


def refusal(error: pytest.ExceptionInfo) -> dict[str, str]:
    return {field: " ".join(messages) for field, messages in error.value.message_dict.items()}


# --- nominations -----------------------------------------------------------------------


def test_a_nomination_of_a_member_outside_the_ad_hoc_group_is_refused(group):
    outsider = MemberFactory(name="Japan", ahg_joined_on=None)
    with pytest.raises(ValidationError) as error:
        record(group, member=outsider)
    assert "Japan is not an Ad Hoc Group member on" in refusal(error)["member"]
    assert not Nomination.objects.exists()


def test_a_nomination_of_a_member_that_has_left_the_ad_hoc_group_by_the_term_is_refused(group):
    leaving = MemberFactory(name="Nauru", ahg_left_on=TODAY + 100 * DAY)
    with pytest.raises(ValidationError) as error:
        record(group, member=leaving, for_term_from=TODAY + 101 * DAY)
    assert "Nauru is not an Ad Hoc Group member" in refusal(error)["member"]
    assert record(group, member=leaving, for_term_from=TODAY + 100 * DAY).member == leaving


def test_a_nomination_made_at_a_meeting_not_yet_held_is_refused(group):
    coming = annual_meeting(group, TODAY + 30 * DAY, title="WG-TIP annual meeting 2027")
    with pytest.raises(ValidationError) as error:
        record(group, nominated_at=coming)
    assert "The WG-TIP annual meeting 2027 has not been held yet" in refusal(error)["nominated_at"]
    assert not Nomination.objects.exists()


def test_a_nomination_made_at_a_cancelled_meeting_is_refused(group):
    cancelled = annual_meeting(group, status=Meeting.Status.CANCELLED)
    with pytest.raises(ValidationError) as error:
        record(group, nominated_at=cancelled)
    assert "was cancelled" in refusal(error)["nominated_at"]


@pytest.mark.parametrize("day", [datetime.date(9999, 12, 31), datetime.date(1899, 12, 31)])
def test_a_nomination_for_a_term_outside_1900_to_2100_is_refused(group, day):
    with pytest.raises(ValidationError) as error:
        record(group, for_term_from=day)
    assert refusal(error) == {"for_term_from": RANGE}


def test_the_nomination_page_refuses_an_outsider_beside_the_member(secretariat, group):
    outsider = MemberFactory(name="Japan", ahg_joined_on=None)
    data = {
        "member": outsider.pk,
        "nominated_at": annual_meeting(group).pk,
        "for_term_from": (TODAY + 200 * DAY).isoformat(),
    }
    response = secretariat.post(reverse("nomination_create", args=[group.slug]), data)
    assert response.status_code == 200
    assert "Japan is not an Ad Hoc Group member" in str(response.context["form"].errors["member"])
    assert not Nomination.objects.exists()


def test_the_nomination_page_refuses_a_meeting_not_yet_held_beside_the_meeting(secretariat, group):
    data = {
        "member": MemberFactory().pk,
        "nominated_at": annual_meeting(group, TODAY + 30 * DAY).pk,
        "for_term_from": (TODAY + 200 * DAY).isoformat(),
    }
    response = secretariat.post(reverse("nomination_create", args=[group.slug]), data)
    assert "has not been held yet" in str(response.context["form"].errors["nominated_at"])
    assert not Nomination.objects.exists()


def test_the_nomination_page_answers_a_year_9999_term_with_a_form_error(secretariat, group):
    data = {
        "member": MemberFactory().pk,
        "nominated_at": annual_meeting(group).pk,
        "for_term_from": "9999-12-31",
    }
    response = secretariat.post(reverse("nomination_create", args=[group.slug]), data)
    assert response.status_code == 200
    assert response.context["form"].errors["for_term_from"] == [RANGE]
    assert not Nomination.objects.exists()


# --- SOM decisions ---------------------------------------------------------------------


@pytest.fixture
def nomination(group):
    """Thailand, nominated 60 days ago for seat 1 from 200 days on."""
    return record(group)


def decide(nomination, decided_at, **changes):
    arguments = {
        "decided_at": decided_at,
        "seat": 1,
        "starts_on": nomination.for_term_from,
        "planned_end_on": nomination.for_term_from + 729 * DAY,
    }
    return services.nomination_decide(nomination, **(arguments | changes))


def som_on(day, **fields) -> Meeting:
    return meeting_on(day, kind=Meeting.Kind.SOM, **fields)


def test_a_decision_at_a_som_held_before_the_nomination_is_refused(nomination):
    old = som_on(TODAY - 3 * 365 * DAY, title="Sixth SOM")
    with pytest.raises(ValidationError) as error:
        decide(nomination, old)
    message = refusal(error)["decided_at"]
    assert "The Sixth SOM of" in message and "was held before the nomination was made" in message
    nomination.refresh_from_db()
    assert nomination.outcome == Nomination.Outcome.PENDING
    assert not CoChairTerm.objects.exists()


def test_a_decision_at_a_som_after_the_term_starts_is_refused(nomination):
    late = som_on(nomination.for_term_from + DAY, title="Late SOM")
    with pytest.raises(ValidationError) as error:
        decide(nomination, late)
    assert "comes after the term would start" in refusal(error)["decided_at"]
    assert not CoChairTerm.objects.exists()


def test_a_decision_at_a_cancelled_som_is_refused(nomination):
    cancelled = som_on(TODAY - DAY, status=Meeting.Status.CANCELLED)
    with pytest.raises(ValidationError) as error:
        decide(nomination, cancelled)
    assert "was cancelled" in refusal(error)["decided_at"]


@pytest.mark.parametrize("offset", ["nominated", "term_start"])
def test_a_som_on_the_day_of_the_nomination_or_of_the_term_start_may_decide(nomination, offset):
    day = (
        nomination.nominated_at.local_start.date()
        if offset == "nominated"
        else nomination.for_term_from
    )
    term, _ = decide(nomination, som_on(day))
    assert term.nomination == nomination


def test_a_coming_som_is_added_with_the_decision(nomination):
    coming = Meeting(
        kind=Meeting.Kind.SOM,
        body=Meeting.Body.AD_HOC_GROUP,
        title="Eighteenth SOM",
        starts_at=timezone.now() + 30 * DAY,
        ends_at=timezone.now() + 30 * DAY + datetime.timedelta(hours=8),
    )
    term, _ = decide(nomination, coming)
    assert term.decided_at.title == "Eighteenth SOM" and term.decided_at.pk is not None


def test_a_refused_decision_does_not_add_its_coming_som(nomination):
    # The SOM is fine; the term is not (it ends before it starts).
    coming = Meeting(
        kind=Meeting.Kind.SOM,
        body=Meeting.Body.AD_HOC_GROUP,
        title="Eighteenth SOM",
        starts_at=timezone.now() + 30 * DAY,
        ends_at=timezone.now() + 30 * DAY + datetime.timedelta(hours=8),
    )
    with pytest.raises(ValidationError):
        decide(nomination, coming, planned_end_on=nomination.for_term_from - DAY)
    assert not Meeting.objects.filter(title="Eighteenth SOM").exists()
    assert not CoChairTerm.objects.exists()


def test_a_decision_for_a_term_ending_in_9999_is_refused(nomination):
    with pytest.raises(ValidationError) as error:
        decide(nomination, som_on(TODAY), planned_end_on=datetime.date(9999, 12, 31))
    assert refusal(error) == {"planned_end_on": RANGE}


def decision_url(nomination):
    return reverse("nomination_decide", args=[nomination.group.slug, nomination.pk])


def decision_data(nomination, **changes):
    data = {
        "seat": 1,
        "starts_on": nomination.for_term_from.isoformat(),
        "planned_end_on": (nomination.for_term_from + 729 * DAY).isoformat(),
        "som_time_zone": "Asia/Bangkok",
    }
    return data | changes


def test_the_decision_page_refuses_an_old_som_beside_it_and_shows_the_error_once(
    secretariat, nomination
):
    old = som_on(TODAY - 3 * 365 * DAY, title="Sixth SOM")
    response = secretariat.post(
        decision_url(nomination), decision_data(nomination, decided_at=old.pk)
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["decided_at"]
    assert "was held before the nomination was made" in str(errors)
    assert html.unescape(response.content.decode()).count("was held before the nomination") == 1
    assert not CoChairTerm.objects.exists()


def test_the_decision_page_shows_an_error_above_the_form_once(secretariat, group, nomination):
    # Thailand already co-chairs seat 2 then: the roster refuses the second seat.
    services.term_save(
        CoChairTerm(
            group=group,
            member=nomination.member,
            seat=2,
            starts_on=nomination.for_term_from,
            planned_end_on=nomination.for_term_from + 300 * DAY,
            decided_at=som_on(TODAY - DAY),
        )
    )
    data = decision_data(nomination, decided_at=som_on(TODAY).pk)
    response = secretariat.post(decision_url(nomination), data)
    page = html.unescape(response.content.decode())
    assert page.count("Thailand would hold two co-chair terms at once") == 1
    assert '<div role="alert">' in page.split("Thailand would hold two")[0][-200:]


def test_the_decision_page_adds_the_coming_som_in_place(secretariat, nomination):
    som_day = TODAY + 20 * DAY
    data = decision_data(
        nomination,
        som_title="Eighteenth Ad Hoc Group Senior Officials Meeting",
        som_starts_on=som_day.isoformat(),
        som_ends_on=(som_day + DAY).isoformat(),
        som_city="Bangkok",
        som_country="TH",
    )
    response = secretariat.post(decision_url(nomination), data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("roster", args=[nomination.group.slug])
    som = Meeting.objects.get(title="Eighteenth Ad Hoc Group Senior Officials Meeting")
    assert som.kind == Meeting.Kind.SOM and som.body == Meeting.Body.AD_HOC_GROUP
    assert som.local_start.date() == som_day and som.ends_at.astimezone(som.zone).date() == (
        som_day + DAY
    )
    assert som.city == "Bangkok" and som.status == Meeting.Status.PLANNED
    nomination.refresh_from_db()
    assert nomination.term.decided_at == som
    shown = [str(m) for m in response.context["messages"]]
    assert shown[0].startswith("Added the Eighteenth Ad Hoc Group Senior Officials Meeting of")


def test_a_coming_som_after_the_term_starts_is_refused_beside_its_date(secretariat, nomination):
    late = nomination.for_term_from + 10 * DAY
    data = decision_data(nomination, som_title="Late SOM", som_starts_on=late.isoformat())
    response = secretariat.post(decision_url(nomination), data)
    assert "comes after the term would start" in str(
        response.context["form"].errors["som_starts_on"]
    )
    assert not Meeting.objects.filter(title="Late SOM").exists()
    assert not CoChairTerm.objects.exists()


def test_the_decision_page_needs_a_som_chosen_or_described(secretariat, nomination):
    response = secretariat.post(decision_url(nomination), decision_data(nomination))
    assert "Choose the SOM that decides the term" in str(
        response.context["form"].errors["decided_at"]
    )
    data = decision_data(nomination, decided_at=som_on(TODAY).pk, som_title="Another SOM")
    response = secretariat.post(decision_url(nomination), data)
    assert "not both" in str(response.context["form"].non_field_errors())
    described = decision_data(nomination, som_city="Bangkok")
    errors = secretariat.post(decision_url(nomination), described).context["form"].errors
    assert "Enter the coming SOM's title." in errors["som_title"]
    assert "Enter the coming SOM's first day." in errors["som_starts_on"]
    assert not CoChairTerm.objects.exists()


@pytest.mark.parametrize("field", ["starts_on", "planned_end_on", "som_starts_on"])
def test_the_decision_page_answers_a_year_9999_date_with_a_form_error(
    secretariat, nomination, field
):
    data = decision_data(nomination, decided_at=som_on(TODAY).pk) | {field: "9999-12-31"}
    if field == "som_starts_on":
        data = data | {"decided_at": "", "som_title": "Far SOM"}
    response = secretariat.post(decision_url(nomination), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [RANGE]
    assert not CoChairTerm.objects.exists() and not Meeting.objects.filter(title="Far SOM").exists()


# --- terms -----------------------------------------------------------------------------


def a_term(group, **changes) -> CoChairTerm:
    fields = {
        "group": group,
        "member": MemberFactory(name="Australia"),
        "seat": 1,
        "starts_on": TODAY,
        "planned_end_on": TODAY + 700 * DAY,
        "decided_at": som_on(TODAY - DAY),
    }
    return CoChairTerm(**(fields | changes))


@pytest.mark.parametrize(
    "field, day",
    [
        ("planned_end_on", datetime.date(9999, 12, 31)),
        ("ended_on", datetime.date(2101, 1, 1)),
        ("starts_on", datetime.date(1899, 12, 31)),
    ],
)
def test_a_term_dated_outside_1900_to_2100_is_refused_by_the_service(group, field, day):
    with pytest.raises(ValidationError) as error:
        services.term_save(a_term(group, **{field: day}))
    assert RANGE in refusal(error)[field]
    assert not CoChairTerm.objects.exists()


def term_data(group, **changes):
    data = {
        "member": MemberFactory().pk,
        "seat": 1,
        "starts_on": TODAY.isoformat(),
        "planned_end_on": (TODAY + 700 * DAY).isoformat(),
        "decided_at": som_on(TODAY - DAY).pk,
    }
    return data | changes


@pytest.mark.parametrize("field", ["planned_end_on", "ended_on"])
def test_the_term_page_answers_a_term_ending_9999_12_31_with_a_form_error(
    secretariat, group, field
):
    data = term_data(group, **{field: "9999-12-31"})
    response = secretariat.post(reverse("term_create", args=[group.slug]), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [RANGE]
    assert not CoChairTerm.objects.exists()


def test_the_back_office_answers_a_term_ending_9999_12_31_with_a_form_error(secretariat, group):
    data = term_data(group, planned_end_on="9999-12-31") | {"group": group.pk}
    response = secretariat.post(reverse("admin:groups_cochairterm_add"), data)
    assert response.status_code == 200
    assert RANGE in response.content.decode()
    assert not CoChairTerm.objects.exists()


def test_a_term_refused_on_the_term_page_shows_its_error_once(secretariat, group):
    data = term_data(group, planned_end_on=(TODAY - DAY).isoformat())
    page = html.unescape(
        secretariat.post(reverse("term_create", args=[group.slug]), data).content.decode()
    )
    assert page.count("A co-chair term cannot end before it starts.") == 1


def test_a_term_stored_ending_9999_12_31_is_read_back_on_every_page(secretariat, group):
    # Stored before dates were bounded: the pages must still read it.
    end_of_calendar = datetime.date(9999, 12, 31)
    term = CoChairTerm.objects.create(
        group=group,
        member=MemberFactory(name="Australia"),
        seat=1,
        starts_on=TODAY - 100 * DAY,
        planned_end_on=end_of_calendar,
        decided_at=som_on(TODAY - 200 * DAY),
    )
    late = NominationFactory(group=group, for_term_from=end_of_calendar)
    assert "beyond the 2-year maximum" in " ".join(p.message for p in roster.check(group))
    assert roster.next_rotation(group, [term], [late]).seat == 2
    for url in [
        reverse("roster", args=[group.slug]),
        reverse("home"),
        decision_url(late),
        reverse("group_detail", args=[group.slug]),
    ]:
        assert secretariat.get(url).status_code == 200, url


def test_roster_arithmetic_stays_within_the_calendar():
    end = datetime.date(9999, 12, 31)
    assert roster.add_months(datetime.date(9999, 8, 31), 6) == end
    assert roster.anniversary(datetime.date(9999, 1, 1), 2) == end
    assert roster.last_day_of_tenure(datetime.date(9998, 6, 1), 2) == end
    assert roster.day_after(end) == end
