"""The co-chair roster of a working group, used the way people use it in the browser.

Demo data (see ``groups/demo.py``): WG-TIP is co-chaired by Australia (seat 1, until
5 August 2027) and Indonesia (seat 2, until 5 August 2028); Thailand's nomination for
seat 1 from 6 August 2027 waits for the decision of the AHG Senior Officials Meeting.
"""

import re

from playwright.sync_api import Locator, Page, expect

ROSTER_PATH = "/groups/wg-tip/roster/"
SOM_2014 = "Eighth Ad Hoc Group Senior Officials Meeting"
SOM_2027 = "Twentieth Ad Hoc Group Senior Officials Meeting"
GAP_WARNING = "From 6 August 2027 to 5 August 2028 the group has only Indonesia"


def choose(select: Locator, text: str) -> None:
    """Pick the one option of a <select> whose label contains ``text``."""
    option = select.locator("option").filter(has_text=text)
    expect(option).to_have_count(1)
    select.select_option(value=option.get_attribute("value"))


def terms_table(page: Page) -> Locator:
    return page.get_by_role("region", name="Co-chair terms", exact=True)


def term_rows(page: Page) -> Locator:
    return terms_table(page).locator("tbody tr")


def timeline_bars(page: Page) -> Locator:
    """The bars of the timeline that stand for terms (not those for gaps)."""
    return page.locator("svg.timeline g.term")


def nominations_table(page: Page) -> Locator:
    return page.get_by_role("table", name="Nominations for co-chair of WG-TIP")


def open_roster(page: Page, base_url: str) -> None:
    page.goto(base_url + ROSTER_PATH)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"Co-chair roster\s+WG-TIP")
    )


