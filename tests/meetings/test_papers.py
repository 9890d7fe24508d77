import datetime
import hashlib
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from meetings import agenda, papers, services
from meetings.models import AgendaItem, Document, DocumentVersion
from portal.management.commands import _archive
from tests.factories import (
    MeetingFactory,
    MemberFactory,
    SecretariatFactory,
    UserFactory,
    WorkingGroupFactory,
    participant,
)

pytestmark = pytest.mark.django_db

PUBLIC, PARTICIPANTS, CLEARED, SECRETARIAT = (
    Document.Access.PUBLIC,
    Document.Access.PARTICIPANTS,
    Document.Access.CLEARED,
    Document.Access.SECRETARIAT,
)
LEVELS = (PUBLIC, PARTICIPANTS, CLEARED, SECRETARIAT)


# --- Small real files, built here ---------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
TXT = "Speaking points for the co-chair — Ministerial Conference, Bali.\n".encode()
HTML = b"<!DOCTYPE html>\n<html><body><script>alert(document.cookie)</script></body></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"

OOXML_MAIN = {
    "docx": ("word/document.xml", "wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", "spreadsheetml.sheet.main+xml"),
    "pptx": ("ppt/presentation.xml", "presentationml.presentation.main+xml"),
}


def _entry(name: str) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    entry.compress_type = zipfile.ZIP_DEFLATED
    return entry


def office(extension: str) -> bytes:
    """A minimal Office Open XML file with its content types, relationships and main part;
    the same bytes each time (its entries carry a fixed date, not the clock's)."""
    part, content_type = OOXML_MAIN[extension]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            _entry("[Content_Types].xml"),
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/{part}" '
            f'ContentType="application/vnd.openxmlformats-officedocument.{content_type}"/>'
            "</Types>",
        )
        archive.writestr(
            _entry("_rels/.rels"),
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Target="{part}" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument"/></Relationships>',
        )
        archive.writestr(_entry(part), '<?xml version="1.0" encoding="UTF-8"?><document/>')
    return buffer.getvalue()


