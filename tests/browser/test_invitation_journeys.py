"""Invitations in the browser: the working group invited in one step, answers in person or
online with a delegation, attendance from the answers, and the pages checked with axe."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import Page, expect

from groups.models import Member
from meetings import services
from meetings.models import Meeting
from portal.accounts.models import User
from tests.browser.test_accessibility import assert_accessible

UPCOMING = "WG-TIP annual meeting 2027"


def open_meeting(page: Page, base_url: str, title: str) -> None:
    page.goto(f"{base_url}/meetings/")
    page.get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def secretary() -> User:
    return User.objects.get(username="secretariat")


def invite_the_group() -> Meeting:
    meeting = Meeting.objects.get(title=UPCOMING)
    services.invitations_send_to_group(meeting, by=secretary())
    return meeting


def test_the_secretariat_invites_the_working_group_after_a_preview(
    page, demo_site, sign_in, axe_path
):
    # Nimal Perera has no address on record: he is shown as skipped, and why.
    User.objects.filter(username="uncleared.lk").update(email="")
    sign_in(page, demo_site, "secretariat")
    open_meeting(page, demo_site, UPCOMING)
    page.get_by_role("link", name="Invitations and attendance").click()
    page.get_by_role("link", name="Invite the working group").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Invite the working group")
    to_invite = page.get_by_role("region", name="To invite", exact=True)
    for name in ["Grace Whitfield", "Rizal Hakim"]:
        expect(to_invite).to_contain_text(name)
    # The demo invited the Thai expert by name already: he is not invited twice.
    expect(to_invite).not_to_contain_text("Somchai Rattanakul")
    expect(page.get_by_role("region", name="Already invited")).to_contain_text("Somchai Rattanakul")
    expect(page.locator("main")).to_contain_text(
        "Nimal Perera: Nimal Perera has no e-mail address."
    )
    expect(page.locator("main")).not_to_contain_text("Claire Gagnon")  # an observer
    assert_accessible(page, axe_path)

    page.get_by_role("button", name="Invite 2 and tell them").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Invited the working group: 2 new invitations."
    )
    invited = page.get_by_role("region", name="Invitations sent")
    expect(invited.get_by_role("row", name=re.compile("Somchai Rattanakul"))).to_contain_text(
        "Awaiting an answer"
    )
    expect(page.get_by_role("button", name=re.compile(r"Remind the \d+ who"))).to_be_visible()
    assert_accessible(page, axe_path)


def test_the_thai_expert_answers_that_he_will_attend_online_with_a_note(
    page, demo_site, sign_in, axe_path
):
    invite_the_group()
    sign_in(page, demo_site, "expert.th")
    open_meeting(page, demo_site, UPCOMING)
    answer = page.locator("form.answer", has_text="You are invited")
    assert_accessible(page, axe_path)
    answer.get_by_label("Will attend online").check()
    answer.get_by_label("Note (optional)").fill("Joining from Bangkok by video.")
    answer.get_by_role("button", name="Answer").click()

    expect(page.get_by_role("status").first).to_contain_text(
        "Your answer is recorded: will attend online."
    )
    answer = page.locator("form.answer", has_text="You are invited")
    expect(answer).to_contain_text("Current answer: will attend online.")
    expect(answer).to_contain_text("Your note: Joining from Bangkok by video.")


def test_the_australian_focal_point_answers_in_person_and_names_who_will_attend(
    page, demo_site, sign_in, axe_path
):
    User.objects.create_user(
        "delegate.au",
        first_name="Liam",
        last_name="Nguyen",
        affiliation=Member.objects.get(slug="australia"),
    )
    sign_in(page, demo_site, "cochair.au")
    open_meeting(page, demo_site, UPCOMING)
    answer = page.locator("form.answer", has_text="Australia is invited")
    answer.get_by_label("Will attend in person").check()
    answer.get_by_label("Grace Whitfield").check()
    answer.get_by_label("Liam Nguyen").check()
    assert_accessible(page, axe_path)
    answer.get_by_role("button", name="Answer").click()

    expect(page.get_by_role("status").first).to_contain_text(
        "Your answer is recorded: will attend in person."
    )
    answer = page.locator("form.answer", has_text="Australia is invited")
    expect(answer).to_contain_text("Named to attend: Liam Nguyen; Grace Whitfield")
    expect(answer.get_by_label("Liam Nguyen")).to_be_checked()


def test_the_secretariat_records_attendance_from_the_answers_and_a_walk_in(
    page, demo_site, sign_in, axe_path
):
    australia = Member.objects.get(slug="australia")
    expert, focal = User.objects.get(username="expert.th"), User.objects.get(username="cochair.au")
    begun = timezone.now() - datetime.timedelta(hours=2)
    meeting = Meeting(
        kind=Meeting.Kind.WORKING_GROUP,
        title="WG-TIP workshop on victim identification",
        group=focal.participations.get().group,
        starts_at=begun,
        ends_at=begun + datetime.timedelta(hours=8),
        time_zone="Asia/Bangkok",
        city="Bangkok",
        status=Meeting.Status.CONFIRMED,
    )
    services.meeting_save(meeting)
    [person] = services.invitations_send(meeting, persons=[expert])
    [member] = services.invitations_send(meeting, members=[australia])
    services.invitation_answer(person, "online", expert)
    services.invitation_answer(member, "accepted", focal, delegates=[focal])

    sign_in(page, demo_site, "secretariat")
    page.goto(f"{demo_site}/meetings/{meeting.pk}/invitations/")
    expect(page.locator("main")).to_contain_text("1 in person, 1 online, 0 not attending")
    page.get_by_role("button", name="Record the attendance of 2 from the answers").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Recorded the attendance of 2 from the answers."
    )
    recorded = page.get_by_role("region", name="Recorded as attending").or_(
        page.locator("section", has=page.get_by_role("heading", name="Recorded as attending"))
    )
    expect(recorded).to_contain_text("Somchai Rattanakul, Thailand (online)")
    expect(recorded).to_contain_text("Grace Whitfield, Australia")

    walk_in = page.locator("form", has=page.get_by_role("button", name="Record the walk-in"))
    walk_in.get_by_label("Member").select_option(label="Indonesia")
    walk_in.get_by_role("button", name="Record the walk-in").click()
    expect(page.get_by_role("status").first).to_contain_text("Recorded Indonesia.")
    assert_accessible(page, axe_path)

    page.goto(f"{demo_site}/meetings/{meeting.pk}/")
    page.get_by_role("link", name="List of participants", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("List of participants")
    main = page.locator("main")
    for text in ["Somchai Rattanakul", "Grace Whitfield", "Indonesia"]:
        expect(main).to_contain_text(text)
    for link, kind, start in [
        ("Print the list (PDF)", "application/pdf", b"%PDF-"),
        ("Download the list (CSV)", "text/csv", "\ufeffsection".encode()),
    ]:
        href = page.get_by_role("link", name=link).get_attribute("href")
        response = page.request.get(demo_site + href)
        assert response.status == 200 and response.headers["content-type"].startswith(kind)
        assert response.body().startswith(start)

    page.get_by_role("link", name="Public list", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Public list of participants")
    expect(main).to_contain_text("Australia")
    expect(main).not_to_contain_text("Somchai Rattanakul")
    href = page.get_by_role("link", name="Print the public list (PDF)").get_attribute("href")
    response = page.request.get(demo_site + href)
    assert response.status == 200 and response.body().startswith(b"%PDF-")
