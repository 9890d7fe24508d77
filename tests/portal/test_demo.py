import datetime
import io

import pytest
from django.apps import apps
from django.core.management import call_command

from groups.models import CoChairTerm, Member, TermsOfReference, WorkingGroup
from portal import permissions
from portal.accounts.models import User

pytestmark = pytest.mark.django_db


def snapshot():
    """Every row of every model, history included, as comparable values."""
    return {
        model._meta.label: sorted(map(repr, model.objects.values_list()))
        for model in apps.get_models()
        if model._meta.app_label in {"accounts", "groups", "meetings", "workplans"}
    }


def test_load_demo_twice_changes_nothing():
    call_command("load_demo", password="pw-one-Long-9", stdout=io.StringIO())
    first = snapshot()
    call_command("load_demo", password="pw-one-Long-9", stdout=io.StringIO())
    assert snapshot() == first


def test_demo_prints_each_login_with_its_role():
    out = io.StringIO()
    call_command("load_demo", password="pw-one-Long-9", stdout=out)
    text = out.getvalue()
    for username in [
        "secretariat",
        "cochair.au",
        "expert.th",
        "observer",
        "cleared.nz",
        "uncleared.lk",
    ]:
        assert username in text
    assert "password: pw-one-Long-9" in text


def test_demo_tells_the_facts_of_the_source_documents(demo):
    tip = WorkingGroup.objects.get(short_name="WG-TIP")
    dcn = WorkingGroup.objects.get(short_name="WG-DCN")
    tor = tip.terms_of_reference.get(status=TermsOfReference.Status.ENDORSED)
    assert tor.endorsed_on == datetime.date(2014, 8, 6)
    assert tor.endorsed_at.kind == "som"
    first_tip = CoChairTerm.objects.filter(group=tip, starts_on=datetime.date(2014, 8, 6))
    assert {t.member.name for t in first_tip} == {"Australia", "Indonesia"}
    assert {m.name for m in dcn.proposed_by.all()} == {"New Zealand", "Sri Lanka"}
    assert dcn.clearance_required and not tip.clearance_required
    ahg_2012 = {
        "Afghanistan",
        "Australia",
        "Bangladesh",
        "Indonesia",
        "Malaysia",
        "Maldives",
        "Myanmar",
        "New Zealand",
        "Pakistan",
        "Philippines",
        "Sri Lanka",
        "Thailand",
        "Viet Nam",
    }
    assert ahg_2012 <= set(
        Member.objects.filter(ahg_joined_on__isnull=False).values_list("name", flat=True)
    )
    assert Member.objects.get(slug="canada").is_observer


@pytest.mark.parametrize(
    "username, groups, role_in_tip",
    [
        ("secretariat", {"WG-TIP", "WG-DCN"}, "secretariat"),
        ("cochair.au", {"WG-TIP"}, "co_chair"),
        ("expert.th", {"WG-TIP"}, "member"),
        ("observer", set(), None),
        ("cleared.nz", {"WG-DCN"}, None),
        ("uncleared.lk", {"WG-TIP"}, "member"),
    ],
)
def test_each_demo_login_sees_what_its_role_should(demo, username, groups, role_in_tip):
    person = User.objects.get(username=username)
    assert set(permissions.visible_groups(person).values_list("short_name", flat=True)) == groups
    tip = WorkingGroup.objects.get(short_name="WG-TIP")
    assert permissions.role_in_group(person, tip) == role_in_tip


def test_demo_rosters_show_no_error_and_tell_the_true_story(demo):
    from groups import roster

    tip = WorkingGroup.objects.get(short_name="WG-TIP")
    dcn = WorkingGroup.objects.get(short_name="WG-DCN")
    for group in (tip, dcn):
        assert [p.message for p in roster.check(group) if p.is_error] == []
    tip_terms = roster.load_terms(tip)
    assert {t.member.name for t in tip_terms} == {"Australia", "Indonesia"}
    assert all(t.has_extension_agreement and t.decided_at.kind == "som" for t in tip_terms)
    dcn_terms = roster.load_terms(dcn)
    assert {(t.member.name, t.starts_on) for t in dcn_terms} == {
        ("New Zealand", datetime.date(2014, 9, 24)),
        ("Sri Lanka", datetime.date(2014, 9, 24)),
    }
    rotation = roster.next_rotation(tip, tip_terms, list(tip.nominations.all()))
    assert rotation.seat == 1 and rotation.starts_on == datetime.date(2027, 8, 6)
    [candidate] = rotation.candidates
    assert candidate.nomination.member.name == "Thailand" and candidate.eligible
