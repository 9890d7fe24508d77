"""The meeting pack in the browser: two readers with different rights, two different packs."""

import re

import pypdf
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import Page, expect
from weasyprint import HTML

from meetings import agenda, papers
from meetings.models import Document, Meeting, MeetingPack
from portal.accounts.models import User
from tests.browser.test_accessibility import assert_accessible

MEETING = "WG-TIP annual meeting 2027"


def paper(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{text}.pdf", HTML(string=f"<p>{text}</p>").write_pdf())


def prepare_the_meeting() -> None:
    """The secretariat publishes the agenda and uploads two papers: a public concept note,
    and a draft plan for the meeting's participants."""
    meeting = Meeting.objects.get(title=MEETING)
    agenda.agenda_publish(meeting)
    items = list(meeting.agenda_items.order_by("position"))
    secretary = User.objects.get(username="secretariat")
    papers.document_add(
        meeting,
        title="Draft Forward Work Plan 2027-2029",
        access=Document.Access.PARTICIPANTS,
        upload=paper("Draft plan for the participants"),
        uploaded_by=secretary,
        agenda_item=items[3],
    )
    papers.document_add(
        meeting,
        title="Concept note",
        access=Document.Access.PUBLIC,
        upload=paper("Concept note for everyone"),
        uploaded_by=secretary,
        agenda_item=items[1],
    )


def download_pack(page: Page, base_url: str, axe_path) -> str:
    """Prepare the signed-in person's pack from the meeting page; its text."""
    page.goto(f"{base_url}/meetings/")
    page.get_by_role("link", name=MEETING, exact=True).click()
    pack = page.get_by_role("region", name="Meeting pack (PDF)")
    pack.get_by_role("button", name="Prepare my meeting pack").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Meeting pack: {MEETING}")
    expect(page.get_by_role("status")).to_have_text("Ready.")
    assert_accessible(page, axe_path)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the meeting pack (PDF)").click()
    assert download.value.suggested_filename == "wg-tip-annual-meeting-2027-meeting-pack.pdf"
    reader = pypdf.PdfReader(download.value.path())
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def test_an_expert_and_an_observer_download_different_meeting_packs(
    page, browser, demo_site, sign_in, axe_path
):
    prepare_the_meeting()
    sign_in(page, demo_site, "expert.th")
    experts = download_pack(page, demo_site, axe_path)

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    try:
        other = context.new_page()
        sign_in(other, demo_site, "observer")
        observers = download_pack(other, demo_site, axe_path)
    finally:
        context.close()

    for text, name in ((experts, "Somchai Rattanakul"), (observers, "Claire Gagnon")):
        assert f"Prepared for {name}" in text
        assert "Towards the next Forward Work Plan" in text  # the agenda
        assert "Concept note for everyone" in text
        assert re.search(r"Page \d+ of \d+", text)
    # The expert takes part in the group; Canada is invited as an observer, who reads the
    # public papers only.
    assert "Draft plan for the participants" in experts
    assert "Draft Forward Work Plan" not in observers
    assert "Draft plan for the participants" not in observers


def test_the_pack_page_follows_the_pack_until_it_is_ready(
    page, demo_site, sign_in, axe_path, monkeypatch
):
    """With the worker slow to start, the page says the pack is queued, then shows the
    download once the worker has made it, without the reader reloading the page."""
    from meetings import pack, tasks

    prepare_the_meeting()
    monkeypatch.setattr(tasks.make_meeting_pack, "delay", lambda pack_id: None)
    sign_in(page, demo_site, "expert.th")
    page.goto(f"{demo_site}/meetings/")
    page.get_by_role("link", name=MEETING, exact=True).click()
    page.get_by_role("button", name="Prepare my meeting pack").click()
    expect(page.get_by_role("status")).to_have_text("Queued: your meeting pack will follow.")
    expect(page.get_by_role("link", name="Refresh")).to_be_visible()
    assert_accessible(page, axe_path)

    queued = MeetingPack.objects.get(reader__username="expert.th")
    pack.pack_run(queued.pk)  # the worker, at last
    expect(page.get_by_role("link", name="Download the meeting pack (PDF)")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("Ready.")