def odt() -> bytes:
    """A minimal OpenDocument text: the mimetype entry first and uncompressed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr(
            "content.xml",
            '<?xml version="1.0"?><office:document-content xmlns:office='
            '"urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>',
        )
        archive.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest/>')
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "Not an Office file.")
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def stored_files(settings) -> list[str]:
    """The names of the files kept in storage (MEDIA_ROOT, or the test's folder of a bucket)."""
    return list(_archive.stored_files())


def add(meeting, name="Concept note.pdf", content=PDF, *, access=PARTICIPANTS, **changes):
    return papers.document_add(
        meeting,
        title=changes.pop("title", name.rsplit(".", 1)[0]),
        access=access,
        upload=upload(name, content),
        uploaded_by=changes.pop("uploaded_by", None),
        **changes,
    )


def download_url(document, number=1):
    return reverse("document_download", args=[document.meeting_id, document.pk, number])


def detail_url(document):
    return reverse("document_detail", args=[document.meeting_id, document.pk])


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def group():
    return WorkingGroupFactory(short_name="WG-TIP")


@pytest.fixture
def meeting(group):
    return MeetingFactory(kind="working_group", group=group, body="", title="First meeting")


# --- Which files are accepted -------------------------------------------------------


@pytest.mark.parametrize(
    "name, content, content_type",
    [
        ("Concept note.pdf", PDF, "application/pdf"),
        (
            "Draft work plan.docx",
            office("docx"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "Actions.xlsx",
            office("xlsx"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "Presentation.PPTX",
            office("pptx"),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        ("Report.odt", odt(), "application/vnd.oasis.opendocument.text"),
        ("Speaking points.txt", TXT, "text/plain; charset=utf-8"),
        ("Group photo.png", PNG, "image/png"),
        ("Venue.jpg", JPEG, "image/jpeg"),
        ("Venue.jpeg", JPEG, "image/jpeg"),
    ],
    ids=lambda value: value if isinstance(value, str) and "/" not in value else "",
)
def test_each_allowed_kind_is_accepted_and_stored_with_its_facts(
    settings, meeting, name, content, content_type
):
    secretariat = SecretariatFactory()
    document = add(meeting, name, content, uploaded_by=secretariat)
    version = document.versions.get()
    assert version.number == 1
    assert version.content_type == content_type
    assert version.original_name == name
    assert version.size == len(content)
    assert version.sha256 == hashlib.sha256(content).hexdigest()
    assert version.uploaded_by == secretariat
    # The stored name takes the kind's usual extension, whatever the case or spelling.
    extension = {"jpeg": "jpg"}.get(name.rsplit(".", 1)[1].lower(), name.rsplit(".", 1)[1].lower())
    assert version.file.name == f"meetings/{meeting.pk}/{document.pk}/v1.{extension}"
    with default_storage.open(version.file.name, "rb") as stored:
        assert stored.read() == content


def test_a_document_can_belong_to_an_agenda_item_of_its_meeting(meeting):
    item = AgendaItem.objects.create(meeting=meeting, position=1, title="Opening")
    document = add(meeting, agenda_item=item)
    assert document.agenda_item == item


def test_an_agenda_item_of_another_meeting_is_refused(meeting, settings):
    other = AgendaItem.objects.create(meeting=MeetingFactory(), position=1, title="Opening")
    with pytest.raises(ValidationError) as refused:
        add(meeting, agenda_item=other)
    assert "agenda item of this meeting" in str(refused.value.message_dict["agenda_item"])
    assert not Document.objects.exists() and not stored_files(settings)


@pytest.mark.parametrize(
    "name, content, says",
    [
        ("Concept note.pdf", HTML, "looks like an HTML web page"),
        ("Draft.docx", EXE, "looks like a Windows program"),
        ("Draft.docx", plain_zip(), "looks like a ZIP archive"),
        ("Draft.pdf", plain_zip(), "looks like a ZIP archive"),
        ("Draft.pdf", office("docx"), "looks like a Word document"),
        ("Actions.xlsx", office("docx"), "looks like a Word document"),
        ("Report.odt", office("docx"), "looks like a Word document"),
        ("Group photo.png", JPEG, "looks like a JPEG image"),
        ("Speaking points.txt", PDF.replace(b"\n", b"\x00"), "PDF"),
        ("Speaking points.txt", "Points".encode("utf-16"), "UTF-16"),
        ("Speaking points.txt", b"caf\xe9 au lait", "binary data"),
        ("Speaking points.txt", HTML, "HTML web page"),
        ("Setup.exe", EXE, "Files ending in .exe are not accepted"),
        ("Page.html", HTML, "Files ending in .html are not accepted"),
        ("README", TXT, "Files without an extension are not accepted"),
        ("Concept note.pdf", b"", "The file is empty"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_a_file_that_is_not_what_its_name_says_is_refused_and_nothing_is_saved(
    settings, meeting, name, content, says
):
    with pytest.raises(ValidationError) as refused:
        add(meeting, name, content)
    message = " ".join(refused.value.message_dict["upload"])
    assert says in message
    assert not Document.objects.exists()
    assert not DocumentVersion.objects.exists()
    assert not stored_files(settings)


def test_a_refusal_names_the_expected_kind_and_the_accepted_kinds(meeting):
    with pytest.raises(ValidationError) as refused:
        add(meeting, "Concept note.pdf", HTML)
    assert "Only a real PDF document (.pdf)" in refused.value.message_dict["upload"][0]
    with pytest.raises(ValidationError) as refused:
        add(meeting, "Minutes.rtf", b"{\\rtf1 Minutes}")
    assert "Word (.docx)" in refused.value.message_dict["upload"][0]


def test_a_file_over_the_size_limit_is_refused_with_the_limit_in_megabytes(settings, meeting):
    settings.DOCUMENT_MAX_BYTES = 1024 * 1024
    with pytest.raises(ValidationError) as refused:
        add(meeting, "Big.pdf", PDF + b"0" * (1024 * 1024))
    assert "over the size limit of 1 MB (it is 1.0 MB)" in refused.value.message_dict["upload"][0]
    assert not Document.objects.exists() and not stored_files(settings)
    add(meeting, "Small enough.pdf", PDF + b"0" * (1024 * 1024 - len(PDF)))


def test_the_size_limit_defaults_to_twenty_megabytes(settings):
    del settings.DOCUMENT_MAX_BYTES
    assert papers.max_bytes() == 20 * 1024 * 1024


def test_an_office_file_with_macros_is_refused(meeting):
    buffer = io.BytesIO(office("docx"))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("word/vbaProject.bin", b"\x00macro")
    with pytest.raises(ValidationError) as refused:
        add(meeting, "Draft.docx", buffer.getvalue())
    assert "it contains macros" in refused.value.message_dict["upload"][0]


def test_a_missing_title_and_a_bad_file_are_reported_together(meeting):
    with pytest.raises(ValidationError) as refused:
        add(meeting, "Draft.docx", EXE, title="")
    assert set(refused.value.message_dict) == {"title", "upload"}


def test_the_stored_file_is_removed_when_the_database_write_fails(settings, meeting, monkeypatch):
    def fail(*args, **kwargs):
        raise IntegrityError("simulated")

    monkeypatch.setattr(DocumentVersion, "save", fail)
    with pytest.raises(IntegrityError):
        add(meeting)
    assert not Document.objects.exists()
    assert not stored_files(settings)


def test_a_failed_new_version_leaves_only_the_earlier_file(settings, meeting, monkeypatch):
    document = add(meeting)
    before = stored_files(settings)

    def fail(*args, **kwargs):
        raise IntegrityError("simulated")

    monkeypatch.setattr(DocumentVersion, "save", fail)
    with pytest.raises(IntegrityError):
        papers.version_add(document, upload=upload("Rev.pdf", PDF + b"%2"), uploaded_by=None)
    assert stored_files(settings) == before
    assert document.versions.count() == 1


def test_the_stored_name_never_comes_from_the_uploader(meeting):
    document = add(meeting, "../../etc/passwd.pdf", title="Sneaky")
    version = document.versions.get()
    assert version.file.name == f"meetings/{meeting.pk}/{document.pk}/v1.pdf"
    assert version.original_name == "passwd.pdf"


# --- Versions -----------------------------------------------------------------------


def test_a_new_version_keeps_the_old_one_downloadable_with_its_own_bytes(client, meeting):
    document = add(meeting)
    second = PDF.replace(b"Catalog", b"Catalog /Lang (en)")
    version = papers.version_add(
        document, upload=upload("Concept note rev.pdf", second), uploaded_by=None
    )
    assert version.number == 2
    client.force_login(SecretariatFactory())
    assert body(client.get(download_url(document, 1))) == PDF
    assert body(client.get(download_url(document, 2))) == second
    assert client.get(download_url(document, 3)).status_code == 404


def test_a_new_version_must_pass_the_same_checks(settings, meeting):
    document = add(meeting)
    with pytest.raises(ValidationError):
        papers.version_add(document, upload=upload("Rev.pdf", HTML), uploaded_by=None)
    assert document.versions.count() == 1
    assert len(stored_files(settings)) == 1


def test_a_new_version_may_change_the_kind_of_file(meeting):
    document = add(meeting)
    version = papers.version_add(
        document, upload=upload("Rev.docx", office("docx")), uploaded_by=None
    )
    assert version.file.name.endswith("/v2.docx")


# --- Pages: upload ------------------------------------------------------------------


def test_secretariat_uploads_a_paper_from_the_meeting_page(client, meeting):
    item = AgendaItem.objects.create(meeting=meeting, position=1, title="Opening")
    client.force_login(SecretariatFactory())
    page = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert reverse("document_create", args=[meeting.pk]) in page
    form = client.get(reverse("document_create", args=[meeting.pk])).content.decode()
    assert 'enctype="multipart/form-data"' in form and 'accept=".pdf,.docx' in form
    response = client.post(
        reverse("document_create", args=[meeting.pk]),
        {
            "title": "Concept note",
            "access": PUBLIC,
            "agenda_item": item.pk,
            "upload": upload("Concept note.pdf", PDF),
        },
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.title, document.access, document.agenda_item) == (
        "Concept note",
        PUBLIC,
        item,
    )
    page = client.get(response.url).content.decode()
    assert "Uploaded Concept note." in page
    assert f'href="{download_url(document)}">Concept note</a>' in page
    assert "1 version<" in page


def test_a_refused_upload_shows_why_beside_the_file_field(client, meeting, settings):
    client.force_login(SecretariatFactory())
    response = client.post(
        reverse("document_create", args=[meeting.pk]),
        {"title": "Concept note", "access": PUBLIC, "upload": upload("Concept note.pdf", HTML)},
    )
    assert response.status_code == 200
    assert "looks like an HTML web page" in response.content.decode()
    assert not Document.objects.exists() and not stored_files(settings)


def test_a_bad_file_is_reported_together_with_a_missing_title(client, meeting):
    client.force_login(SecretariatFactory())
    response = client.post(
        reverse("document_create", args=[meeting.pk]),
        {"title": "", "access": PUBLIC, "upload": upload("Draft.docx", EXE)},
    )
    page = response.content.decode()
    assert "This field is required." in page and "looks like a Windows program" in page
    assert not Document.objects.exists()


def test_a_refused_new_version_shows_why_and_keeps_the_old_one(client, meeting):
    document = add(meeting)
    client.force_login(SecretariatFactory())
    response = client.post(
        reverse("document_version_create", args=[meeting.pk, document.pk]),
        {"upload": upload("Concept note v2.pdf", plain_zip())},
    )
    assert "looks like a ZIP archive" in response.content.decode()
    assert list(document.versions.values_list("number", flat=True)) == [1]


def test_secretariat_uploads_a_new_version_from_the_document_page(client, meeting):
    document = add(meeting)
    client.force_login(SecretariatFactory())
    url = reverse("document_version_create", args=[meeting.pk, document.pk])
    assert url in client.get(detail_url(document)).content.decode()
    response = client.post(url, {"upload": upload("Concept note v2.pdf", PDF + b"%v2\n")})
    assert response.url == detail_url(document)
    page = client.get(response.url).content.decode()
    assert "Uploaded version 2 of Concept note" in page
    assert "Concept note v2.pdf" in page and "Concept note.pdf" in page


@pytest.mark.parametrize("page", ["document_create", "document_version_create"])
def test_upload_pages_answer_404_to_a_participant_and_send_a_stranger_to_sign_in(
    client, meeting, group, page
):
    document = add(meeting)
    args = [meeting.pk] if page == "document_create" else [meeting.pk, document.pk]
    url = reverse(page, args=args)
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    client.force_login(participant(group))
    assert client.get(url).status_code == 404
    response = client.post(url, {"title": "X", "access": PUBLIC, "upload": upload("X.pdf", PDF)})
    assert response.status_code == 404
    assert Document.objects.count() == 1 and DocumentVersion.objects.count() == 1


def test_participant_sees_no_upload_link_on_the_meeting_page(client, meeting, group):
    client.force_login(participant(group))
    page = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert "Upload a paper" not in page


# --- Download -----------------------------------------------------------------------


def test_download_is_an_attachment_with_its_original_name_type_and_no_sniffing(
    client, meeting, group
):
    document = add(meeting, "Draft work plan 2024–2026.docx", office("docx"))
    client.force_login(participant(group))
    response = client.get(download_url(document))
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"].startswith("attachment;")
    assert (
        "filename*=utf-8''Draft%20work%20plan%202024%E2%80%932026.docx"
        in (response["Content-Disposition"])
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    # A paper of the participants: kept by no browser or proxy cache once read.
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Length"] == str(len(office("docx")))
    assert body(response) == office("docx")


def test_download_of_plain_text_says_its_charset(client, meeting, group):
    document = add(meeting, "Speaking points.txt", TXT)
    client.force_login(participant(group))
    response = client.get(download_url(document))
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="Speaking points.txt"'


def test_download_of_a_missing_file_answers_404(client, meeting, settings):
    document = add(meeting)
    default_storage.delete(document.versions.get().file.name)
    client.force_login(SecretariatFactory())
    assert client.get(download_url(document)).status_code == 404


def test_a_document_of_another_meeting_is_not_reachable_through_this_one(client, meeting):
    document = add(meeting, access=PUBLIC)
    other = MeetingFactory()
    client.force_login(SecretariatFactory())
    url = reverse("document_download", args=[other.pk, document.pk, 1])
    assert client.get(url).status_code == 404
    assert client.get(reverse("document_detail", args=[other.pk, document.pk])).status_code == 404


# --- Who may read which document ----------------------------------------------------

ALL = {level: 200 for level in LEVELS}
NONE = {level: 404 for level in LEVELS}
PUBLIC_LEVEL = {PUBLIC: 200, PARTICIPANTS: 404, CLEARED: 404, SECRETARIAT: 404}
PARTICIPANT_LEVELS = {PUBLIC: 200, PARTICIPANTS: 200, CLEARED: 404, SECRETARIAT: 404}
CLEARED_LEVELS = {PUBLIC: 200, PARTICIPANTS: 200, CLEARED: 200, SECRETARIAT: 404}
SIGN_IN = {level: 302 for level in LEVELS}


def valid_clearance():
    return {
        "clearance_level": "Negative Vetting 1",
        "clearance_expires_on": timezone.localdate() + datetime.timedelta(days=365),
    }


def observer():
    return UserFactory(affiliation=MemberFactory(is_observer=True, ahg_joined_on=None))


def invited_observer(world):
    person = observer()
    services.invitations_send(world["open"]["meeting"], persons=[person])
    return person


def invited_guest(world):
    """A guest invited in person to take part, e.g. a speaker: not an observer."""
    person = UserFactory(affiliation=MemberFactory())
    services.invitations_send(world["open"]["meeting"], persons=[person])
    return person


PEOPLE = {
    "secretariat": lambda world: SecretariatFactory(),
    "participant": lambda world: participant(world["open"]["group"]),
    "cleared participant": lambda world: participant(world["open"]["group"], **valid_clearance()),
    "uncleared participant of the clearance group": lambda world: participant(
        world["clearance"]["group"]
    ),
    "cleared participant of the clearance group": lambda world: participant(
        world["clearance"]["group"], **valid_clearance()
    ),
    "invited observer": invited_observer,
    "invited guest": invited_guest,
    "uninvited observer": lambda world: observer(),
    "member of another group": lambda world: participant(WorkingGroupFactory()),
    "stranger": lambda world: None,
}

ACCESS_MATRIX = [
    ("secretariat", "open", ALL),
    ("secretariat", "clearance", ALL),
    ("participant", "open", PARTICIPANT_LEVELS),
    ("cleared participant", "open", CLEARED_LEVELS),
    # The meeting itself is hidden: even its public papers answer 404.
    ("uncleared participant of the clearance group", "clearance", NONE),
    ("cleared participant of the clearance group", "clearance", CLEARED_LEVELS),
    # An observer reads the public papers; the participants' papers are for those taking part.
    ("invited observer", "open", PUBLIC_LEVEL),
    ("invited guest", "open", PARTICIPANT_LEVELS),
    ("uninvited observer", "open", NONE),
    ("member of another group", "open", NONE),
    ("stranger", "open", SIGN_IN),
]


@pytest.fixture
def world():
    """An open group and a clearance group, each with a meeting holding one paper per level."""
    world = {}
    for key, clearance in [("open", False), ("clearance", True)]:
        group = WorkingGroupFactory(clearance_required=clearance)
        meeting = MeetingFactory(kind="working_group", group=group, body="")
        world[key] = {
            "group": group,
            "meeting": meeting,
            "documents": {
                level: add(meeting, f"{level}.pdf", access=level, title=f"Paper ({level})")
                for level in LEVELS
            },
        }
    return world


@pytest.mark.parametrize("who, where, expected", ACCESS_MATRIX, ids=[r[0] for r in ACCESS_MATRIX])
def test_who_may_open_and_download_each_level_of_document(client, world, who, where, expected):
    person = PEOPLE[who](world)
    if person is not None:
        client.force_login(person)
    answers = {}
    for level, document in world[where]["documents"].items():
        page = client.get(detail_url(document))
        download = client.get(download_url(document))
        assert page.status_code == download.status_code, (who, level)
        answers[level] = page.status_code
        if page.status_code == 302:
            assert page.url.startswith(reverse("login"))
        if download.status_code == 200:
            assert body(download) == PDF
    assert answers == expected


SIGNED_IN = [row for row in ACCESS_MATRIX if row[0] != "stranger"]


@pytest.mark.parametrize("who, where, expected", SIGNED_IN, ids=[r[0] for r in SIGNED_IN])
def test_the_meeting_page_lists_only_the_papers_a_person_may_open(
    client, world, who, where, expected
):
    client.force_login(PEOPLE[who](world))
    response = client.get(reverse("meeting_detail", args=[world[where]["meeting"].pk]))
    if set(expected.values()) == {404}:
        assert response.status_code == 404
        return
    page = response.content.decode()
    for level, document in world[where]["documents"].items():
        assert (download_url(document) in page) == (expected[level] == 200), (who, level)


# --- The document page --------------------------------------------------------------


def test_document_page_lists_every_version_latest_first(client, meeting, group):
    document = add(meeting, access=PUBLIC)
    papers.version_add(
        document, upload=upload("Concept note rev.pdf", PDF + b"%2"), uploaded_by=None
    )
    client.force_login(participant(group))
    page = client.get(detail_url(document)).content.decode()
    assert page.index(download_url(document, 2)) < page.index(download_url(document, 1))
    assert "Upload a new version" not in page
    assert document.versions.get(number=1).sha256 in page


def test_document_page_queries_do_not_grow_with_versions(
    client, meeting, group, django_assert_max_num_queries
):
    item = AgendaItem.objects.create(meeting=meeting, position=1, title="Opening")
    agenda.agenda_publish(meeting)  # members read an item's title once the agenda is published
    document = add(meeting, uploaded_by=SecretariatFactory(), agenda_item=item)
    client.force_login(participant(group))
    for n in range(2, 7):
        papers.version_add(
            document, upload=upload(f"v{n}.pdf", PDF + b"%" * n), uploaded_by=SecretariatFactory()
        )
    # Session, user, the access checks, the document, its agenda item, its versions.
    with django_assert_max_num_queries(11):
        page = client.get(detail_url(document)).content.decode()
    assert page.count("Download v") == 5 and "1. Opening" in page


def test_meeting_page_queries_do_not_grow_with_papers_and_versions(
    client, meeting, group, django_assert_max_num_queries
):
    client.force_login(participant(group))
    url = reverse("meeting_detail", args=[meeting.pk])
    add(meeting)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for n in range(4):
        document = add(meeting, f"Paper {n}.pdf")
        papers.version_add(document, upload=upload("Rev.pdf", PDF), uploaded_by=None)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert "2 versions" in page
