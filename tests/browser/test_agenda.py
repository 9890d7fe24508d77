"""Building a meeting's agenda in the browser, with and without JavaScript, and reading it.

The demo's WG-TIP meetings already have agendas; the items added here go at the end, so
the tests count from whatever is there and look items up by their (new) titles.
"""

import re

from playwright.sync_api import Browser, Locator, Page, expect

try:
    from tests.browser.test_accessibility import assert_accessible, open_page
except ImportError:  # pragma: no cover - the folder is not a package under every import mode
    from test_accessibility import assert_accessible, open_page

MEETING = "Second meeting of WG-TIP"
NEW_ITEMS = [
    ("Victim identification: country updates", 40),
    ("Partnership with the private sector", 35),
    ("Review of the work plan actions", 25),
]
TIME = re.compile(r"\d\d:\d\d–\d\d:\d\d")


def open_meeting(page: Page, base_url: str, title: str) -> None:
    """Find the meeting on the meeting list, as people do, and open it."""
    page.goto(f"{base_url}/meetings/")
    page.get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def open_editor(page: Page, base_url: str, title: str = MEETING) -> str:
    open_meeting(page, base_url, title)
    page.get_by_role("link", name="Build the agenda").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Build the agenda")
    return page.url


def items(page: Page) -> Locator:
    """The agenda's items, in the editor or on the meeting page."""
    return page.locator("ol.agenda > li")


def item(page: Page, title: str) -> Locator:
    return items(page).filter(has=page.get_by_role("heading", name=re.compile(re.escape(title))))


def times_of(entry: Locator) -> str:
    match = TIME.search(entry.locator(".agenda-time").inner_text())
    assert match, entry.inner_text()
    return match.group(0)


def add_item(page: Page, title: str, minutes: int) -> None:
    page.get_by_label("Title:", exact=True).fill(title)
    page.get_by_label("Duration (minutes)").fill(str(minutes))
    page.get_by_role("button", name="Add the item").click()


def as_draft(page: Page) -> None:
    """Start from a draft: the demo's held meetings have published agendas."""
    unpublish = page.get_by_role("button", name="Unpublish the agenda")
    if unpublish.count():
        unpublish.click()
        expect(page.get_by_role("button", name="Publish the agenda")).to_be_visible()


def test_secretariat_builds_the_agenda_in_place_and_a_member_reads_it(
    browser: Browser, page, demo_site, sign_in
):
    sign_in(page, demo_site, "secretariat")
    editor_url = open_editor(page, demo_site)
    as_draft(page)
    before = items(page).count()
    announcer = page.locator("#agenda-announcer")
    expect(announcer).to_have_attribute("aria-live", "polite")
    page.evaluate("window.stillTheSamePage = true")

    for number, (title, minutes) in enumerate(NEW_ITEMS, start=before + 1):
        add_item(page, title, minutes)

        expect(item(page, title)).to_be_focused()
        expect(item(page, title).get_by_role("heading")).to_have_text(f"{number}. {title}")
        expect(announcer).to_contain_text(f"Added item {number}, {title}, ")
        expect(page.get_by_label("Title:", exact=True)).to_have_value("")
    expect(page).to_have_url(editor_url)
    assert page.evaluate("window.stillTheSamePage") is True
    expect(items(page)).to_have_count(before + 3)

    last_title, last_minutes = NEW_ITEMS[-1]
    last = item(page, last_title)
    last.get_by_label("Move to position").fill("1")
    last.get_by_role("button", name=re.compile(r"^Move\s*:")).click()

    moved = item(page, last_title)
    expect(moved).to_be_focused()
    expect(announcer).to_have_text(
        f"Moved {last_title} to position 1 of {before + 3}; it now runs 09:00 to 09:{last_minutes}."
    )
    expect(items(page).first.get_by_role("heading")).to_have_text(f"1. {last_title}")
    # The buttons go one step at a time, also without leaving the page.
    moved.get_by_role("button", name=re.compile(r"^Move down")).click()
    expect(items(page).nth(1).get_by_role("heading")).to_have_text(f"2. {last_title}")
    expect(item(page, last_title)).to_be_focused()
    expect(announcer).to_contain_text(f"Moved {last_title} to position 2 of {before + 3}")
    item(page, last_title).get_by_role("button", name=re.compile(r"^Move up")).click()
    expect(items(page).first.get_by_role("heading")).to_have_text(f"1. {last_title}")
    expect(announcer).to_contain_text(f"Moved {last_title} to position 1 of {before + 3}")
    expect(page).to_have_url(editor_url)
    assert page.evaluate("window.stillTheSamePage") is True
    expected = [(title, times_of(item(page, title))) for title, _ in NEW_ITEMS]

    page.get_by_role("button", name="Publish the agenda").click()
    expect(page.locator(".message-success")).to_have_text(
        "Published the agenda: the meeting's participants see it."
    )

    member_context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        member = member_context.new_page()
        sign_in(member, demo_site, "expert.th")
        open_meeting(member, demo_site, MEETING)
        expect(member.get_by_role("link", name="Build the agenda")).to_have_count(0)
        expect(items(member)).to_have_count(before + 3)
        expect(items(member).first.get_by_role("heading")).to_have_text(f"1. {last_title}")
        expect(items(member).first).to_contain_text(f"09:00–09:{last_minutes}")
        for title, time in expected:
            expect(item(member, title)).to_contain_text(time)
        headings = items(member).get_by_role("heading").all_inner_texts()
        assert headings[-2:] == [
            f"{before + 2}. {NEW_ITEMS[0][0]}",
            f"{before + 3}. {NEW_ITEMS[1][0]}",
        ]
    finally:
        member_context.close()


