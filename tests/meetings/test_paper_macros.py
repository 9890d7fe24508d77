"""A paper that carries macros is refused whatever its parts are called: by the content types
and relationships of an Office file, by the manifest and content of an OpenDocument file, and
by the bytes of a VBA project. Nothing of a refused file is ever stored."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings import papers
from meetings.models import Document, DocumentVersion
from tests.factories import MeetingFactory, SecretariatFactory, WorkingGroupFactory, WorkPlanFactory
from workplans import services as plan_services
from workplans.models import Attachment

pytestmark = pytest.mark.django_db

CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MS_RELATIONSHIP = "http://schemas.microsoft.com/office/2006/relationships"
MAIN = {
    "docx": ("word/document.xml", "wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", "spreadsheetml.sheet.main+xml"),
    "pptx": ("ppt/presentation.xml", "presentationml.presentation.main+xml"),
}
OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")
# The start of a compound file whose directory names a VBA project's streams.
VBA_PROJECT = OLE2 + b"\x00" * 504 + "_VBA_PROJECT".encode("utf-16-le") + b"\x00" * 64
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def office(
    extension: str = "docx",
    *,
    overrides: dict[str, str] | None = None,
    main_type: str | None = None,
    relationships: list[tuple[str, str]] = (),
    parts: dict[str, bytes] | None = None,
) -> bytes:
    """A small Office Open XML file: its content types (``overrides`` added, by part name),
    the main part's relationships (``relationships`` as type and target) and extra parts."""
    main, content_type = MAIN[extension]
    main_type = main_type or f"application/vnd.openxmlformats-officedocument.{content_type}"
    folder = main.split("/")[0]
    declared = "".join(
        f'<Override PartName="/{name}" ContentType="{kind}"/>'
        for name, kind in (overrides or {}).items()
    )
    related = "".join(
        f'<Relationship Id="rId{n}" Type="{kind}" Target="{target}"/>'
        for n, (kind, target) in enumerate(relationships, start=1)
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{CONTENT_TYPES}">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Default Extension="png" ContentType="image/png"/>'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'<Override PartName="/{main}" ContentType="{main_type}"/>{declared}</Types>',
        )
        archive.writestr(
            "_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELATIONSHIPS}">'
            f'<Relationship Id="rId1" Type="{OFFICE_RELATIONSHIP}/officeDocument" '
            f'Target="{main}"/></Relationships>',
        )
        archive.writestr(
            f"{folder}/_rels/{main.split('/')[1]}.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELATIONSHIPS}">'
            f"{related}</Relationships>",
        )
        archive.writestr(main, '<?xml version="1.0" encoding="UTF-8"?><document/>')
        for name, content in (parts or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


ODF_MANIFEST = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
ODF_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink"'
)


