"""Meetings in the browser: planning, answering an invitation, and every meeting page with axe."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import assert_accessible


def open_meeting(page: Page, base_url: str, title: str) -> None:
    page.goto(f"{base_url}/meetings/")
    page.get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def test_secretariat_plans_a_meeting_in_its_own_time_zone(page, demo_site, sign_in):
    sign_in(page, demo_site, "secretariat")
    page.goto(f"{demo_site}/meetings/")
    page.get_by_role("link", name="Plan a meeting").click()
    page.get_by_label("Title").fill("Workshop on victim identification")
    page.get_by_label("Kind").select_option(label="Workshop")
    page.get_by_label("Group").select_option(label="WG-TIP")
    page.get_by_label("Time zone").fill("Asia/Makassar")
    page.get_by_label("Starts (meeting's local time)").fill("2027-05-04T09:00")
    page.get_by_label("Ends (meeting's local time)").fill("2027-05-05T17:00")
    page.get_by_label("City").fill("Bali")
    page.get_by_role("button", name="Save the meeting").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Workshop on victim identification")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Tuesday 4 May 2027, 09:00 to 5 May 2027, 17:00")
    # The secretary reads Bangkok time too: an hour earlier than Bali.
    expect(facts).to_contain_text("Tuesday 4 May 2027, 08:00 to 5 May 2027, 16:00")


def test_focal_point_answers_the_invitation_of_their_member(page, demo_site, sign_in):
    sign_in(page, demo_site, "cochair.au")
    open_meeting(page, demo_site, "WG-TIP annual meeting 2027")
    answer = page.locator("form.answer")
    expect(answer).to_contain_text("Australia is invited")
    answer.get_by_label("Will attend in person").check()
    answer.get_by_role("button", name="Answer").click()
    expect(page.get_by_role("status")).to_contain_text("Your answer is recorded: will attend")
    invitations = page.get_by_role("region", name="Invitations")
    expect(invitations.get_by_role("row", name=re.compile("Australia"))).to_contain_text(
        "Will attend"
    )


def test_an_observer_sees_only_the_meeting_they_are_invited_to(page, demo_site, sign_in):
    sign_in(page, demo_site, "observer")
    page.goto(f"{demo_site}/meetings/")
    rows = page.get_by_role("region", name="Meetings found").get_by_role("row")
    # The header and the two meetings Canada is invited to, as an observer.
    expect(rows).to_have_count(3)
    expect(rows.nth(1)).to_contain_text("WG-TIP annual meeting 2027")
    expect(rows.nth(2)).to_contain_text("WG-TIP annual meeting 2026")


@pytest.mark.parametrize(
    "username, title, heading",
    [
        ("expert.th", "Bali Process Following the Money Forum", None),
        ("secretariat", "Sixth Ad Hoc Group Senior Officials Meeting", None),
        ("secretariat", "WG-TIP annual meeting 2027", "Invitations and attendance"),
        ("secretariat", "Second meeting of WG-TIP", "Outcomes"),
        ("secretariat", "Second meeting of WG-TIP", "Edit the meeting"),
    ],
)
def test_meeting_pages_are_accessible(page, demo_site, sign_in, axe_path, username, title, heading):
    sign_in(page, demo_site, username)
    page.goto(f"{demo_site}/meetings/")
    assert_accessible(page, axe_path)
    open_meeting(page, demo_site, title)
    if heading:
        page.get_by_role("link", name=heading).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading.split()[0])
    assert_accessible(page, axe_path)


def test_meeting_list_filters_are_accessible(page, demo_site, sign_in, axe_path):
    sign_in(page, demo_site, "secretariat")
    page.goto(f"{demo_site}/meetings/?kind=workshop&year=2012")
    expect(page.get_by_role("status")).to_have_text("Meetings 1–3 of 3")
    assert_accessible(page, axe_path)


def test_a_member_downloads_a_paper_prints_the_agenda_and_subscribes(
    page, demo_site, sign_in, axe_path
):
    sign_in(page, demo_site, "expert.th")
    open_meeting(page, demo_site, "Bali Process Following the Money Forum")

    with page.expect_download() as download:
        page.get_by_role("link", name="Co-chairs' statement", exact=True).click()
    assert download.value.suggested_filename == "co-chairs-statement.txt"

    href = page.get_by_role("link", name="Print the agenda (PDF)").get_attribute("href")
    pdf = page.request.get(demo_site + href)
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF-")

    page.get_by_role("link", name=re.compile(r"1 version")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Co-chairs' statement")
    assert_accessible(page, axe_path)

    page.goto(f"{demo_site}/calendar/")
    page.get_by_role("button", name="Create my calendar address").click()
    feed = page.locator("main").get_by_text(re.compile(r"/calendar/.+\.ics")).first
    expect(feed).to_be_visible()
    assert_accessible(page, axe_path)
