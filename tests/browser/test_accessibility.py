"""axe-core on every kind of page: no serious or critical accessibility violation.

Rules axe rates "minor" or "moderate" (mostly best practices) are not enforced here.
"""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

BLOCKING_IMPACTS = ("serious", "critical")
TARGETS_SHOWN = 3


def serious_violations(page: Page, axe_path: Path) -> list[dict]:
    """Run axe-core on the page as it is now; the violations rated serious or critical."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the browser's own channel: a <script> tag added to the page
        # would be refused by the portal's Content-Security-Policy, as it should be.
        page.evaluate(axe_path.read_text())
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]


def _selector(target) -> str:
    # A target is a CSS selector, or a list of them when it crosses iframes or shadow roots.
    return " >>> ".join(target) if isinstance(target, list) else str(target)


def summarise(violations: list[dict]) -> str:
    """One readable paragraph per violated rule: id, impact, help and where it happens."""
    lines = []
    for violation in violations:
        nodes = violation["nodes"]
        targets = [_selector(node["target"]) for node in nodes[:TARGETS_SHOWN]]
        more = f" and {len(nodes) - TARGETS_SHOWN} more" if len(nodes) > TARGETS_SHOWN else ""
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}\n"
            f"  {violation['helpUrl']}\n"
            f"  at {len(nodes)} element(s): {'; '.join(targets)}{more}"
        )
    return "\n".join(lines)


def assert_accessible(page: Page, axe_path: Path) -> None:
    """Fail with a readable summary if axe finds a serious or critical violation."""
    violations = serious_violations(page, axe_path)
    if violations:
        raise AssertionError(
            f"axe-core found {len(violations)} serious or critical accessibility "
            f"violation(s) on {page.url}:\n{summarise(violations)}"
        )


def open_page(page: Page, url: str, heading: str) -> None:
    """Open the page and make sure it is the page meant (not a 404 or the sign-in page)."""
    response = page.goto(url)
    assert response is not None
    assert response.status == 200, f"{url} answered {response.status}"
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/accounts/login/", "Sign in"),
        ("/accounts/password/reset/", "Reset your password"),
        ("/public/groups/wg-tip/", "Working Group on Trafficking in Persons"),
    ],
    ids=["sign-in", "password-reset", "group-public-page"],
)
def test_anonymous_page_is_accessible(page, demo_site, axe_path, path, heading):
    open_page(page, demo_site + path, heading)

    assert_accessible(page, axe_path)


@pytest.mark.parametrize(
    ("username", "path", "heading"),
    [
        ("secretariat", "/", "Welcome, Malee"),
        ("expert.th", "/", "Welcome, Somchai"),
        ("cochair.au", "/", "Welcome, Grace"),
        ("observer", "/", "Welcome, Claire"),
        ("secretariat", "/groups/", "Working groups"),
        ("cochair.au", "/groups/wg-tip/", "Working Group on Trafficking in Persons"),
        ("expert.th", "/groups/wg-tip/terms-of-reference/v1/", "Terms of Reference, version 1"),
        ("expert.th", "/members/", "Members and observers"),
        ("secretariat", "/members/australia/", "Australia"),
        ("uncleared.lk", "/accounts/profile/", "Your account"),
        ("expert.th", "/accounts/password/change/", "Change your password"),
        ("secretariat", "/groups/wg-tip/roster/", "Co-chair roster"),
        ("expert.th", "/groups/wg-tip/roster/", "Co-chair roster"),
        ("secretariat", "/groups/wg-dcn/roster/", "Co-chair roster"),
        ("secretariat", "/groups/wg-tip/roster/terms/new/", "Add a co-chair term"),
        ("secretariat", "/groups/wg-tip/roster/nominations/new/", "Record a nomination"),
        ("secretariat", "/groups/wg-tip/work-plans/2015-17/attachments/", "Attachments"),
        ("expert.th", "/groups/wg-tip/work-plans/2015-17/attachments/", "Attachments"),
        ("secretariat", "/groups/wg-tip/work-plans/2015-17/attachments/new/", "Attach a document"),
        ("secretariat", "/groups/wg-tip/reports/brief/2026/speaking-points/", "Speaking points"),
        ("secretariat", "/groups/wg-tip/silence/new/", "Circulate a text"),
        ("cochair.au", "/accounts/two-factor/", "Set up your authenticator app"),
        ("cochair.au", "/notifications/", "Notifications"),
        ("expert.th", "/accounts/notifications/", "How you are told"),
        ("secretariat", "/audit/", "Access log"),
    ],
    ids=[
        "home-secretariat",
        "home-expert",
        "home-co-chair",
        "home-observer",
        "group-list",
        "group-detail",
        "terms-of-reference",
        "member-list",
        "member-detail",
        "profile",
        "password-change",
        "roster-secretariat",
        "roster-expert",
        "roster-past-terms",
        "term-form",
        "nomination-form",
        "plan-attachments-secretariat",
        "plan-attachments-expert",
        "attachment-form",
        "speaking-points",
        "silence-procedure-form",
        "two-factor-setup",
        "notifications",
        "notification-preferences",
        "access-log",
    ],
)
def test_signed_in_page_is_accessible(page, demo_site, sign_in, axe_path, username, path, heading):
    sign_in(page, demo_site, username)
    open_page(page, demo_site + path, heading)

    assert_accessible(page, axe_path)


@pytest.mark.parametrize("username", ["cochair.au", "secretariat"])
def test_silence_procedure_page_is_accessible(page, demo_site, sign_in, axe_path, username):
    # The procedure's id is not fixed: follow the link from the group page, as people do.
    sign_in(page, demo_site, username)
    open_page(page, f"{demo_site}/groups/wg-tip/", "Working Group on Trafficking in Persons")
    page.get_by_role("link", name="Revision of the Forward Work Plan 2024-2026").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Revision of the Forward Work Plan 2024-2026"
    )

    assert_accessible(page, axe_path)


def test_silence_procedure_form_with_errors_is_accessible(page, demo_site, sign_in, axe_path):
    sign_in(page, demo_site, "secretariat")
    open_page(page, f"{demo_site}/groups/wg-tip/silence/new/", "Circulate a text")
    page.get_by_role("button", name="Circulate under silence").click()
    expect(page.locator(".errorlist").first).to_be_visible()

    assert_accessible(page, axe_path)


def test_sign_in_page_with_an_error_is_accessible(page, demo_site, axe_path):
    open_page(page, f"{demo_site}/accounts/login/", "Sign in")
    page.get_by_label("Username").fill("expert.th")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")

    assert_accessible(page, axe_path)


def test_password_change_with_errors_is_accessible(page, demo_site, sign_in, axe_path):
    sign_in(page, demo_site, "expert.th")
    open_page(page, f"{demo_site}/accounts/password/change/", "Change your password")
    page.get_by_role("button", name="Change password").click()
    expect(page.locator(".errorlist").first).to_be_visible()

    assert_accessible(page, axe_path)


def test_som_decision_form_is_accessible(page, demo_site, sign_in, axe_path):
    sign_in(page, demo_site, "secretariat")
    open_page(page, f"{demo_site}/groups/wg-tip/roster/", "Co-chair roster")
    # The nomination's id is not fixed: follow the link, as the secretariat does.
    page.get_by_role("link", name="Record the SOM decision on Thailand").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record the SOM decision")

    assert_accessible(page, axe_path)


def test_term_form_with_a_refused_term_is_accessible(page, demo_site, sign_in, axe_path):
    sign_in(page, demo_site, "secretariat")
    open_page(page, f"{demo_site}/groups/wg-tip/roster/terms/new/", "Add a co-chair term")
    member = page.get_by_label("Member")
    member.select_option(label="Japan")
    page.get_by_label("Seat").select_option(label="Seat 1")
    page.get_by_label("Starts on").fill("2027-08-06")
    page.get_by_label("Planned end on").fill("2029-08-05")
    decided_at = page.get_by_label("Decided at")
    som = decided_at.locator("option").filter(has_text="Eighth Ad Hoc Group Senior Officials")
    decided_at.select_option(value=som.get_attribute("value"))
    page.get_by_role("button", name="Save the term").click()
    expect(member.locator("xpath=..").locator(".errorlist")).to_contain_text(
        "Japan was not an Ad Hoc Group member"
    )

    assert_accessible(page, axe_path)


def test_term_form_with_missing_fields_is_accessible(page, demo_site, sign_in, axe_path):
    sign_in(page, demo_site, "secretariat")
    open_page(page, f"{demo_site}/groups/wg-tip/roster/terms/new/", "Add a co-chair term")
    page.get_by_role("button", name="Save the term").click()
    expect(page.locator(".errorlist").first).to_be_visible()

    assert_accessible(page, axe_path)


def test_group_page_is_accessible_on_a_narrow_screen(page, demo_site, sign_in, axe_path):
    page.set_viewport_size({"width": 375, "height": 700})
    sign_in(page, demo_site, "cochair.au")
    open_page(page, f"{demo_site}/groups/wg-tip/", "Working Group on Trafficking in Persons")

    assert_accessible(page, axe_path)
    # Wide tables scroll inside their own box: the page itself never scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_not_found_page_keeps_the_portal_layout_and_is_accessible(
    page, demo_site, sign_in, axe_path
):
    sign_in(page, demo_site, "expert.th")
    response = page.goto(f"{demo_site}/groups/wg-dcn/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()

    assert_accessible(page, axe_path)


def test_statement_pages_are_accessible(page, demo_site, sign_in, axe_path):
    # Statements are known by ids the demo does not fix: follow the links, as people do.
    open_page(page, f"{demo_site}/public/groups/wg-tip/", "Working Group on Trafficking")
    page.get_by_role("link", name="Statement on the Following the Money Forum").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Statement on the Following the Money Forum"
    )
    assert_accessible(page, axe_path)

    sign_in(page, demo_site, "secretariat")
    open_page(page, f"{demo_site}/groups/wg-tip/", "Working Group on Trafficking")
    page.get_by_role("link", name="Statement on the 2026 annual meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Statement on the 2026 annual meeting"
    )
    assert_accessible(page, axe_path)
    page.get_by_role("link", name="Edit the statement").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Edit the statement")
    assert_accessible(page, axe_path)
    # The form with its errors, as the secretariat sees it after leaving the text empty.
    page.get_by_label("Text").fill("")
    page.get_by_role("button", name="Save the statement").click()
    expect(page.locator(".errorlist").first).to_be_visible()
    assert_accessible(page, axe_path)
    open_page(page, f"{demo_site}/groups/wg-tip/", "Working Group on Trafficking")
    page.get_by_role("link", name="Draft a statement").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Draft a public statement")
    assert_accessible(page, axe_path)


def test_search_pages_are_accessible(page, demo_site, sign_in, axe_path):
    """The search page empty, with results and their marked words, and with a refused
    search, reached from the header's box."""
    sign_in(page, demo_site, "expert.th")
    open_page(page, demo_site + "/search/", "Search")
    assert_accessible(page, axe_path)
    box = page.get_by_role("search", name="Search the portal", exact=True)
    box.get_by_label("Search").fill("trafficking")
    box.get_by_role("button", name="Search").click()
    expect(page.locator(".search-results mark").first).to_be_visible()
    assert_accessible(page, axe_path)
    open_page(page, demo_site + "/search/?q=" + "a" * 201, "Search")
    expect(page.get_by_text("at most 200 characters")).to_be_visible()
    assert_accessible(page, axe_path)


