import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from groups import services
from groups.models import CoChairTerm, Nomination
from meetings.models import Meeting
from tests.factories import (
    MeetingFactory,
    MemberFactory,
    NominationFactory,
    SecretariatFactory,
    WorkingGroupFactory,
    participant,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def som(days_ago=30):
    return MeetingFactory(
        kind=Meeting.Kind.SOM, starts_at=timezone.now() - datetime.timedelta(days=days_ago)
    )


@pytest.fixture
def group():
    """A group with two co-chairs serving today, rotating a year apart, decided at a SOM."""
    group = WorkingGroupFactory(short_name="WG-TIP")
    decided = som(400)
    for seat, name, start, end in [
        (1, "Australia", TODAY - 300 * DAY, TODAY + 400 * DAY),
        (2, "Indonesia", TODAY - 300 * DAY, TODAY + 60 * DAY),
        (2, "Thailand", TODAY + 61 * DAY, TODAY + 780 * DAY),
    ]:
        services.term_save(
            CoChairTerm(
                group=group,
                member=MemberFactory(name=name),
                seat=seat,
                starts_on=start,
                planned_end_on=end,
                decided_at=decided,
            )
        )
    return group


def term_form_data(member, **changes):
    data = {
        "member": member.pk,
        "seat": 1,
        "starts_on": (TODAY + 401 * DAY).isoformat(),
        "planned_end_on": (TODAY + 1000 * DAY).isoformat(),
        "decided_at": som().pk,
    }
    return data | changes


def test_roster_page_draws_each_term_and_lists_the_same_terms_in_a_table(client, group):
    client.force_login(participant(group))
    page = client.get(reverse("roster", args=[group.slug])).content.decode()
    svg = page.split("<svg")[1].split("</svg>")[0]
    assert svg.count('<g class="term term-') == 3
    assert "term-current" in svg and "term-planned" in svg
    assert 'role="img"' in page.split("<svg")[1].split(">")[0]
    table = page.split('aria-label="Co-chair terms"')[1].split("</table>")[0]
    assert table.count('<tr class="term-row') == 3
    assert "Australia" in table and "Thailand" in table
    assert "Add a co-chair term" not in page  # a member reads, the secretariat edits


def test_roster_page_lists_problems_and_highlights_them(client, group):
    CoChairTerm.objects.filter(member__name="Thailand").update(decided_at=None)
    client.force_login(SecretariatFactory())
    page = client.get(reverse("roster", args=[group.slug])).content.decode()
    assert "Error:</strong> The term of Thailand in seat 2" in page
    assert "records no AHG Senior Officials Meeting" in page
    assert "has-error" in page.split("<svg")[1]


def test_roster_page_suggests_the_next_rotation_with_nominations(client, group):
    NominationFactory(group=group, member=MemberFactory(name="Philippines"), seat=1)
    NominationFactory(group=group, member=MemberFactory(name="Canada", ahg_joined_on=None))
    client.force_login(participant(group))
    page = client.get(reverse("roster", args=[group.slug])).content.decode()
    rotation = page.split("Next rotation")[1].split("</section>")[0]
    starts = (TODAY + 401 * DAY).strftime("%-d %B %Y")
    assert f"<strong>Seat 1</strong> rotates next, from <strong>{starts}</strong>" in rotation
    assert "Philippines" in rotation and "eligible" in rotation
    assert "Canada" in rotation and "not eligible" in rotation


@pytest.mark.parametrize("extra_terms", [0, 10])
def test_roster_page_query_count_does_not_grow_with_terms(
    client, group, django_assert_max_num_queries, extra_terms
):
    decided = som(500)
    for i in range(extra_terms):
        start = TODAY - (2000 + 100 * (i + 1)) * DAY
        CoChairTerm.objects.create(
            group=group,
            member=MemberFactory(),
            seat=1 + i % 2,
            starts_on=start,
            planned_end_on=start + 50 * DAY,
            decided_at=decided,
        )
        NominationFactory(group=group)
    client.force_login(SecretariatFactory())
    with django_assert_max_num_queries(6):
        assert client.get(reverse("roster", args=[group.slug])).status_code == 200


def test_term_form_refuses_a_member_outside_the_ad_hoc_group(client, group):
    outsider = MemberFactory(name="Japan", ahg_joined_on=None)
    client.force_login(SecretariatFactory())
    response = client.post(reverse("term_create", args=[group.slug]), term_form_data(outsider))
    assert response.status_code == 200
    assert "Japan was not an Ad Hoc Group member" in str(response.context["form"].errors["member"])
    assert not CoChairTerm.objects.filter(member=outsider).exists()


def test_term_form_refuses_a_term_decided_after_it_starts_beside_the_meeting(client, group):
    client.force_login(SecretariatFactory())
    late = MeetingFactory(kind=Meeting.Kind.SOM, starts_at=timezone.now() + 500 * DAY)
    data = term_form_data(MemberFactory(name="Malaysia"), decided_at=late.pk)
    form = client.post(reverse("term_create", args=[group.slug]), data).context["form"]
    assert "after the term started" in str(form.errors["decided_at"])


def test_term_form_saves_a_good_term_and_shows_its_warnings(client, group):
    client.force_login(SecretariatFactory())
    data = term_form_data(MemberFactory(name="Malaysia"))
    response = client.post(reverse("term_create", args=[group.slug]), data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("roster", args=[group.slug])
    assert CoChairTerm.objects.filter(member__name="Malaysia").exists()
    shown = [str(m) for m in response.context["messages"]]
    assert shown[0] == "Saved the co-chair term of Malaysia."
    assert any("has only Malaysia" in m for m in shown[1:])  # seat 2 is empty at the end


def test_editing_a_term_to_break_a_rule_is_refused_and_keeps_the_old_values(client, group):
    term = CoChairTerm.objects.get(member__name="Australia")
    client.force_login(SecretariatFactory())
    data = term_form_data(term.member, starts_on=term.starts_on.isoformat())
    data["planned_end_on"] = (term.starts_on + 1000 * DAY).isoformat()
    data["decided_at"] = term.decided_at_id
    form = client.post(reverse("term_edit", args=[group.slug, term.pk]), data).context["form"]
    assert "beyond the 2-year maximum" in str(form.errors["planned_end_on"])
    term.refresh_from_db()
    assert term.planned_end_on == TODAY + 400 * DAY


def test_the_admin_refuses_the_same_errors(client, group):
    client.force_login(SecretariatFactory())
    outsider = MemberFactory(name="Japan", ahg_joined_on=None)
    data = term_form_data(outsider) | {"group": group.pk}
    data = {k: v for k, v in data.items()} | {"extension_agreed_by": ""}
    response = client.post(reverse("admin:groups_cochairterm_add"), data)
    assert response.status_code == 200
    assert "Japan was not an Ad Hoc Group member" in response.content.decode()
    assert not CoChairTerm.objects.filter(member=outsider).exists()


def test_nomination_becomes_a_term_in_one_step_and_closes_its_rivals(client, group):
    annual = MeetingFactory(kind=Meeting.Kind.WORKING_GROUP, group=group, body="")
    client.force_login(SecretariatFactory())
    starts = TODAY + 401 * DAY
    for name in ["Philippines", "Malaysia"]:
        response = client.post(
            reverse("nomination_create", args=[group.slug]),
            {
                "member": MemberFactory(name=name).pk,
                "nominated_at": annual.pk,
                "seat": 1,
                "for_term_from": starts.isoformat(),
            },
        )
        assert response.status_code == 302
    chosen = Nomination.objects.get(member__name="Philippines")
    url = reverse("nomination_decide", args=[group.slug, chosen.pk])
    form = client.get(url).context["form"]
    assert form.initial["seat"] == 1 and form.initial["starts_on"] == starts

    decision = som(5)
    response = client.post(
        url,
        {
            "decided_at": decision.pk,
            "seat": 1,
            "starts_on": starts.isoformat(),
            "planned_end_on": (starts + 729 * DAY).isoformat(),
        },
    )
    assert response.status_code == 302
    chosen.refresh_from_db()
    assert chosen.outcome == "accepted" and chosen.term.decided_at == decision
    assert chosen.term.member.name == "Philippines" and chosen.term.seat == 1
    rival = Nomination.objects.get(member__name="Malaysia")
    assert rival.outcome == "declined" and "Philippines was chosen" in rival.note
    assert [h.outcome for h in chosen.history.order_by("history_date")] == ["pending", "accepted"]


def test_a_decision_that_breaks_a_rule_is_refused_and_the_nomination_stays_pending(client, group):
    nomination = NominationFactory(group=group, member=CoChairTerm.objects.get(seat=1).member)
    client.force_login(SecretariatFactory())
    response = client.post(
        reverse("nomination_decide", args=[group.slug, nomination.pk]),
        {
            "decided_at": som().pk,
            "seat": 2,
            "starts_on": (TODAY + 61 * DAY).isoformat(),
            "planned_end_on": (TODAY + 100 * DAY).isoformat(),
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert any("Australia would hold two co-chair terms at once" in e for e in errors)
    nomination.refresh_from_db()
    assert nomination.outcome == "pending" and nomination.term is None


def test_a_nomination_can_be_withdrawn_once(client, group):
    nomination = NominationFactory(group=group)
    client.force_login(SecretariatFactory())
    url = reverse("nomination_close", args=[group.slug, nomination.pk])
    client.post(url, {"outcome": "withdrawn"})
    nomination.refresh_from_db()
    assert nomination.outcome == "withdrawn"
    response = client.post(url, {"outcome": "declined"}, follow=True)
    assert "already Withdrawn" in response.content.decode()


def test_nomination_must_be_made_at_a_meeting_of_the_group(client, group):
    elsewhere = MeetingFactory(
        kind=Meeting.Kind.WORKING_GROUP, group=WorkingGroupFactory(), body=""
    )
    client.force_login(SecretariatFactory())
    response = client.post(
        reverse("nomination_create", args=[group.slug]),
        {"member": MemberFactory().pk, "nominated_at": elsewhere.pk, "for_term_from": "2030-01-01"},
    )
    assert "nominated_at" in response.context["form"].errors
    assert not Nomination.objects.exists()


def test_secretariat_home_lists_roster_problems_and_terms_ending_without_successor(client, group):
    CoChairTerm.objects.filter(member__name="Thailand").delete()
    client.force_login(SecretariatFactory())
    page = html.unescape(client.get(reverse("home")).content.decode())
    ends = (TODAY + 60 * DAY).strftime("%-d %B %Y")
    assert f"Indonesia's co-chair term (seat 2) ends on {ends} with no successor" in page
    assert "The co-chair roster has" not in page
    assert reverse("roster", args=[group.slug]) in page


def alerts(page: str) -> list[str]:
    """The home page's alerts as read: the group, then what needs the secretariat."""
    section = page.split('<ul class="alerts">')[1].split("</ul>")[0]
    return [
        " ".join(html.unescape(re.sub(r"<[^>]+>", "", item)).split())
        for item in section.split("<li>")[1:]
    ]


def test_secretariat_home_names_each_roster_problem_and_links_it_to_the_roster(client, group):
    CoChairTerm.objects.filter(member__name="Thailand").update(decided_at=None)
    client.force_login(SecretariatFactory())
    page = client.get(reverse("home")).content.decode()
    roster_link = f'<a href="{reverse("roster", args=[group.slug])}">WG-TIP</a>'
    starts = (TODAY + 61 * DAY).strftime("%-d %B %Y")
    assert (
        f"WG-TIP: The term of Thailand in seat 2 from {starts} records no AHG Senior Officials "
        "Meeting that decided it."
    ) in alerts(page)
    assert page.count(roster_link) == len([a for a in alerts(page) if "Thailand" in a])


def test_secretariat_home_leaves_out_warnings_that_are_over(client, group):
    # Seat 2 was empty for a month last year: the roster page still tells, the home page not.
    services.term_save(
        CoChairTerm(
            group=group,
            member=MemberFactory(name="Fiji"),
            seat=2,
            starts_on=TODAY - 700 * DAY,
            planned_end_on=TODAY - 331 * DAY,
            decided_at=som(800),
        )
    )
    client.force_login(SecretariatFactory())
    roster_page = html.unescape(client.get(reverse("roster", args=[group.slug])).content.decode())
    assert "the group has only Fiji" in roster_page
    home = alerts(client.get(reverse("home")).content.decode())
    assert not any("Fiji" in a for a in home)
