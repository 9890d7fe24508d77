import datetime
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from groups import services as group_services
from groups.models import (
    CoChairTerm,
    Member,
    Nomination,
    Participation,
    TermsOfReference,
    WorkingGroup,
)
from meetings import agenda
from meetings import services as meeting_services
from meetings.models import Meeting
from portal import permissions
from portal.accounts.models import User
from reports import services as report_services
from reports.models import Report
from tests.processes import manage
from workplans import services as workplan_services
from workplans.models import Action

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


# --- The demo never fights its users -----------------------------------------------------


def every_row():
    """Every row of every model of the portal's apps, history included."""
    return {
        model._meta.label: sorted(map(repr, model.objects.values_list()))
        for model in apps.get_models()
        if not model._meta.app_label.startswith(("contenttypes", "auth", "admin"))
    }


def admin_change(client, obj, **changes):
    """Save the object's back-office change form with some fields changed."""
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: v for k, v in (data | changes).items() if v is not None and v is not False}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors


def test_load_demo_again_keeps_every_change_people_made_and_adds_nothing(client):
    call_command("load_demo", password="pw-one-Long-9", stdout=io.StringIO())
    secretariat = User.objects.get(username="secretariat")
    tip = WorkingGroup.objects.get(slug="wg-tip")

    # The SOM decides Thailand's nomination: it becomes the next co-chair term of seat 1.
    som = Meeting(
        kind=Meeting.Kind.SOM,
        body=Meeting.Body.AD_HOC_GROUP,
        title="Twentieth Ad Hoc Group Senior Officials Meeting",
        starts_at=datetime.datetime(2026, 11, 20, 2, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2026, 11, 20, 10, tzinfo=datetime.UTC),
        status=Meeting.Status.HELD,
    )
    meeting_services.meeting_save(som)
    nomination = Nomination.objects.get(group=tip, member__slug="thailand")
    term, _ = group_services.nomination_decide(
        nomination,
        decided_at=som,
        seat=1,
        starts_on=datetime.date(2027, 8, 6),
        planned_end_on=datetime.date(2029, 8, 5),
    )
    # The next annual meeting is renamed, its agenda reordered, one item retitled, one removed.
    annual = Meeting.objects.get(title="WG-TIP annual meeting 2027")
    annual.title = "WG-TIP annual meeting 2027 (Jakarta)"
    meeting_services.meeting_save(annual)
    items = list(annual.agenda_items.order_by("position"))
    agenda.item_move(items[3], 1)
    agenda.item_update(items[0], title="Welcome by the hosts")
    agenda.item_delete(items[2])
    order = list(annual.agenda_items.order_by("position").values_list("title", flat=True))
    # The draft annual report gets new words; an action gets a progress update.
    draft = Report.objects.get(group=tip, kind=Report.Kind.ANNUAL, year=2025)
    report_services.report_edit(draft, summary="The co-chairs' own summary of 2025.")
    action = Action.objects.get(plan__slug="2024-2026", number=1)
    workplan_services.update_post(
        action, text="Trends shared at the 2026 meeting.", author=secretariat
    )
    # The Thai expert becomes the focal point, in the back office.
    client.force_login(secretariat)
    expert = Participation.objects.get(person__username="expert.th", group=tip)
    admin_change(client, expert, role=Participation.Role.FOCAL_POINT)

    before = every_row()
    out = io.StringIO()
    call_command("load_demo", password="pw-one-Long-9", stdout=out)

    assert every_row() == before
    nomination.refresh_from_db()
    assert nomination.outcome == Nomination.Outcome.ACCEPTED and nomination.term == term
    assert not Meeting.objects.filter(title="WG-TIP annual meeting 2027").exists()
    annual.refresh_from_db()
    assert annual.title == "WG-TIP annual meeting 2027 (Jakarta)"
    assert list(annual.agenda_items.order_by("position").values_list("title", flat=True)) == order
    assert order[0] == "Towards the next Forward Work Plan" and len(order) == 3
    draft.refresh_from_db()
    assert draft.summary == "The co-chairs' own summary of 2025."
    assert action.updates.filter(text="Trends shared at the 2026 meeting.").exists()
    expert.refresh_from_db()
    assert expert.role == Participation.Role.FOCAL_POINT
    assert out.getvalue().rstrip().endswith("password: pw-one-Long-9")


def test_load_demo_does_not_bring_back_what_people_deleted_or_renamed():
    call_command("load_demo", password="pw-one-Long-9", stdout=io.StringIO())
    thailand = Member.objects.get(slug="thailand")
    # Renamed in the back office, the member is found again by its history.
    thailand.slug = "kingdom-of-thailand"
    thailand.save()
    # The Roundtable's outcome (no co-chair has approved it yet) is withdrawn.
    roundtable = Meeting.objects.get(title="WG-DCN initial Roundtable")
    [outcome] = roundtable.outcomes.all()
    meeting_services.outcome_delete(outcome)
    count = Member.objects.count()

    call_command("load_demo", password="pw-one-Long-9", stdout=io.StringIO())

    assert Member.objects.count() == count
    assert not Member.objects.filter(slug="thailand").exists()
    assert not roundtable.outcomes.exists()


def test_make_run_starts_twice_on_a_used_portal_and_ends_with_the_logins(tmp_path):
    env = {
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        "VAR_DIR": str(tmp_path),
        "REDIS_URL": "",
    }
    assert manage("migrate", "--noinput", **env).returncode == 0
    first = manage("load_demo", "--password=pw-one-Long-9", **env)
    assert first.returncode == 0, first.stderr
    # Someone records the SOM's decision on Thailand's nomination through the services.
    decide = (
        "import datetime as d;"
        "from groups import services as s;"
        "from groups.models import Nomination;"
        "from meetings.models import Meeting;"
        "from meetings.services import meeting_save;"
        "som = Meeting(kind='som', body='ahg', title='Next SOM', status='held',"
        " starts_at=d.datetime(2026, 11, 20, 2, tzinfo=d.UTC),"
        " ends_at=d.datetime(2026, 11, 20, 10, tzinfo=d.UTC));"
        "meeting_save(som);"
        "s.nomination_decide(Nomination.objects.get(member__slug='thailand'), decided_at=som,"
        " seat=1, starts_on=d.date(2027, 8, 6), planned_end_on=d.date(2029, 8, 5))"
    )
    changed = manage("shell", "-c", decide, **env)
    assert changed.returncode == 0, changed.stderr
    second = manage("load_demo", "--password=pw-one-Long-9", **env)
    assert second.returncode == 0, second.stderr
    for run in (first, second):
        # With DEBUG the e-mails go to the console: none may follow (or precede) the logins.
        assert "Subject:" not in run.stdout
        lines = run.stdout.rstrip().splitlines()
        start = lines.index("Demo logins (the same password for each):")
        assert [line.split()[0] for line in lines[start + 1 : -1]] == [
            "secretariat",
            "cochair.au",
            "cochair.id",
            "expert.th",
            "observer",
            "cleared.nz",
            "uncleared.lk",
        ]
        assert lines[-1] == "  password: pw-one-Long-9"
