"""Work plans worked in the browser: the secretariat drafts, fills and adopts a plan; a
member's expert proposes their state to lead an action and a co-chair accepts it; the
pages with the new forms pass axe."""

import re

from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import assert_accessible

ADOPTED = "/groups/wg-tip/work-plans/2024-2026/"


def message(page: Page, text: str):
    """The page's message (a status) that says `text`."""
    return page.get_by_role("status").filter(has_text=text)


def add_action(page: Page, description: str, target: str) -> None:
    page.get_by_role("link", name="Add an action").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Add an action")
    page.get_by_label("Description").fill(description)
    page.get_by_label("Target period").fill(target)
    page.get_by_role("button", name="Add the action").click()
    expect(message(page, "is added to the plan")).to_be_visible()


def test_the_secretariat_drafts_a_plan_adds_actions_and_adopts_it_at_a_meeting(
    page, demo_site, sign_in
):
    sign_in(page, demo_site, "secretariat")
    page.goto(f"{demo_site}/groups/wg-tip/work-plans/")
    page.get_by_role("link", name="Start a new work plan").click()
    page.get_by_label("Title").fill("Forward Work Plan 2027-29")
    page.get_by_label("Period").fill("2027-29")
    page.get_by_label("High-level objectives").fill("Protect the victims.")
    page.get_by_role("button", name="Start the draft").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Forward Work Plan 2027-29")
    expect(page.locator(".badge-draft").first).to_have_text("Draft")
    # A draft is adopted at a meeting: the form of a new revision is not offered.
    expect(page.get_by_role("heading", name="Adopt a new revision")).to_have_count(0)

    add_action(page, "Train front-line officers to identify victims.", "2027/28")
    page.get_by_role("link", name="Forward Work Plan 2027-29", exact=True).click()
    add_action(page, "Publish a regional guide on referral.", "2028")

    # The second action moves on, with a note for its timeline.
    page.get_by_role("link", name="Edit, renumber or discontinue this action").click()
    page.get_by_role("combobox", name=re.compile(r"^Status:?$")).select_option(label="Ongoing")
    page.get_by_label("Status note").fill("Drafting began in January.")
    page.get_by_role("button", name="Save the action").click()
    expect(message(page, "Action 2 is saved.")).to_be_visible()

    page.get_by_role("link", name="Forward Work Plan 2027-29", exact=True).click()
    page.get_by_role("link", name="Adopt the plan at a meeting").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Adopt Forward Work Plan")
    page.get_by_role("button", name="Adopt the plan").click()
    expect(message(page, "The plan is adopted")).to_be_visible()
    expect(page.locator(".badge-adopted").first).to_have_text("Adopted")
    actions = page.get_by_role("table", name="Actions and their status")
    expect(actions.get_by_role("row")).to_have_count(3)  # the header and two actions
    expect(page.get_by_role("heading", name="Adopt a new revision")).to_be_visible()

    page.get_by_role("link", name="Action 2 in full").click()
    timeline = page.get_by_role("list", name="Changes of status, oldest first")
    expect(timeline).to_contain_text("For action → Ongoing")
    expect(timeline).to_contain_text("Drafting began in January.")


def test_the_thai_expert_proposes_thailand_to_lead_and_a_co_chair_accepts(
    page, demo_site, sign_in, browser
):
    sign_in(page, demo_site, "expert.th")
    page.goto(demo_site + ADOPTED)
    page.get_by_role("link", name="Action 2 in full").click()
    form = page.get_by_role("form", name="Propose Thailand to lead or to fund this action")
    form.get_by_label("Lead this action").check()
    form.get_by_label("Note for the secretariat and the co-chairs").fill(
        "Thailand reviewed its own law in 2024 and would share the method."
    )
    form.get_by_role("button", name="Send the proposal").click()
    expect(message(page, "Thailand is proposed to lead action 2")).to_be_visible()

    chair = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB").new_page()
    try:
        sign_in(chair, demo_site, "cochair.au")
        chair.goto(demo_site + ADOPTED)
        expect(chair.get_by_text(re.compile(r"\d+ proposals? by members await"))).to_be_visible()
        chair.get_by_role("link", name="Members' proposals").click()
        decide = chair.get_by_role("form", name="Decide Thailand's proposal")
        decide.get_by_label("Note to the proposer").fill("Welcome aboard.")
        decide.get_by_role("button", name="Accept Thailand's proposal").click()
        expect(message(chair, "Thailand's proposal is accepted")).to_be_visible()
    finally:
        chair.context.close()

    page.goto(demo_site + ADOPTED + "actions/2/")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text(re.compile(r"Lead members\s*Australia, Thailand"))
    timeline = page.get_by_role("list", name="Changes of status, oldest first")
    expect(timeline).to_contain_text("Thailand named lead member, its proposal accepted")
    page.goto(demo_site + ADOPTED + "proposals/")
    mine = page.get_by_role("listitem").filter(has_text="Thailand: to lead")
    expect(mine).to_contain_text("Accepted")
    expect(mine).to_contain_text("Welcome aboard.")


def test_the_proposal_pages_and_the_plan_pages_with_their_forms_are_accessible(
    page, demo_site, sign_in, axe_path
):
    for username, paths in [
        ("expert.th", [ADOPTED, ADOPTED + "actions/2/", ADOPTED + "proposals/"]),
        ("cochair.au", [ADOPTED, ADOPTED + "proposals/"]),
        ("secretariat", [ADOPTED, ADOPTED + "proposals/", ADOPTED + "actions/2/"]),
    ]:
        page.context.clear_cookies()
        sign_in(page, demo_site, username)
        for path in paths:
            response = page.goto(demo_site + path)
            assert response is not None and response.status == 200, (username, path)
            assert_accessible(page, axe_path)
