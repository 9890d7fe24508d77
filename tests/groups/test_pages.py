import pytest
from django.urls import reverse

from groups.models import Participation
from tests.factories import (
    MemberFactory,
    SecretariatFactory,
    TermsOfReferenceFactory,
    UserFactory,
    WorkingGroupFactory,
    co_chair,
    participant,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def group():
    return WorkingGroupFactory(name="Working Group on Trafficking in Persons", short_name="WG-TIP")


def test_group_page_shows_purpose_tor_co_chairs_and_participants(client, group):
    TermsOfReferenceFactory(group=group, version=1, summary="As endorsed in 2014")
    TermsOfReferenceFactory(
        group=group, version=2, status="draft", endorsed_on=None, summary="Review draft"
    )
    chair = co_chair(group, first_name="Grace", last_name="Whitfield")
    expert = participant(group, first_name="Somchai", last_name="Rattanakul")
    client.force_login(expert)

    page = client.get(reverse("group_detail", args=[group.slug])).content.decode()

    assert "Working Group on Trafficking in Persons" in page
    assert "A network of experts." in page
    assert "Current: <a" in page and "version 1</a>" in page  # the endorsed one, not the draft
    assert "Review draft" in page and "As endorsed in 2014" in page
    assert chair.affiliation.name in page.split("Current co-chairs")[1].split("</section>")[0]
    assert "Grace Whitfield" in page and "Somchai Rattanakul" in page
    participants = page.split("Participants by member")[-1]
    chair_row = participants.split(chair.affiliation.name)[1].split("</th>")[0]
    expert_row = participants.split(expert.affiliation.name)[1].split("</th>")[0]
    assert "Co-chair" in chair_row and "Co-chair" not in expert_row


def test_group_page_hides_ended_participations(client, group):
    expert = participant(group)
    gone = participant(group, first_name="Former", last_name="Expert")
    Participation.objects.filter(person=gone).update(started_on="2015-01-01", ended_on="2016-01-01")
    client.force_login(expert)
    assert (
        "Former Expert"
        not in client.get(reverse("group_detail", args=[group.slug])).content.decode()
    )


def test_member_of_other_group_gets_404(client, group):
    other = WorkingGroupFactory()
    client.force_login(participant(other))
    assert client.get(reverse("group_detail", args=[group.slug])).status_code == 404
    tor = TermsOfReferenceFactory(group=group)
    url = reverse("terms_of_reference_detail", args=[group.slug, tor.version])
    assert client.get(url).status_code == 404


def test_stranger_is_sent_to_sign_in(client, group):
    response = client.get(reverse("group_detail", args=[group.slug]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_uncleared_participant_of_clearance_group_gets_404_everywhere(client):
    secret = WorkingGroupFactory(short_name="WG-DCN", clearance_required=True)
    person = participant(secret)
    client.force_login(person)
    assert client.get(reverse("group_detail", args=[secret.slug])).status_code == 404
    for name in ["home", "group_list", "profile"]:
        assert "WG-DCN" not in client.get(reverse(name)).content.decode()
    member_page = client.get(reverse("member_detail", args=[person.affiliation.slug]))
    assert "WG-DCN" not in member_page.content.decode()


def test_home_lists_visible_groups_with_their_co_chairs(client, group):
    chair = co_chair(group)
    WorkingGroupFactory(short_name="WG-HIDDEN")
    client.force_login(chair)
    page = client.get(reverse("home")).content.decode()
    assert "WG-TIP" in page and chair.affiliation.name in page
    assert "WG-HIDDEN" not in page


def test_secretariat_home_flags_groups_past_review_and_without_recent_meetings(client, group):
    client.force_login(SecretariatFactory())
    page = client.get(reverse("home")).content.decode()
    assert "Review date 6 August 2016 has passed." in page
    assert "Has no meeting on record." in page


def test_member_list_separates_ahg_members_other_members_and_observers(client):
    MemberFactory(name="Australia")
    MemberFactory(name="Japan", ahg_joined_on=None)
    MemberFactory(name="Canada", ahg_joined_on=None, is_observer=True)
    client.force_login(UserFactory())
    page = client.get(reverse("member_list")).content.decode()
    ahg, rest = page.split("<caption>Other Bali Process members")
    members, observers = rest.split("<caption>Observers")
    assert "Australia" in ahg and "Japan" in members and "Canada" in observers


def test_missing_member_is_404(client):
    client.force_login(UserFactory())
    assert client.get(reverse("member_detail", args=["atlantis"])).status_code == 404


@pytest.mark.parametrize("extra", [1, 12])
def test_group_page_query_count_does_not_grow_with_participants(
    client, group, django_assert_max_num_queries, extra
):
    TermsOfReferenceFactory.create_batch(extra, group=group)
    for _ in range(extra):
        co_chair(group)
        participant(group)
    for person in [SecretariatFactory(), participant(group)]:
        client.force_login(person)
        # The page lists the group's meetings the person may see: two more queries.
        with django_assert_max_num_queries(11):
            assert client.get(reverse("group_detail", args=[group.slug])).status_code == 200


@pytest.mark.parametrize("extra", [1, 12])
def test_list_pages_query_counts_do_not_grow(client, django_assert_max_num_queries, extra):
    for _ in range(extra):
        group = WorkingGroupFactory()
        co_chair(group)
        participant(group)
    expert = participant(group)
    tor = TermsOfReferenceFactory(group=group)
    for person in [SecretariatFactory(), expert]:
        client.force_login(person)
        # Home also reads every co-chair term (secretariat), the meetings ahead with their
        # answers, the reports waiting (with their approvers and approvals), the actions
        # needing attention, proposals and failed renderings: a panel per role, each a
        # fixed number of queries (tests/portal/test_homes.py). The profile's form reads the
        # person afresh and the version it edits: two more; and its second factor, whether
        # an app is set up and how many recovery codes are left: two more.
        for name, limit in [("home", 15), ("group_list", 5), ("member_list", 5), ("profile", 9)]:
            with django_assert_max_num_queries(limit):
                assert client.get(reverse(name)).status_code == 200
        for url in [
            reverse("member_detail", args=[expert.affiliation.slug]),
            reverse("terms_of_reference_detail", args=[group.slug, tor.version]),
        ]:
            with django_assert_max_num_queries(5):
                assert client.get(url).status_code == 200
