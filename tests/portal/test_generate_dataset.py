import hashlib
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from groups import roster, services
from groups.models import CoChairTerm, Member, Participation, WorkingGroup
from groups.selectors import current_co_chair_terms
from meetings.models import AgendaItem, Attendance, Meeting, Speaker
from portal.accounts.models import User
from reports.models import Approval, PublicStatement, Report
from workplans.models import Action, ProgressUpdate

SCALE = "0.01"
PASSWORD = "dataset-test-pass-1"


def generate(seed: int = 1) -> str:
    out = io.StringIO()
    call_command(
        "generate_dataset",
        f"--scale={SCALE}",
        f"--seed={seed}",
        f"--password={PASSWORD}",
        stdout=out,
    )
    return out.getvalue()


# The generated rows by what identifies them, not by their keys.
DIGESTED = [
    (Member, ["slug", "name", "kind", "country", "ahg_joined_on", "is_observer"]),
    (WorkingGroup, ["slug", "name", "established_on", "clearance_required"]),
    (User, ["username", "first_name", "affiliation__slug", "clearance_expires_on"]),
    (
        Participation,
        ["person__username", "group__slug", "member__slug", "role", "started_on", "ended_on"],
    ),
    (
        CoChairTerm,
        ["group__slug", "seat", "member__slug", "starts_on", "planned_end_on", "decided_at__title"],
    ),
    (Meeting, ["title", "group__slug", "kind", "starts_at", "status", "city"]),
    (AgendaItem, ["meeting__title", "position", "title", "duration_minutes"]),
    (Speaker, ["item__meeting__title", "item__position", "person__username", "name"]),
    (Attendance, ["meeting__title", "member__slug", "person__username"]),
    (Action, ["plan__group__slug", "plan__slug", "number", "description", "status"]),
    (
        ProgressUpdate,
        ["action__plan__slug", "action__number", "reported_on", "text", "author__username"],
    ),
    (Report, ["group__slug", "kind", "year", "meeting__title", "status"]),
    (PublicStatement, ["group__slug", "title", "text", "status"]),
]


def digest() -> str:
    sha = hashlib.sha256()
    for model, fields in DIGESTED:
        rows = sorted(model.objects.values_list(*fields), key=repr)
        sha.update(repr((model.__name__, rows)).encode())
    return sha.hexdigest()


@pytest.mark.django_db
def test_scale_multiplies_the_figures():
    generate()
    assert WorkingGroup.objects.count() == 1
    assert Member.objects.count() == 12  # the fewest a roster needs to rotate
    assert User.objects.count() == 50
    # The groups' meetings, beside a SOM and a Steering Group meeting each year.
    assert Meeting.objects.filter(group__isnull=False).count() == 30
    assert 250 <= AgendaItem.objects.filter(meeting__group__isnull=False).count() <= 350
    assert Action.objects.count() == 200
    assert 450 <= ProgressUpdate.objects.count() <= 750
    # Every meeting from ten years ago to a year ahead: some held, some to come.
    now = timezone.now()
    assert Meeting.objects.filter(starts_at__lt=now, status=Meeting.Status.HELD).exists()
    assert Meeting.objects.filter(starts_at__gt=now).exists()
    # Annual reports and outcome records approved by every co-chair asked, with the hash.
    approved = Report.objects.filter(status=Report.Status.APPROVED)
    assert approved.count() >= 3
    for report in approved:
        assert report.approved_content_hash
        hashes = set(
            Approval.objects.filter(report=report, decision="approved").values_list(
                "content_hash", flat=True
            )
        )
        assert hashes == {report.approved_content_hash}
        assert report.approvals.count() == report.approvers.count() == 2
    assert PublicStatement.objects.filter(status=PublicStatement.Status.PUBLISHED).count() == 2


@pytest.mark.django_db
def test_rosters_pass_the_roster_rules():
    generate()
    today = timezone.localdate()
    for group in WorkingGroup.objects.all():
        terms = roster.load_terms(group)
        assert len(terms) >= 10  # ten years of two seats
        for term in terms:
            services.term_validate(term)  # raises on any roster error
        problems = roster.check(group)
        assert [p.message for p in problems] == []
        serving = current_co_chair_terms(today).filter(group=group)
        members = {t.member.slug for t in serving.select_related("member")}
        assert len(members) == 2
        assert members & {"australia", "indonesia"}


@pytest.mark.django_db(transaction=True)
def test_the_same_seed_makes_the_same_data_and_another_seed_other_data():
    generate(seed=7)
    first = digest()
    call_command("flush", interactive=False, verbosity=0)
    generate(seed=7)
    assert digest() == first
    call_command("flush", interactive=False, verbosity=0)
    generate(seed=8)
    assert digest() != first


@pytest.mark.django_db
def test_a_portal_with_data_is_refused_and_left_unchanged():
    WorkingGroup.objects.create(name="Working Group on Something", short_name="WG-X", slug="wg-x")
    with pytest.raises(CommandError, match="already holds working groups"):
        generate()
    assert WorkingGroup.objects.count() == 1
    assert not Member.objects.exists()
    assert not User.objects.exists()
    assert not Meeting.objects.exists()


@pytest.mark.django_db
def test_a_scale_of_nothing_is_refused():
    with pytest.raises(CommandError, match="above 0"):
        call_command("generate_dataset", "--scale=0", stdout=io.StringIO())
    assert not Member.objects.exists()


@pytest.mark.django_db
def test_the_secretariat_signs_in_and_sees_the_home_page(client):
    output = generate()
    assert "secretariat" in output
    secretariat = User.objects.get(username="secretariat")
    assert secretariat.is_secretariat
    assert secretariat.check_password(PASSWORD)
    client.force_login(secretariat)
    assert client.get(reverse("home")).status_code == 200
    # So can a co-chair's focal point, with the same password.
    term = current_co_chair_terms().select_related("member", "group").first()
    point = Participation.objects.get(
        group=term.group, member=term.member, role=Participation.Role.FOCAL_POINT
    ).person
    assert point.check_password(PASSWORD)
    client.force_login(point)
    assert client.get(reverse("home")).status_code == 200
