"""A meeting's papers: which files are accepted, and every change to documents and versions.

A file is accepted only when its name and its content agree on one of the allowed kinds.
The name alone proves nothing (anyone can rename a web page to ``.pdf``), and the content
alone is not enough either: the name decides which program opens the download.

A paper that carries macros is refused whatever its name: the papers go to every delegate,
and a macro runs on the reader's computer. Office and OpenDocument files are zip archives
of parts, and a macro can hide in a part of any name, so the parts are judged by what the
package itself says of them (content types, relationships, the manifest) and by their bytes.
"""

import codecs
import hashlib
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from xml.parsers import expat

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max

from meetings.models import AgendaItem, Document, DocumentVersion, Meeting

MB = 1024 * 1024
_HEAD_BYTES = 8192
_ZIP_PART_BYTES = 1024 * 1024  # read no more of one zip entry than this: no zip bombs
# The XML parts that say where macros are may be long (a long document's content.xml): they
# are read to the end, but never beyond this, so a zip bomb is refused, not unpacked.
_XML_PART_BYTES = 64 * MB
_OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")  # a compound file: what a VBA project is stored as


@dataclass(frozen=True)
class FileKind:
    """One allowed kind of paper."""

    key: str
    label: str
    extensions: tuple[str, ...]
    content_type: str

    @property
    def described(self) -> str:
        return f"{self.label} (.{self.extensions[0]})"


