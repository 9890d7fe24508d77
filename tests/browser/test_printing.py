"""A printed agenda in the browser: the reader waits on a page that follows the printing,
and the PDF opens by itself once the worker has printed it."""

from playwright.sync_api import expect

from meetings import agenda
from meetings.models import Meeting
from portal.printing import services
from portal.printing.models import PrintedDocument
from tests.browser.test_accessibility import assert_accessible

MEETING = "WG-TIP annual meeting 2027"


def test_the_waiting_page_opens_the_agenda_pdf_once_it_is_printed(
    page, demo_site, sign_in, axe_path, settings, monkeypatch
):
    """With a worker that has not yet printed it, the expert sees the agenda queued; once it
    is printed the PDF follows, without the reader reloading the page."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    sent = []
    monkeypatch.setattr(services.PRINTINGS, "send_after_commit", sent.append)
    meeting = Meeting.objects.get(title=MEETING)
    if meeting.agenda_published_at is None:
        agenda.agenda_publish(meeting)
    pdf_url = f"{demo_site}/meetings/{meeting.pk}/agenda.pdf"

    sign_in(page, demo_site, "expert.th")
    page.goto(f"{demo_site}/meetings/")
    page.get_by_role("link", name=MEETING, exact=True).click()
    page.get_by_role("link", name="Print the agenda (PDF)").click()
    expect(page).to_have_url(pdf_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Agenda: {MEETING} (PDF)")
    expect(page.get_by_role("status")).to_have_text("Queued: the PDF will follow in a moment.")
    expect(page.get_by_role("link", name="Open the PDF")).to_have_attribute(
        "href", pdf_url.removeprefix(demo_site)
    )
    expect(page.get_by_role("link", name="← Back")).to_be_visible()
    assert_accessible(page, axe_path)
    (document,) = PrintedDocument.objects.all()
    assert sent == [document.pk]

    def is_the_pdf(response) -> bool:
        return response.url == pdf_url and response.headers.get("content-type") == (
            "application/pdf"
        )

    # The page asks every two seconds; the worker prints meanwhile.
    with page.expect_response(is_the_pdf, timeout=20_000) as opened:
        assert services.printing_run(document.pk).status == PrintedDocument.Status.SUCCEEDED
    response = opened.value
    assert response.status == 200
    assert response.request.resource_type == "document"  # a navigation, not the page's polling
    assert response.headers["content-disposition"] == (
        'inline; filename="wg-tip-annual-meeting-2027-agenda.pdf"'
    )
