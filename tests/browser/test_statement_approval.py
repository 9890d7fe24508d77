"""A public statement in the browser: the secretariat submits it, a co-chair follows the
link in the approval e-mail, signs in on the way, and approves it."""

import re

from django.contrib.auth import get_user_model
from django.core import mail
from playwright.sync_api import expect

from tests.browser.conftest import DEMO_PASSWORD
from tests.browser.test_accessibility import assert_accessible

DRAFT = "Statement on the 2026 annual meeting"


def test_a_co_chair_follows_the_approval_email_signs_in_and_approves(
    page, browser, demo_site, sign_in, axe_path, settings
):
    # E-mails carry the portal's full address only when it is configured.
    settings.PORTAL_URL = demo_site
    sign_in(page, demo_site, "secretariat")
    page.goto(f"{demo_site}/groups/wg-tip/")
    page.get_by_role("link", name=DRAFT).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(DRAFT)
    confirm = page.get_by_label(re.compile("These names may be published"))
    if confirm.count():
        confirm.check()
    mail.outbox.clear()
    page.get_by_role("button", name="Submit to the co-chairs").click()
    expect(page.get_by_role("status").first).to_contain_text("Submitted to the co-chairs")

    address = get_user_model().objects.get(username="cochair.au").email
    (email,) = [m for m in mail.outbox if m.to == [address]]
    assert DRAFT in email.subject
    link = re.search(rf"{re.escape(demo_site)}/groups/wg-tip/statements/\d+/", email.body)
    assert link, email.body
    html = email.alternatives[0][0]
    assert link.group(0) in html

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    try:
        co_chair = context.new_page()
        co_chair.goto(link.group(0))
        # Not signed in: the sign-in page first, then back to the statement.
        expect(co_chair.get_by_role("heading", level=1)).to_have_text("Sign in")
        co_chair.get_by_label("Username").fill("cochair.au")
        co_chair.get_by_label("Password").fill(DEMO_PASSWORD)
        co_chair.get_by_role("button", name="Sign in").click()
        # A co-chair's second step: the code of the demo's authenticator app.
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from portal.accounts import two_factor

        device = TOTPDevice.objects.get(user__username="cochair.au", confirmed=True)
        co_chair.get_by_label("Code").fill(two_factor.current_code(device))
        co_chair.get_by_role("button", name="Continue").click()
        expect(co_chair).to_have_url(link.group(0))
        expect(co_chair.get_by_role("heading", level=1)).to_have_text(DRAFT)
        assert_accessible(co_chair, axe_path)

        co_chair.get_by_role("button", name="Approve this statement").click()
        expect(co_chair.get_by_role("status").first).to_contain_text("You approved the statement")
        expect(co_chair.get_by_text("You approved this content")).to_be_visible()
        expect(co_chair.get_by_role("button", name="Approve this statement")).to_have_count(0)
        # One of two co-chairs has approved: still waiting, not yet public.
        expect(co_chair.get_by_text("Waiting for the co-chairs").first).to_be_visible()
        co_chair.goto(f"{demo_site}/public/groups/wg-tip/")
        expect(co_chair.get_by_role("link", name=DRAFT)).to_have_count(0)
    finally:
        context.close()