def odt(*, entries: list[tuple[str, str]] = (), body: str = "", parts=None) -> bytes:
    """A small OpenDocument text: its manifest lists ``entries`` (path and media type) and
    its content.xml holds ``body`` in the text."""
    listed = "".join(
        f'<manifest:file-entry manifest:full-path="{path}" manifest:media-type="{kind}"/>'
        for path, kind in entries
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr(
            "content.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODF_NAMESPACES}>'
            f"<office:body><office:text><text:p>Concept note</text:p>{body}</office:text>"
            "</office:body></office:document-content>",
        )
        archive.writestr(
            "META-INF/manifest.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
            f'"{ODF_MANIFEST}"><manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            f"{listed}</manifest:manifest>",
        )
        for name, content in (parts or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def meeting():
    group = WorkingGroupFactory(short_name="WG-TIP")
    return MeetingFactory(kind="working_group", group=group, body="", title="First meeting")


def add(meeting, name: str, content: bytes):
    return papers.document_add(
        meeting, title="Concept note", access="participants", upload=upload(name, content),
        uploaded_by=None,
    )  # fmt: skip


def refusal(meeting, name: str, content: bytes) -> str:
    with pytest.raises(ValidationError) as refused:
        add(meeting, name, content)
    return " ".join(refused.value.message_dict["upload"])


def assert_refused_for_macros(settings, meeting, name: str, content: bytes) -> str:
    message = refusal(meeting, name, content)
    assert "it contains macros" in message
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()
    assert not stored_files(settings)
    return message


# --- Office files -------------------------------------------------------------------


def test_a_macro_part_named_as_an_image_but_declared_a_vba_project_is_refused(settings, meeting):
    content = office(
        overrides={"word/media/image1.png": "application/vnd.ms-office.vbaProject"},
        parts={"word/media/image1.png": PNG},
    )
    message = assert_refused_for_macros(settings, meeting, "Concept note.docx", content)
    assert "application/vnd.ms-office.vbaProject" in message
    assert "save a copy without macros, as .docx," in message


def test_a_renamed_vba_project_loaded_by_a_relationship_is_refused(settings, meeting):
    # No content type says what the part is: the relationship that loads it, and its bytes, do.
    content = office(
        relationships=[(f"{MS_RELATIONSHIP}/vbaProject", "media/image2.png")],
        parts={"word/media/image2.png": VBA_PROJECT},
    )
    message = assert_refused_for_macros(settings, meeting, "Concept note.docx", content)
    assert "vbaproject" in message


def test_a_vba_project_with_neither_content_type_nor_relationship_is_refused(settings, meeting):
    content = office(parts={"word/media/image3.png": VBA_PROJECT})
    assert_refused_for_macros(settings, meeting, "Concept note.docx", content)


def test_a_compound_file_disguised_as_an_image_is_refused_even_without_vba_streams(
    settings, meeting
):
    content = office(parts={"word/media/image3.png": OLE2 + b"\x00" * 600})
    assert_refused_for_macros(settings, meeting, "Concept note.docx", content)


@pytest.mark.parametrize(
    "extension, changes",
    [
        ("docx", {"main_type": "application/vnd.ms-word.document.macroEnabled.main+xml"}),
        ("xlsx", {"main_type": "application/vnd.ms-excel.sheet.macroEnabled.main+xml"}),
        (
            "pptx",
            {"main_type": "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml"},
        ),
        ("docx", {"overrides": {"word/vbaData.xml": "application/vnd.ms-word.vbaData+xml"}}),
        ("docx", {"relationships": [(f"{MS_RELATIONSHIP}/wordVbaData", "data.xml")]}),
        (
            "xlsx",
            {"overrides": {"xl/macrosheets/sheet1.xml": "application/vnd.ms-excel.macrosheet+xml"}},
        ),
        (
            "docx",
            {"overrides": {"word/activeX/activeX1.xml": "application/vnd.ms-office.activeX+xml"}},
        ),
        ("docx", {"parts": {"word/VBAPROJECT.BIN": b"\x00macro"}}),
    ],
    ids=[
        "docm",
        "xlsm",
        "pptm",
        "vba-data",
        "vba-data-relationship",
        "excel-4-macro-sheet",
        "activex",
        "vbaproject-bin",
    ],
)
def test_every_kind_of_office_macro_is_refused(settings, meeting, extension, changes):
    assert_refused_for_macros(settings, meeting, f"Paper.{extension}", office(extension, **changes))


def test_a_macro_content_type_hidden_behind_character_references_is_still_read(settings, meeting):
    content = office(
        overrides={"word/media/image1.png": "application/vnd.ms-office.vba&#80;roject"},
        parts={"word/media/image1.png": PNG},
    )
    assert_refused_for_macros(settings, meeting, "Concept note.docx", content)


@pytest.mark.parametrize("extension", ["docx", "xlsx", "pptx"])
def test_a_clean_office_file_is_accepted(meeting, extension):
    content = office(extension, parts={"media/image1.png": PNG})
    document = add(meeting, f"Paper.{extension}", content)
    assert document.versions.get().size == len(content)


def test_an_embedded_object_without_macros_is_accepted(meeting):
    content = office(
        overrides={
            "word/embeddings/oleObject1.bin": (
                "application/vnd.openxmlformats-officedocument.oleObject"
            )
        },
        parts={"word/embeddings/oleObject1.bin": OLE2 + b"\x00" * 600},
    )
    assert add(meeting, "Paper.docx", content).versions.exists()


def test_an_embedded_object_that_holds_a_vba_project_is_refused(settings, meeting):
    content = office(
        overrides={"word/embeddings/oleObject1.bin": "application/vnd.ms-excel"},
        parts={"word/embeddings/oleObject1.bin": VBA_PROJECT},
    )
    assert_refused_for_macros(settings, meeting, "Paper.docx", content)


# --- OpenDocument files -------------------------------------------------------------


def test_an_odt_with_basic_macros_is_refused(settings, meeting):
    module = (
        '<?xml version="1.0" encoding="UTF-8"?><script:module xmlns:script='
        '"http://openoffice.org/2000/script" script:name="Module1" script:language='
        '"StarBasic">Sub Main\nShell("calc")\nEnd Sub</script:module>'
    )
    content = odt(
        entries=[
            ("Basic/Standard/Module1.xml", "text/xml"),
            ("Basic/Standard/script-lb.xml", "text/xml"),
            ("Basic/script-lc.xml", "text/xml"),
        ],
        parts={"Basic/Standard/Module1.xml": module},
    )
    message = assert_refused_for_macros(settings, meeting, "Report.odt", content)
    assert "save a copy without macros, as .odt," in message


@pytest.mark.parametrize(
    "changes",
    [
        {"entries": [("Scripts/python/run.py", "text/x-python")]},
        {"entries": [("Other/run.js", "application/x-javascript")]},
        {"parts": {"scripts/python/run.py": "import os"}},
        {
            "body": '<office:event-listeners><script:event-listener script:language="ooo:script" '
            'script:event-name="dom:load" xlink:href="vnd.sun.star.script:Standard.Module1.Main'
            '?language=Basic&amp;location=document"/></office:event-listeners>'
        },
        {
            "body": '<text:p><text:a xlink:href="macro:///Standard.Module1.Main">Open</text:a></text:p>'
        },
    ],
    ids=["python-in-manifest", "javascript-in-manifest", "scripts-folder", "event", "macro-link"],
)
def test_every_kind_of_opendocument_script_is_refused(settings, meeting, changes):
    assert_refused_for_macros(settings, meeting, "Report.odt", odt(**changes))


def test_a_clean_odt_with_an_image_is_accepted(meeting):
    content = odt(entries=[("Pictures/1.png", "image/png")], parts={"Pictures/1.png": PNG})
    assert add(meeting, "Report.odt", content).versions.exists()


# --- Damaged files ------------------------------------------------------------------


def _corrupted(content: bytes) -> bytes:
    """The same archive with the compressed bytes of its first part scrambled."""
    start = 30 + len("[Content_Types].xml")
    return (
        content[:start]
        + bytes(b ^ 0x5A for b in content[start : start + 40])
        + content[start + 40 :]
    )


@pytest.mark.parametrize(
    "content",
    [
        b"PK\x03\x04" + b"\x00" * 200,
        office()[:200],
        _corrupted(office()),
        office(parts={"word/_rels/broken.xml.rels": "<Relationships><unclosed>"}),
        office(
            parts={
                "word/_rels/entities.xml.rels": '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a '
                '"aaaaaaaaaa">]><Relationships>&a;&a;</Relationships>'
            }
        ),
    ],
    ids=["no-directory", "cut-short", "scrambled", "bad-xml", "entities"],
)
def test_a_damaged_office_file_gets_a_clear_message(settings, meeting, content):
    message = refusal(meeting, "Paper.docx", content)
    assert "damaged or unreadable" in message
    assert not Document.objects.exists() and not stored_files(settings)


# --- Through the pages and the work plan's attachments ------------------------------


def test_the_upload_page_says_the_file_contains_macros_and_stores_nothing(
    client, settings, meeting
):
    client.force_login(SecretariatFactory())
    content = office(
        overrides={"word/media/image1.png": "application/vnd.ms-office.vbaProject"},
        parts={"word/media/image1.png": PNG},
    )
    response = client.post(
        reverse("document_create", args=[meeting.pk]),
        {
            "title": "Concept note",
            "access": "public",
            "upload": upload("Concept note.docx", content),
        },
    )
    assert response.status_code == 200
    assert "it contains macros" in response.content.decode()
    assert not Document.objects.exists() and not stored_files(settings)


def test_a_plan_attachment_with_macros_is_refused_and_stores_nothing(settings):
    plan = WorkPlanFactory()
    content = office(
        relationships=[(f"{MS_RELATIONSHIP}/vbaProject", "media/image2.png")],
        parts={"word/media/image2.png": VBA_PROJECT},
    )
    with pytest.raises(ValidationError) as refused:
        plan_services.attachment_add(
            plan,
            label="Attachment A",
            title="Budget",
            upload=upload("Budget.docx", content),
            uploaded_by=None,
        )
    assert "it contains macros" in " ".join(refused.value.message_dict["upload"])
    assert not Attachment.objects.exists() and not stored_files(settings)