def test_the_editor_works_without_javascript(browser: Browser, demo_site, sign_in):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, demo_site, "secretariat")
        editor_url = open_editor(page, demo_site, "First meeting of WG-TIP")
        before = items(page).count()

        add_item(page, "Items raised without a script", 20)

        added = item(page, "Items raised without a script")
        expect(page).to_have_url(re.compile(re.escape(editor_url) + r"#item-\d+$"))
        expect(page.locator(".message-success")).to_contain_text(
            f"Added item {before + 1}, Items raised without a script, "
        )
        expect(added.get_by_role("heading")).to_have_text(
            f"{before + 1}. Items raised without a script"
        )

        added.get_by_role("button", name=re.compile(r"^Move up")).click()

        expect(page.locator(".message-success")).to_contain_text(
            f"Moved Items raised without a script to position {before} of {before + 1}"
        )
        expect(items(page).nth(before - 1).get_by_role("heading")).to_have_text(
            f"{before}. Items raised without a script"
        )

        item(page, "Items raised without a script").get_by_label("Move to position").fill("1")
        item(page, "Items raised without a script").get_by_role(
            "button", name=re.compile(r"^Move\s*:")
        ).click()

        expect(page).to_have_url(re.compile(r"#item-\d+$"))
        expect(items(page).first.get_by_role("heading")).to_have_text(
            "1. Items raised without a script"
        )
        expect(items(page).first).to_contain_text("09:00–09:20")
    finally:
        context.close()


def test_a_refused_move_without_javascript_shows_the_reason_beside_the_item(
    browser: Browser, demo_site, sign_in
):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, demo_site, "secretariat")
        open_editor(page, demo_site, "First meeting of WG-TIP")
        count = items(page).count()
        first = items(page).first
        first.get_by_label("Move to position").fill(str(count + 5))
        first.get_by_role("button", name=re.compile(r"^Move\s*:")).click()

        field = items(page).first.get_by_label("Move to position")
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_accessible_description(
            f"There is no position {count + 5} on this agenda: choose one from 1 to {count}."
        )
    finally:
        context.close()


def test_a_refused_item_keeps_focus_on_the_field_to_correct(page, demo_site, sign_in):
    sign_in(page, demo_site, "secretariat")
    editor_url = open_editor(page, demo_site)
    before = items(page).count()

    page.get_by_label("Duration (minutes)").fill("700")
    page.get_by_role("button", name="Add the item").click()

    title = page.get_by_label("Title:", exact=True)
    expect(title).to_be_focused()
    expect(title).to_have_accessible_description("Give the agenda item a title.")
    expect(page.get_by_label("Duration (minutes)")).to_have_accessible_description(
        re.compile("Give a duration from 5 to 600 minutes")
    )
    expect(page.locator("#agenda-announcer")).to_have_text(
        "The item was not added: correct the errors shown in the form."
    )
    expect(items(page)).to_have_count(before)
    expect(page).to_have_url(editor_url)


def test_the_editor_with_a_refused_item_is_accessible(page, demo_site, sign_in, axe_path):
    sign_in(page, demo_site, "secretariat")
    editor_url = open_editor(page, demo_site)
    page.get_by_role("button", name="Add the item").click()
    expect(page.locator(".errorlist").first).to_be_visible()

    assert_accessible(page, axe_path)

    # The same page reached without the script, by a plain reload of the editor.
    open_page(page, editor_url, "Build the agenda")
    assert_accessible(page, axe_path)


def test_the_item_page_with_a_refused_speaker_is_accessible(page, demo_site, sign_in, axe_path):
    sign_in(page, demo_site, "secretariat")
    open_editor(page, demo_site)
    items(page).first.get_by_role("link", name=re.compile(r"^Edit")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Agenda item 1")
    page.get_by_role("button", name="Add the speaker").click()
    expect(page.locator(".errorlist").first).to_contain_text("Choose a person of the portal")

    assert_accessible(page, axe_path)
