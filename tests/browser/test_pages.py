"""What people notice in the browser: signing in and out, what they may see, keyboard use."""

import re

from playwright.sync_api import expect

TIP_NAME = "Working Group on Trafficking in Persons"
DCN_NAME = "Working Group on Disruption of Criminal Networks"


def test_expert_finds_their_group_its_co_chairs_and_themselves(page, demo_site, sign_in):
    sign_in(page, demo_site, "expert.th")

    groups = page.get_by_role("region", name="Your working groups")
    expect(groups.get_by_role("link", name="WG-TIP", exact=True)).to_be_visible()
    expect(groups).not_to_contain_text("WG-DCN")

    groups.get_by_role("link", name="WG-TIP", exact=True).click()

    expect(page).to_have_url(f"{demo_site}/groups/wg-tip/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(TIP_NAME)
    co_chairs = page.get_by_role("region", name="Current co-chairs")
    expect(co_chairs.get_by_role("listitem")).to_have_count(2)
    expect(co_chairs.get_by_role("link", name="Australia", exact=True)).to_be_visible()
    expect(co_chairs.get_by_role("link", name="Indonesia", exact=True)).to_be_visible()
    participants = page.get_by_role("region", name="Participants by member")
    thailand = participants.get_by_role("row").filter(has_text="Somchai Rattanakul")
    expect(thailand).to_have_count(1)
    expect(thailand).to_contain_text("Thailand")


def test_uncleared_member_sees_only_the_unrestricted_group(page, demo_site, sign_in):
    sign_in(page, demo_site, "uncleared.lk")

    groups = page.get_by_role("region", name="Your working groups")
    expect(groups.get_by_role("link", name="WG-TIP", exact=True)).to_be_visible()
    expect(groups.get_by_role("link", name="WG-DCN")).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text(DCN_NAME)

    response = page.goto(f"{demo_site}/groups/wg-dcn/")

    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        re.compile("not found", re.IGNORECASE)
    )
    expect(page.locator("body")).not_to_contain_text(DCN_NAME)
    expect(page.locator("body")).not_to_contain_text("WG-DCN")


def test_skip_link_is_focused_first_and_moves_focus_to_main(page, demo_site, sign_in):
    sign_in(page, demo_site, "expert.th")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).not_to_be_in_viewport()  # hidden until focused

    page.keyboard.press("Tab")

    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    expect(skip_link).to_have_attribute("href", "#main")

    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{demo_site}/#main")
    expect(page.locator("main#main")).to_be_focused()
    # The next Tab continues from inside the main content, past the header's links.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")


def test_signing_out_returns_to_sign_in_and_protects_pages(page, demo_site, sign_in):
    sign_in(page, demo_site, "cochair.au")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Working groups").click()
    expect(page).to_have_url(f"{demo_site}/groups/")
    page.get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(f"{demo_site}/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)

    page.goto(f"{demo_site}/groups/wg-tip/")

    expect(page).to_have_url(f"{demo_site}/accounts/login/?next=/groups/wg-tip/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.locator("body")).not_to_contain_text(TIP_NAME)


def test_wrong_password_shows_an_error_and_does_not_sign_in(page, demo_site):
    page.goto(f"{demo_site}/accounts/login/")
    page.get_by_label("Username").fill("expert.th")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(f"{demo_site}/accounts/login/")
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    # The username is kept, the password is not.
    expect(page.get_by_label("Username")).to_have_value("expert.th")
    expect(page.get_by_label("Password")).to_have_value("")

    page.goto(f"{demo_site}/")

    expect(page).to_have_url(f"{demo_site}/accounts/login/?next=/")
