"""Work plans in the browser: a co-chair reads a plan, compares its revisions, and every
plan page passes axe."""

import re

from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import assert_accessible

PLAN = "/groups/wg-tip/work-plans/2015-17/"


def open_the_2015_17_plan(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/groups/wg-tip/work-plans/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Work plans")
    page.get_by_role("link", name="Forward Work Plan 2015-17").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Forward Work Plan 2015-17")


def test_a_co_chair_compares_the_two_revisions_of_the_2015_17_plan(page, demo_site, sign_in):
    sign_in(page, demo_site, "cochair.au")
    open_the_2015_17_plan(page, demo_site)
    actions = page.get_by_role("table", name="Actions and their status")
    expect(actions.get_by_role("row")).to_have_count(11)  # the header and ten actions
    expect(page.get_by_role("img", name="Actions by status")).to_be_visible()

    page.get_by_role("link", name="Compare revisions", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("What changed")
    expect(page.locator(".compare-summary")).to_contain_text("4 actions added, 6 status changes")
    changes = page.get_by_role("table", name="Actions whose status changed")
    expect(changes.get_by_role("row", name=re.compile(r"^Action 3\b"))).to_have_text(
        re.compile(r"Action 3\s*For action\s*Complete")
    )
    expect(page.get_by_role("heading", name="Actions added")).to_be_visible()


def test_plan_revision_and_comparison_pages_are_accessible(page, demo_site, sign_in, axe_path):
    sign_in(page, demo_site, "secretariat")
    for path, heading in [
        (PLAN, "Forward Work Plan 2015-17"),
        (PLAN + "revisions/1/", "revision 1"),
        (PLAN + "compare/?from=1&to=2", "What changed"),
        (PLAN + "compare/?from=1&to=current", "What changed"),
    ]:
        response = page.goto(demo_site + path)
        assert response is not None and response.status == 200, path
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        assert_accessible(page, axe_path)
    page.goto(demo_site + PLAN + "revisions/1/")
    expect(page.get_by_role("note")).to_contain_text("This is not the latest revision.")
