"""The agenda, the list of participants and the meeting pack share the portal's printed
look: print-base.css and the components of templates/print/, the language declared, tagged
for screen readers where nothing is merged, and no heading left alone at a page's foot."""

import datetime
import html
import io
import re

import pypdf
import pytest
from django.utils import timezone

from meetings import agenda, pack, participants, pdf, services
from meetings.models import Meeting
from portal import pdf as printing
from portal.accounts.models import User
from tests import printed
from tests.factories import (
    MeetingFactory,
    MemberFactory,
    SecretariatFactory,
    WorkingGroupFactory,
    participant,
)

pytestmark = pytest.mark.django_db
ANNUAL = "WG-TIP annual meeting 2026"
SOM = "Sixth Ad Hoc Group Senior Officials Meeting"


def _catalog(data: bytes):
    return pypdf.PdfReader(io.BytesIO(data)).trailer["/Root"]


def _is_tagged(data: bytes) -> bool:
    catalog = _catalog(data)
    marked = catalog.get("/MarkInfo", {}).get("/Marked", False)
    return bool(marked) or "/StructTreeRoot" in catalog


def _plain(text: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def assert_no_page_ends_with_a_heading(document_html: str, data: bytes) -> None:
    assert printed.headings(document_html)
    alone = printed.pages_ending_with_a_heading(data, document_html)
    assert not alone, f"page {alone[0][0]} ends with the heading {alone[0][1]!r}"


def _demo_meeting(title: str) -> Meeting:
    return Meeting.objects.get(title=title)


def _listing_html_and_pdf(meeting, *, named):
    listing = participants.participants_list(meeting, named=named)
    return participants.participants_html(listing), participants.participants_pdf(listing)


def _agenda_html_and_pdf(meeting, reader):
    items = pdf.printable_agenda(reader, meeting)
    now = timezone.now().astimezone(meeting.zone)
    return pdf.agenda_html(meeting, items, now), pdf.agenda_pdf(meeting, scheduled_items=items)


def _pack_pdf(meeting, reader) -> bytes:
    return pack.pack_pdf(pack.pack_contents(meeting, reader), reader.get_full_name())


# --- The shared look --------------------------------------------------------------------


def test_the_three_documents_link_the_shared_print_styles_and_carry_no_style_block(demo):
    meeting = _demo_meeting(ANNUAL)
    secretariat = User.objects.get(username="secretariat")
    contents = pack.pack_contents(meeting, secretariat)
    now = timezone.now().astimezone(meeting.zone)
    documents = {
        "agenda": pdf.agenda_html(meeting, contents.scheduled, now),
        "named list": _listing_html_and_pdf(meeting, named=True)[0],
        "public list": _listing_html_and_pdf(meeting, named=False)[0],
        "pack cover": pack.cover_html(contents, "Somchai Rattanakul", [], now, 3),
    }
    for name, document in documents.items():
        assert '<html lang="en">' in document, name
        assert '<link rel="stylesheet" href="css/print-base.css">' in document, name
        assert "<style" not in document and ' style="' not in document, name
        title = re.search(r"<title>(.*?)</title>", document, flags=re.S)
        assert title and meeting.title in _plain(title.group(1)), name
        # The title block of templates/print/: the pack opens with its cover form.
        header = "cover" if name == "pack cover" else "title-block"
        assert f'<header class="{header}">' in document, name
        assert "Chatham House Rule." in document, name


def test_a_draft_agenda_says_so_in_its_title_block(demo):
    upcoming = _demo_meeting("WG-TIP annual meeting 2027")
    document, data = _agenda_html_and_pdf(upcoming, User.objects.get(username="secretariat"))
    block = document.split('<header class="title-block">')[1].split("</header>")[0]
    assert "Draft agenda" in block and "This agenda has not been published" in block
    text = " ".join(pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text().split())
    assert "DRAFT AGENDA" in text and "may still change" in text


def test_the_demo_documents_declare_their_language_and_are_tagged_unless_merged(demo):
    meeting = _demo_meeting(ANNUAL)
    secretariat = User.objects.get(username="secretariat")
    single = {
        "agenda": _agenda_html_and_pdf(meeting, secretariat)[1],
        "named list": _listing_html_and_pdf(meeting, named=True)[1],
        "public list": _listing_html_and_pdf(meeting, named=False)[1],
    }
    for name, data in single.items():
        assert _catalog(data)["/Lang"] == "en", name
        assert _is_tagged(data), name
    # The pack merges its papers into one file: their structure is lost, the language is not.
    assert _catalog(_pack_pdf(meeting, secretariat))["/Lang"] == "en"


# --- Headings stay with what follows ----------------------------------------------------


def test_the_check_finds_a_heading_left_at_the_foot_of_a_page():
    document = (
        '<html lang="en"><head><title>Check</title>'
        '<link rel="stylesheet" href="css/print-base.css"></head><body>'
        '<p style="height: 230mm">Filler</p><h2>Left behind</h2>'
        '<p style="break-before: page">Next page</p></body></html>'
    )
    with pytest.raises(AssertionError, match="Left behind"):
        assert_no_page_ends_with_a_heading(document, printing.html_to_pdf(document))


def test_no_page_of_the_demo_agenda_or_lists_ends_with_a_heading(demo):
    secretariat = User.objects.get(username="secretariat")
    assert_no_page_ends_with_a_heading(*_agenda_html_and_pdf(_demo_meeting(ANNUAL), secretariat))
    som = _demo_meeting(SOM)
    for named in (True, False):
        document, data = _listing_html_and_pdf(som, named=named)
        assert_no_page_ends_with_a_heading(document, data)


def test_a_long_agenda_keeps_every_heading_with_what_follows():
    group = WorkingGroupFactory()
    meeting = MeetingFactory(kind="working_group", group=group, body="", objectives="Agree.")
    for n in range(36):
        agenda.item_add(
            meeting, title=f"Country statement {n + 1}", description="Statement. " * (n % 7 * 9)
        )
    document, data = _agenda_html_and_pdf(meeting, SecretariatFactory())
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) > 3
    assert_no_page_ends_with_a_heading(document, data)


