"""A secretariat person sets up the second step at sign-in, then signs in with it."""

from base64 import b32decode

from playwright.sync_api import Page, expect

PASSWORD = "correct horse battery staple"


def sign_in_with_password(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def app_code(username: str) -> str:
    """What the person's phone shows now (the next code once this one is used)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal.accounts import two_factor

    return two_factor.current_code(TOTPDevice.objects.get(user__username=username, confirmed=True))


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_secretariat_sets_up_an_app_then_signs_in_with_it_and_with_a_recovery_code(
    page: Page, demo_site
):
    from django_otp.oath import TOTP

    from tests.factories import SecretariatFactory

    SecretariatFactory(username="new.secretary", first_name="Ploy")

    # The password alone leads to the guided set-up.
    sign_in_with_password(page, demo_site, "new.secretary")
    expect(page).to_have_url(f"{demo_site}/accounts/two-factor/?next=%2F")
    expect(page.get_by_role("img", name="The set-up key as a QR image")).to_be_visible()
    # "Scanning": the app takes the key shown under the QR code.
    key = page.locator(".secret-key code").inner_text().replace(" ", "")
    totp = TOTP(b32decode(key), 30, 0, 6, 0)
    page.get_by_label("Code").fill(f"{totp.token():06d}")
    page.get_by_role("button", name="Confirm the code").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    codes = page.get_by_role("list", name="Recovery codes").locator("code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="I have kept them, continue").click()
    expect(page).to_have_url(f"{demo_site}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome, Ploy")
    sign_out(page)

    # Again, with a code from the app.
    sign_in_with_password(page, demo_site, "new.secretary")
    expect(page).to_have_url(f"{demo_site}/accounts/two-factor/verify/?next=%2F")
    page.get_by_label("Code").fill(app_code("new.secretary"))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{demo_site}/")
    sign_out(page)

    # Without the phone: a recovery code, which works once.
    sign_in_with_password(page, demo_site, "new.secretary")
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{demo_site}/")
    sign_out(page)
    sign_in_with_password(page, demo_site, "new.secretary")
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("That code is not right.")).to_be_visible()
    expect(page).to_have_url(f"{demo_site}/accounts/two-factor/verify/?next=%2F")
