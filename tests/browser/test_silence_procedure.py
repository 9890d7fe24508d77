"""A decision by silence procedure, used the way people use it in the browser.

Demo data (see ``groups/demo.py``): the revision of WG-TIP's Forward Work Plan 2024-2026 is
under silence, its deadline four days after the demo was loaded; Australia's focal point
(cochair.au) may break silence for Australia.
"""

from playwright.sync_api import expect

TITLE = "Revision of the Forward Work Plan 2024-2026"


def test_a_focal_point_breaks_silence_from_their_home(page, demo_site, sign_in):
    sign_in(page, demo_site, "cochair.au")
    heading = page.get_by_role("heading", name="Under silence in your groups")
    panel = page.locator("section", has=heading)
    expect(panel).to_contain_text("you may break silence for your member")
    panel.get_by_role("link", name=f"WG-TIP: {TITLE}").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text("Under silence", exact=True).first).to_be_visible()
    page.get_by_role("button", name="Break silence").click()
    # The reason is required: refused beside its field, nothing broken.
    expect(page.locator(".errorlist")).to_contain_text("This field is required")
    page.get_by_label("Reason").fill("Australia needs two more weeks to consult its agencies.")
    page.get_by_role("button", name="Break silence").click()

    expect(page.locator(".messages")).to_contain_text("Silence is broken")
    expect(page.locator(".badge").first).to_have_text("Silence broken")
    objections = page.locator("section", has=page.get_by_role("heading", name="Objections"))
    expect(objections).to_contain_text("Australia")
    expect(objections).to_contain_text("two more weeks to consult")
    expect(page.get_by_role("button", name="Break silence")).to_have_count(0)


def test_the_secretariat_sees_the_procedure_on_the_group_page(page, demo_site, sign_in):
    sign_in(page, demo_site, "secretariat")
    page.goto(f"{demo_site}/groups/wg-tip/")
    panel = page.locator(
        "section", has=page.get_by_role("heading", name="Decisions by silence procedure")
    )
    expect(panel).to_contain_text("Date and venue of the 2026 annual meeting")
    expect(panel).to_contain_text("adopted by silence procedure on 12 September 2025")
    panel.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("button", name="Withdraw")).to_be_visible()
    expect(page.get_by_role("button", name="Break silence")).to_have_count(0)