@pytest.mark.parametrize("named", [True, False])
def test_a_long_list_keeps_every_heading_with_its_members_and_repeats_the_table_header(named):
    group = WorkingGroupFactory()
    meeting = MeetingFactory(
        kind="working_group",
        group=group,
        body="",
        starts_at=timezone.now() - datetime.timedelta(days=3),
    )
    secretariat = SecretariatFactory()
    for n in range(45):
        state = MemberFactory(name=f"State {n:02}", slug=f"state-{n:02}")
        for d in range(2):
            person = participant(group, member=state, first_name=f"Del{d}", last_name=f"S{n:02}")
            services.attendance_add(meeting, member=state, person=person, by=secretariat)
    for n in range(12):
        organisation = MemberFactory(
            name=f"Organisation {n:02}", slug=f"org-{n:02}", kind="organisation", country=""
        )
        services.attendance_add(meeting, member=organisation, by=secretariat)
    document, data = _listing_html_and_pdf(meeting, named=named)
    pages = pypdf.PdfReader(io.BytesIO(data)).pages
    assert_no_page_ends_with_a_heading(document, data)
    if named:
        assert len(pages) > 2
        # The table's header row opens every page the table runs on, and a delegation is
        # never cut from its member's name: the row under the header names a member.
        for page in pages[1:]:
            text = " ".join(page.extract_text().split())
            assert re.search(r"Member Name Title (State|Organisation) \d\d", text), text[:200]


# --- The Chatham House Rule -------------------------------------------------------------


def test_a_chatham_house_meeting_s_public_list_and_pack_name_no_person(demo):
    meeting = _demo_meeting(ANNUAL)
    assert meeting.chatham_house
    secretariat = User.objects.get(username="secretariat")
    attending = [User.objects.get(username=name) for name in ("cochair.au", "cochair.id")]
    for person in attending:
        services.attendance_add(meeting, member=person.affiliation, person=person, by=secretariat)
    names = [person.get_full_name() for person in attending]
    assert all(names)

    def text_of(data: bytes) -> str:
        pages = pypdf.PdfReader(io.BytesIO(data)).pages
        return " ".join(" ".join(page.extract_text().split()) for page in pages)

    public = text_of(_listing_html_and_pdf(meeting, named=False)[1])
    pack_text = text_of(_pack_pdf(meeting, secretariat))
    assert "Chatham House Rule" in public and "Chatham House Rule" in pack_text
    assert attending[0].affiliation.display_name in public
    for name in names:
        assert name not in public and name not in pack_text
    # The internal list does name them: the check above would see a name printed.
    assert all(name in text_of(_listing_html_and_pdf(meeting, named=True)[1]) for name in names)
