"""Browser tests: the portal served by Django's live server, driven by headless Chromium.

One Chromium is started per session and shared; every test gets a fresh browser context
(no cookies carried over) and a freshly loaded demo database (``transactional_db`` empties
the database after each test).

Debian's Chromium is used, never a browser downloaded by ``playwright install``.
"""

import io
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

# Playwright's sync API keeps an asyncio event loop in the main thread, which makes Django
# refuse database access from fixtures and the live server unless this is set.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402
from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
AXE_PATH = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"

DEMO_PASSWORD = "browser-demo-password-1"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Fail quickly rather than wait Playwright's default 30 seconds on a missing element.
ACTION_TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(config, items):
    """Mark every test in this folder `browser` (so `-m "not browser"` leaves them out)."""
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's headless Chromium, started once for the whole session."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail(
            "Chromium is not installed, and the browser tests need it. "
            "Install Debian's Chromium with: apt-get install -y chromium chromium-driver "
            "(do not run `playwright install`).",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A tab in a new browser context: no cookies or storage shared between tests."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def demo_site(live_server, transactional_db) -> str:
    """The live server's base URL (no trailing slash), with the demo data loaded."""
    from django.core.management import call_command

    call_command("load_demo", password=DEMO_PASSWORD, stdout=io.StringIO())
    return live_server.url


def _sign_in(page: Page, base_url: str, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the login form, as a person would, and check we reach the home page."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    if page.url.startswith(f"{base_url}/accounts/two-factor/verify/"):
        # A demo person who must use a second factor: the code their demo app shows now.
        page.get_by_label("Code").fill(_demo_code(username))
        page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{base_url}/")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def _demo_code(username: str) -> str:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal.accounts import two_factor

    return two_factor.current_code(TOTPDevice.objects.get(user__username=username, confirmed=True))


@pytest.fixture
def sign_in() -> Callable[..., None]:
    """The helper ``sign_in(page, base_url, username)``.

    Given as a fixture because this folder has no ``__init__.py``: a test module cannot
    reliably import from a ``conftest`` module.
    """
    return _sign_in


@pytest.fixture(scope="session")
def axe_path() -> Path:
    """axe-core's browser bundle, installed by npm from package.json."""
    if not AXE_PATH.is_file():
        pytest.fail(
            f"axe-core is not installed ({AXE_PATH} is missing): run `npm ci` in {REPO_ROOT}.",
            pytrace=False,
        )
    return AXE_PATH