def test_the_check_catches_an_unlabelled_field_and_an_image_without_text(page, demo_site, axe_path):
    open_page(page, f"{demo_site}/accounts/login/", "Sign in")
    assert_accessible(page, axe_path)  # the real page passes ...

    page.evaluate(
        """() => {
            const form = document.querySelector('main form');
            const field = document.createElement('input');
            field.type = 'text';
            field.name = 'nickname';
            form.prepend(field);
            const image = document.createElement('img');
            image.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
            document.querySelector('main').append(image);
        }"""
    )

    # ... and the same page with an unlabelled field and an image without alt does not.
    found = {v["id"]: v for v in serious_violations(page, axe_path)}
    assert {"label", "image-alt"} <= found.keys(), summarise(list(found.values()))
    assert found["label"]["nodes"][0]["target"] == ['input[name="nickname"]']
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page, axe_path)
    message = str(failure.value)
    assert "label (critical): Form elements must have labels" in message
    assert 'input[name="nickname"]' in message
    assert "image-alt (critical): Images must have alternative text" in message


def test_second_factor_pages_are_accessible(page, demo_site, axe_path):
    # The code page, as met after the password, with a wrong code's error on it.
    page.goto(f"{demo_site}/accounts/login/")
    page.get_by_label("Username").fill("secretariat")
    page.get_by_label("Password").fill("browser-demo-password-1")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    assert_accessible(page, axe_path)
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("That code is not right.")).to_be_visible()
    assert_accessible(page, axe_path)


def test_recovery_codes_page_is_accessible(page, demo_site, sign_in, axe_path):
    sign_in(page, demo_site, "secretariat")
    open_page(page, f"{demo_site}/accounts/profile/", "Your account")
    page.get_by_role("button", name="New recovery codes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    assert_accessible(page, axe_path)


def test_locked_out_page_is_accessible(page, demo_site, axe_path):
    for _ in range(11):
        page.goto(f"{demo_site}/accounts/login/")
        page.get_by_label("Username").fill("observer")
        page.get_by_label("Password").fill("wrong password")
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many attempts to sign in")
    assert_accessible(page, axe_path)