def test_secretariat_records_the_som_decision_on_thailand(page, demo_site, sign_in):
    sign_in(page, demo_site, "secretariat")
    page.goto(f"{demo_site}/groups/wg-tip/")
    page.get_by_role("link", name=re.compile(r"^The co-chair roster")).click()

    expect(page).to_have_url(demo_site + ROSTER_PATH)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"Co-chair roster\s+WG-TIP")
    )
    expect(term_rows(page)).to_have_count(2)
    expect(timeline_bars(page)).to_have_count(2)
    thailand_nomination = nominations_table(page).get_by_role("row").filter(has_text="Thailand")
    expect(thailand_nomination).to_contain_text("Pending")

    # The link's visually hidden text says whose nomination it decides.
    page.get_by_role("link", name="Record the SOM decision on Thailand").click()

    expect(page).to_have_url(re.compile(r"/groups/wg-tip/roster/nominations/\d+/decide/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Record the SOM decision")
    # Pre-filled from the nomination: seat 1, from 6 August 2027 for the two-year maximum.
    expect(page.get_by_label("Seat")).to_have_value("1")
    # A date field shows its value only if the HTML gives it as YYYY-MM-DD.
    expect(page.get_by_label("Term starts on")).to_have_value("2027-08-06")
    expect(page.get_by_label("Term planned to end on")).to_have_value("2029-08-05")
    # No SOM between the nomination (2026) and the term (2027) is in the portal yet: the
    # coming one is added with the decision.
    page.get_by_label("Title of the coming SOM").fill(SOM_2027)
    page.get_by_label("First day of the SOM").fill("2027-03-10")
    page.get_by_label("City of the SOM").fill("Bali")
    page.get_by_role("button", name="Decide: make the term").click()

    expect(page).to_have_url(demo_site + ROSTER_PATH)
    expect(page.locator(".messages .message-success")).to_contain_text(
        "Thailand will co-chair from 6 August 2027."
    )
    expect(term_rows(page)).to_have_count(3)
    thailand = term_rows(page).filter(has_text="Thailand")
    expect(thailand).to_have_count(1)
    cells = thailand.get_by_role("cell")
    expect(cells.nth(0)).to_have_text("Seat 1")
    expect(cells.nth(2)).to_have_text("6 Aug 2027")
    expect(cells.nth(3)).to_have_text("5 Aug 2029")
    expect(cells.nth(4)).to_have_text(SOM_2027)
    expect(cells.nth(6)).to_contain_text("Planned")
    expect(timeline_bars(page)).to_have_count(3)
    thailand_bar = timeline_bars(page).filter(has_text="Thailand")
    expect(thailand_bar).to_have_count(1)
    expect(thailand_bar).to_have_class(re.compile(r"\bterm-planned\b"))
    expect(thailand_bar.locator("title")).to_contain_text("6 August 2027 to 5 August 2029")

    rotation = page.get_by_role("region", name="Next rotation")
    expect(rotation).to_contain_text("Seat 2 rotates next, from 6 August 2028")
    expect(rotation).to_contain_text("when the term of Indonesia ends")
    expect(thailand_nomination).to_contain_text("Accepted")
    expect(page.get_by_role("link", name=re.compile("Record the SOM decision"))).to_have_count(0)


def test_a_term_for_a_non_member_is_refused_beside_the_member_field(page, demo_site, sign_in):
    sign_in(page, demo_site, "secretariat")
    open_roster(page, demo_site)
    expect(term_rows(page)).to_have_count(2)
    page.get_by_role("link", name="Add a co-chair term").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a co-chair term")
    form_url = page.url

    member = page.get_by_label("Member")
    choose(member, "Japan")
    page.get_by_label("Seat").select_option(label="Seat 1")
    page.get_by_label("Starts on").fill("2027-08-06")
    page.get_by_label("Planned end on").fill("2029-08-05")
    choose(page.get_by_label("Decided at"), SOM_2014)
    page.get_by_role("button", name="Save the term").click()

    # Still the form, with the reason beside the Member field (in the field's own container).
    expect(page.locator(".errorlist").first).to_be_visible()
    assert page.url == form_url
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a co-chair term")
    expect(page.locator(".messages .message-success")).to_have_count(0)
    member_error = member.locator("xpath=..").locator("ul.errorlist")
    expect(member_error).to_contain_text("Japan was not an Ad Hoc Group member on 6 August 2027")
    expect(member).to_have_attribute("aria-invalid", "true")
    expect(member).to_have_accessible_description(
        re.compile("Japan was not an Ad Hoc Group member on 6 August 2027")
    )
    # What was typed and chosen is kept.
    expect(member.locator("option:checked")).to_have_text("Japan")
    expect(page.get_by_label("Seat")).to_have_value("1")
    expect(page.get_by_label("Starts on")).to_have_value("2027-08-06")
    expect(page.get_by_label("Planned end on")).to_have_value("2029-08-05")
    expect(page.get_by_label("Decided at").locator("option:checked")).to_contain_text(SOM_2014)

    # Nothing was saved.
    open_roster(page, demo_site)
    expect(term_rows(page)).to_have_count(2)
    expect(terms_table(page)).not_to_contain_text("Japan")
    expect(timeline_bars(page)).to_have_count(2)


def test_member_sees_the_roster_read_only_with_its_gap_warning(page, demo_site, sign_in):
    sign_in(page, demo_site, "expert.th")
    open_roster(page, demo_site)

    checks = page.get_by_role("region", name="Checks against the Terms of Reference")
    problems = checks.locator("li.problem")
    expect(problems).to_have_count(1)
    expect(problems).to_contain_text(re.compile(rf"^\s*Warning:\s*{GAP_WARNING}"))
    expect(page.locator("svg.timeline")).to_have_attribute("role", "img")
    expect(term_rows(page)).to_have_count(2)
    expect(terms_table(page)).to_contain_text("Australia")
    expect(terms_table(page)).to_contain_text("Indonesia")
    expect(nominations_table(page).get_by_role("row").filter(has_text="Thailand")).to_contain_text(
        "Pending"
    )

    main = page.get_by_role("main")
    for name in ("Add a co-chair term", "Record a nomination", "Record the SOM decision", "Edit"):
        expect(main.get_by_role("link", name=re.compile(name))).to_have_count(0)
    expect(main.get_by_role("button", name=re.compile("Withdrawn"))).to_have_count(0)
    expect(main.locator("form")).to_have_count(0)

    # The forms themselves are not found for a member either.
    for path in ("terms/new/", "nominations/new/"):
        response = page.goto(demo_site + ROSTER_PATH + path)
        assert response is not None and response.status == 404, path


def test_uncleared_member_cannot_see_the_restricted_group_roster(page, demo_site, sign_in):
    sign_in(page, demo_site, "uncleared.lk")

    response = page.goto(f"{demo_site}/groups/wg-dcn/roster/")

    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.locator("main")).not_to_contain_text("Sri Lanka")