PDF = FileKind("pdf", "PDF document", ("pdf",), "application/pdf")
DOCX = FileKind(
    "docx",
    "Word document",
    ("docx",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
XLSX = FileKind(
    "xlsx",
    "Excel workbook",
    ("xlsx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
PPTX = FileKind(
    "pptx",
    "PowerPoint presentation",
    ("pptx",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
)
ODT = FileKind("odt", "OpenDocument text", ("odt",), "application/vnd.oasis.opendocument.text")
TXT = FileKind("txt", "plain text file", ("txt",), "text/plain; charset=utf-8")
PNG = FileKind("png", "PNG image", ("png",), "image/png")
JPEG = FileKind("jpeg", "JPEG image", ("jpg", "jpeg"), "image/jpeg")

KINDS = (PDF, DOCX, XLSX, PPTX, ODT, TXT, PNG, JPEG)
_BY_EXTENSION = {extension: kind for kind in KINDS for extension in kind.extensions}

ACCEPTED_TEXT = (
    "PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), OpenDocument text (.odt), "
    "plain text (.txt), PNG or JPEG"
)

# The main part of each Office Open XML kind, as named in [Content_Types].xml.
_OOXML_MAIN = {
    DOCX: (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "a Word document",
    ),
    XLSX: (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        "an Excel workbook",
    ),
    PPTX: (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
        "a PowerPoint presentation",
    ),
}
_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<iframe")
_XML_STARTS = (b"<?xml", b"<svg")


def max_bytes() -> int:
    """The largest file accepted, from the settings."""
    return getattr(settings, "DOCUMENT_MAX_BYTES", 20 * MB)


def kind_label(content_type: str, default: str = "file") -> str:
    """What a stored file is, in words ("PDF document"), from its content type."""
    return next((k.label for k in KINDS if k.content_type == content_type), default)


def megabytes(size: int) -> str:
    """A size in MB as people write it: 20, 1.5, 0.25."""
    return f"{size / MB:.3g}"


def accept_attribute() -> str:
    """The extensions a file picker should offer, e.g. ".pdf,.docx"."""
    return ",".join(f".{extension}" for extension in _BY_EXTENSION)


@dataclass(frozen=True)
class Sniffed:
    """What a file's content really is: one of the allowed kinds or not, and in words."""

    kind: FileKind | None
    description: str
    # Why a file of an allowed kind is refused all the same: the macros it carries.
    macros: str = ""


def sniff(upload) -> Sniffed:
    """Look at the bytes, never at the name, and say what the file is."""
    upload.seek(0)
    head = upload.read(_HEAD_BYTES)
    upload.seek(0)
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(upload)
    # Some signatures are two bytes long ("BM", "MZ"): trust only the strong ones before
    # asking whether the file is simply text.
    guess = filetype.guess(head)
    if guess is not None and guess.extension in ("pdf", "png", "apng", "jpg"):
        return _from_filetype(guess)
    start = head.removeprefix(codecs.BOM_UTF8).lstrip().lower()
    if start.startswith(_HTML_STARTS):
        return Sniffed(None, "an HTML web page")
    if start.startswith(_XML_STARTS):
        return Sniffed(None, "an XML or SVG file")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Sniffed(None, "text in UTF-16 (save it as UTF-8 text)")
    if _is_utf8_text(upload):
        return Sniffed(TXT, "plain text")
    if guess is not None:
        return _from_filetype(guess)
    return Sniffed(None, "binary data of an unknown kind")


def _from_filetype(guess) -> Sniffed:
    extension = guess.extension
    if extension == "pdf":
        return Sniffed(PDF, "a PDF document")
    if extension in ("png", "apng"):
        return Sniffed(PNG, "a PNG image")
    if extension == "jpg":
        return Sniffed(JPEG, "a JPEG image")
    if extension == "zip":
        return Sniffed(None, "a ZIP archive")
    if extension == "exe":
        return Sniffed(None, "a Windows program")
    if extension == "elf":
        return Sniffed(None, "a Linux program")
    return Sniffed(None, f"a .{extension} file ({guess.mime})")


def _sniff_zip(upload) -> Sniffed:
    """Office and OpenDocument files are zip archives: tell them apart by their parts."""
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = _read_part(archive, "mimetype").strip()
                if mimetype == ODT.content_type:
                    found = Sniffed(ODT, "an OpenDocument text")
                else:
                    found = Sniffed(None, f"an OpenDocument file of another kind ({mimetype})")
                return _with_macros(found, _odf_macros(archive, names))
            if "[Content_Types].xml" in names:
                found = _sniff_ooxml(_read_part(archive, "[Content_Types].xml"))
                return _with_macros(found, _ooxml_macros(archive, names))
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        RuntimeError,
        zlib.error,
        EOFError,
        ValueError,
        _Unreadable,
    ):
        return Sniffed(None, "a damaged or unreadable ZIP archive")
    finally:
        upload.seek(0)
    return Sniffed(None, "a ZIP archive")


def _with_macros(found: Sniffed, macros: str) -> Sniffed:
    if not macros:
        return found
    return Sniffed(None, f"{found.description} with macros", macros=macros)


def _sniff_ooxml(content_types: str) -> Sniffed:
    for kind, (main_part, description) in _OOXML_MAIN.items():
        if main_part in content_types:
            return Sniffed(kind, description)
    return Sniffed(None, "an Office file of another kind")


# --- Macros ---------------------------------------------------------------------------

# Content types (as [Content_Types].xml declares a part) that hold or drive macros, matched
# in lower case anywhere in the type: the VBA project and its signatures, Word's VBA data
# and key bindings, the macro-enabled main parts of every Office kind, Excel 4 macro sheets,
# ActiveX controls.
_MACRO_CONTENT_TYPES = (
    "vbaproject",
    "vbadata",
    "macroenabled",
    "macrosheet",
    "activex",
    "keymapcustomizations",
)
# Relationship types (their last segment, in lower case) by which a part is loaded as
# macros or a control, whatever the part is named.
_MACRO_RELATIONSHIPS = frozenset(
    {
        "vbaproject",
        "vbaprojectsignature",
        "wordvbadata",
        "keymapcustomizations",
        "xlmacrosheet",
        "xlintlmacrosheet",
        "control",
        "activexcontrol",
        "activexcontrolbinary",
    }
)
# An OpenDocument file keeps its macros in these folders.
_ODF_SCRIPT_FOLDERS = ("basic/", "scripts/")
_ODF_SCRIPT_MEDIA_TYPES = (
    "basic",
    "python",
    "javascript",
    "beanshell",
    "java-archive",
)
_ODF_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_ODF_SCRIPT = "urn:oasis:names:tc:opendocument:xmlns:script:1.0"
_ODF_MANIFEST = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
# Links that run a macro when followed or when an event fires.
_MACRO_LINKS = ("vnd.sun.star.script:", "macro:")


class _Unreadable(Exception):
    """A part of the package cannot be read as what it must be."""


class _Found(Exception):
    """Macros found: the reason, in words, stops the reading at once."""


def _ooxml_macros(archive: zipfile.ZipFile, names: set[str]) -> str:
    """Why this Office file carries macros, or "" when it carries none."""
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        return "it has a VBA project part"
    declared: dict[str, str] = {}  # part name (lower case, no leading /) -> content type
    by_extension: dict[str, str] = {}

    def content_type(tag, attributes):
        local = tag.rsplit(" ", 1)[-1]
        declared_type = attributes.get("ContentType", "")
        if local == "Default":
            by_extension[attributes.get("Extension", "").lower()] = declared_type
        elif local == "Override":
            declared[attributes.get("PartName", "").lstrip("/").lower()] = declared_type
        else:
            return
        if any(word in declared_type.lower() for word in _MACRO_CONTENT_TYPES):
            raise _Found(f"a part is declared as {declared_type}")

    def relationship(tag, attributes):
        if tag.rsplit(" ", 1)[-1] != "Relationship":
            return
        kind = attributes.get("Type", "").rstrip("/").rsplit("/", 1)[-1].lower()
        if kind in _MACRO_RELATIONSHIPS:
            raise _Found(f"a part is loaded as {kind}")

    try:
        _scan_xml(archive, "[Content_Types].xml", content_type)
        for name in sorted(names):
            if name.lower().endswith(".rels"):
                _scan_xml(archive, name, relationship)
        for info in archive.infolist():
            if info.is_dir() or not _starts_with(archive, info, _OLE2):
                continue
            # A compound file inside an Office package is a VBA project, or an embedded
            # object (an old .doc or .xls) that may carry one itself.
            name = info.filename.lower()
            extension = name.rsplit(".", 1)[-1] if "." in name.rsplit("/", 1)[-1] else ""
            part_type = declared.get(name) or by_extension.get(extension, "")
            if not _is_embedding(part_type) or _holds_vba(archive, info):
                raise _Found("a part holds a VBA project")
    except _Found as found:
        return str(found)
    return ""


def _is_embedding(content_type: str) -> bool:
    """Whether a compound-file part is declared as an embedded object (oleObject, an old
    Word, Excel or PowerPoint file), the one thing besides macros stored that way."""
    content_type = content_type.lower()
    return content_type.endswith(".oleobject") or content_type in (
        "application/msword",
        "application/vnd.ms-excel",
        "application/vnd.ms-powerpoint",
    )


def _holds_vba(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    # A compound file names its streams in UTF-16: a VBA project has a _VBA_PROJECT stream.
    with archive.open(info) as part:
        return "_VBA_PROJECT".encode("utf-16-le") in part.read(_ZIP_PART_BYTES)


def _starts_with(archive: zipfile.ZipFile, info: zipfile.ZipInfo, signature: bytes) -> bool:
    with archive.open(info) as part:
        return part.read(len(signature)) == signature


def _odf_macros(archive: zipfile.ZipFile, names: set[str]) -> str:
    """Why this OpenDocument file carries macros, or "" when it carries none."""
    if any(name.lower().startswith(_ODF_SCRIPT_FOLDERS) for name in names):
        return "it has a Basic or Scripts folder"

    def manifest(tag, attributes):
        if tag != f"{_ODF_MANIFEST} file-entry":
            return
        path = attributes.get(f"{_ODF_MANIFEST} full-path", "").lower()
        media_type = attributes.get(f"{_ODF_MANIFEST} media-type", "").lower()
        if path.startswith(_ODF_SCRIPT_FOLDERS) or any(
            word in media_type for word in _ODF_SCRIPT_MEDIA_TYPES
        ):
            raise _Found(f"its manifest lists a script ({path})")

    def content(tag, attributes):
        if tag in (f"{_ODF_OFFICE} event-listeners", f"{_ODF_SCRIPT} event-listener"):
            raise _Found("it runs a script on an event")
        if tag == f"{_ODF_OFFICE} script":
            raise _Found("it holds a script")
        if any(value.lower().startswith(_MACRO_LINKS) for value in attributes.values()):
            raise _Found("it links to a macro")

    try:
        if "META-INF/manifest.xml" in names:
            _scan_xml(archive, "META-INF/manifest.xml", manifest)
        for name in ("content.xml", "styles.xml"):
            if name in names:
                _scan_xml(archive, name, content)
    except _Found as found:
        return str(found)
    return ""


def _scan_xml(archive: zipfile.ZipFile, name: str, on_element) -> None:
    """Call ``on_element(tag, attributes)`` for every element of one XML part, read as it
    unpacks (tags are "namespace local-name"). A part with a document type declaration,
    badly formed or longer than _XML_PART_BYTES is unreadable: these parts never have one,
    and entities are how an XML file turns small into huge."""
    parser = expat.ParserCreate(namespace_separator=" ")

    def refuse_doctype(*args):
        raise _Unreadable(f"{name} declares a document type")

    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_doctype
    parser.StartElementHandler = on_element
    read = 0
    try:
        with archive.open(name) as part:
            while chunk := part.read(64 * 1024):
                read += len(chunk)
                if read > _XML_PART_BYTES:
                    raise _Unreadable(f"{name} is too long")
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except expat.ExpatError as error:
        raise _Unreadable(f"{name} is not well-formed XML") from error


def _read_part(archive: zipfile.ZipFile, name: str) -> str:
    with archive.open(name) as part:
        return part.read(_ZIP_PART_BYTES).decode("utf-8", errors="replace")


def _is_utf8_text(upload) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in upload.chunks():
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        upload.seek(0)
    return True


def check_upload(upload: UploadedFile) -> FileKind:
    """The kind of an uploaded paper, or a ValidationError on ``upload`` saying why not."""

    def refuse(message: str):
        return ValidationError({"upload": message})

    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    kind = _BY_EXTENSION.get(extension)
    if kind is None:
        shown = f"Files ending in .{extension}" if extension else "Files without an extension"
        raise refuse(f"{shown} are not accepted. Upload a {ACCEPTED_TEXT} file.")
    if not upload.size:
        raise refuse("The file is empty.")
    if upload.size > max_bytes():
        raise refuse(
            f"The file is over the size limit of {megabytes(max_bytes())} MB "
            f"(it is {upload.size / MB:.1f} MB)."
        )
    found = sniff(upload)
    if found.macros:
        raise refuse(
            f"This file is refused because it contains macros ({found.macros}). Macros can "
            f"run programs on the computer of everyone who opens the paper: save a copy "
            f"without macros, as .{kind.extensions[0]}, and upload that."
        )
    if found.kind != kind:
        raise refuse(
            f"The name ends in .{extension}, but the file looks like {found.description}. "
            f"Only a real {kind.described} may be uploaded under that name."
        )
    return kind


# --- Changes ------------------------------------------------------------------------


def document_add(
    meeting: Meeting,
    *,
    title: str,
    access: str,
    upload: UploadedFile,
    uploaded_by,
    agenda_item: AgendaItem | None = None,
) -> Document:
    """A new paper of the meeting, with the uploaded file as its version 1."""
    document = Document(meeting=meeting, title=title, access=access, agenda_item=agenda_item)
    errors: dict[str, list] = {}
    try:
        document.full_clean()
    except ValidationError as error:
        errors.update(error.message_dict)
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        errors.setdefault("agenda_item", []).append("Choose an agenda item of this meeting.")
    try:
        kind = check_upload(upload)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    version = _version_new(upload, kind, uploaded_by)
    with _file_removed_on_failure(version), transaction.atomic():
        document.save()
        version.document, version.number = document, 1
        _version_write(version, upload, kind)
    return document


def version_add(document: Document, *, upload: UploadedFile, uploaded_by) -> DocumentVersion:
    """The uploaded file as the document's next version; earlier versions stay readable."""
    kind = check_upload(upload)
    version = _version_new(upload, kind, uploaded_by)
    with _file_removed_on_failure(version), transaction.atomic():
        # Lock the document so that two uploads at once cannot take the same number.
        Document.objects.select_for_update().filter(pk=document.pk).first()
        latest = document.versions.aggregate(latest=Max("number"))["latest"] or 0
        version.document, version.number = document, latest + 1
        _version_write(version, upload, kind)
    return version


def _version_new(upload: UploadedFile, kind: FileKind, uploaded_by) -> DocumentVersion:
    size, sha256 = measure(upload)
    return DocumentVersion(
        original_name=original_name(upload.name, kind),
        content_type=kind.content_type,
        size=size,
        sha256=sha256,
        uploaded_by=uploaded_by,
    )


def _version_write(version: DocumentVersion, upload: UploadedFile, kind: FileKind) -> None:
    # The stored path comes from document_upload_path, which keeps only the extension of
    # this name: the checked one.
    version.file.save(f"paper.{kind.extensions[0]}", upload, save=False)
    version.save()


@contextmanager
def _file_removed_on_failure(version: DocumentVersion):
    """A file written for a row that was never saved (or whose transaction did not commit)
    must not stay behind in storage."""
    try:
        yield
    except BaseException:
        if version.file.name:
            version.file.storage.delete(version.file.name)
        raise


def measure(upload: UploadedFile) -> tuple[int, str]:
    """The upload's size and SHA-256, read once, the upload rewound for saving."""
    digest = hashlib.sha256()
    size = 0
    for chunk in upload.chunks():
        digest.update(chunk)
        size += len(chunk)
    upload.seek(0)
    return size, digest.hexdigest()


def original_name(name: str, kind: FileKind, *, fallback: str = "paper") -> str:
    """The uploader's file name, kept as a label for downloads (never as a path)."""
    name = "".join(c for c in (name or "").replace("\\", "/").rsplit("/", 1)[-1] if c.isprintable())
    name = name.strip() or f"{fallback}.{kind.extensions[0]}"
    if len(name) > 255:
        stem, _, extension = name.rpartition(".")
        name = f"{stem[: 254 - len(extension)]}.{extension}"
    return name


# --- Reads --------------------------------------------------------------------------


def versions_of(document: Document) -> list[DocumentVersion]:
    """The document's versions, latest first, with who uploaded them."""
    return list(document.versions.select_related("uploaded_by").order_by("-number"))
