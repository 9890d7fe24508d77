"""Papers, PDFs and uploads kept in an S3-compatible object store instead of on the disk.

moto's S3 server runs here on a free port of this machine; each test gets a bucket of its
own, made the portal's default storage through the settings the environment gives
(STORAGE_S3_*). The files go in through the portal's own pages and services, come back
through its views, and never touch MEDIA_ROOT.
"""

import io
import socket
import uuid
from pathlib import Path

import boto3
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from storages.backends.s3 import S3Storage

from meetings import agenda, pack, papers
from meetings.models import Document, DocumentVersion, MeetingPack
from portal.printing import services as printing
from portal.printing.models import PrintedDocument
from portal.settings import file_storage
from reports import services as reports
from reports.models import RenderJob, Report
from tests.factories import (
    ActionFactory,
    MeetingFactory,
    SecretariatFactory,
    WorkingGroupFactory,
    WorkPlanFactory,
    co_chair,
    participant,
)

REGION = "us-east-1"
KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
PAPER = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def emulator():
    """moto's S3 server, in this process, for the module's tests: its address."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


class Bucket:
    """The test's bucket, read directly: what the store holds, apart from the portal."""

    def __init__(self, client, name: str):
        self.client, self.name = client, name

    def objects(self) -> set[str]:
        """The names (keys) of the objects the bucket holds."""
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return {entry["Key"] for page in pages for entry in page.get("Contents", ())}

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()


@pytest.fixture
def bucket(emulator, settings, monkeypatch):
    """A new bucket in the emulator, the portal's default storage as the settings make it
    from the environment."""
    name = f"portal-{uuid.uuid4().hex[:16]}"
    client = boto3.client("s3", endpoint_url=emulator, region_name=REGION, **KEYS)
    client.create_bucket(Bucket=name)
    environment = {
        "STORAGE_S3_BUCKET": name,
        "STORAGE_S3_ENDPOINT_URL": emulator,
        "STORAGE_S3_REGION": REGION,
        "STORAGE_S3_ACCESS_KEY_ID": KEYS["aws_access_key_id"],
        "STORAGE_S3_SECRET_ACCESS_KEY": KEYS["aws_secret_access_key"],
    }
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    monkeypatch.delenv("STORAGE_S3_PREFIX", raising=False)
    settings.STORAGES = settings.STORAGES | {"default": file_storage()}
    assert isinstance(default_storage, S3Storage) and default_storage.bucket_name == name
    return Bucket(client, name)


def files_on_disk(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def served(response) -> bytes:
    assert response.status_code == 200, response
    return b"".join(response.streaming_content)


def meeting_with_agenda(group):
    """A meeting of the group with a published agenda of two items."""
    meeting = MeetingFactory(kind="working_group", group=group, body="", title="Third meeting")
    agenda.item_add(meeting, title="Opening and welcome", duration_minutes=15)
    agenda.item_add(meeting, title="Trends in the region", duration_minutes=30)
    agenda.agenda_publish(meeting)
    return meeting


@pytest.fixture
def group(db):
    return WorkingGroupFactory(short_name="WG-TIP", name="Working Group on Trafficking")


@pytest.fixture
def meeting(group):
    return meeting_with_agenda(group)


def add_paper(meeting, title: str, content: bytes) -> Document:
    return papers.document_add(
        meeting,
        title=title,
        access=Document.Access.PARTICIPANTS,
        upload=SimpleUploadedFile(f"{title}.pdf", content, content_type="application/pdf"),
        uploaded_by=None,
    )


# --- The settings -------------------------------------------------------------------------


def test_without_a_bucket_the_files_stay_on_the_file_system(monkeypatch):
    monkeypatch.delenv("STORAGE_S3_BUCKET", raising=False)
    assert file_storage() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_with_a_bucket_files_are_never_offered_by_a_signed_link_nor_overwritten(monkeypatch):
    monkeypatch.setenv("STORAGE_S3_BUCKET", "portal-files")
    for variable in ("ENDPOINT_URL", "REGION", "ACCESS_KEY_ID", "SECRET_ACCESS_KEY", "PREFIX"):
        monkeypatch.delenv(f"STORAGE_S3_{variable}", raising=False)
    storage = file_storage()
    options = storage["OPTIONS"]
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert options["bucket_name"] == "portal-files"
    # No keys given: boto3 finds its own (an instance role, the usual variables).
    assert options["access_key"] is None and options["secret_key"] is None
    assert options["default_acl"] is None
    assert options["querystring_auth"] is False and options["file_overwrite"] is False


def test_every_file_field_keeps_its_files_in_the_default_storage(bucket):
    for model, name in [
        (DocumentVersion, "file"),
        (MeetingPack, "pdf"),
        (PrintedDocument, "pdf"),
        (RenderJob, "pdf"),
        (Report, "approved_pdf"),
    ]:
        assert model._meta.get_field(name).storage is default_storage


# --- Papers -------------------------------------------------------------------------------


def test_an_uploaded_paper_is_kept_in_the_bucket_and_served_to_a_member(
    client, bucket, meeting, group, settings
):
    client.force_login(SecretariatFactory())
    response = client.post(
        reverse("document_create", args=[meeting.pk]),
        {
            "title": "Concept note",
            "access": Document.Access.PARTICIPANTS,
            "upload": SimpleUploadedFile("Concept note.pdf", PAPER),
        },
    )
    assert response.status_code == 302
    version = Document.objects.get().versions.get()
    assert bucket.objects() == {version.file.name}
    assert bucket.read(version.file.name) == PAPER
    assert files_on_disk(settings) == []

    client.force_login(participant(group))
    url = reverse("document_download", args=[meeting.pk, version.document_id, 1])
    response = client.get(url)
    # The portal itself serves the bytes: never a redirect to the store.
    assert served(response) == PAPER
    assert response["Content-Disposition"] == 'attachment; filename="Concept note.pdf"'


def test_a_paper_gone_from_the_bucket_answers_404(client, bucket, meeting):
    document = add_paper(meeting, "Concept note", PAPER)
    bucket.client.delete_object(Bucket=bucket.name, Key=document.versions.get().file.name)
    client.force_login(SecretariatFactory())
    url = reverse("document_download", args=[meeting.pk, document.pk, 1])
    assert client.get(url).status_code == 404


def test_two_papers_of_the_same_name_keep_both_files(bucket, meeting):
    first = default_storage.save("meetings/notes.txt", io.BytesIO(b"first"))
    second = default_storage.save("meetings/notes.txt", io.BytesIO(b"second"))
    assert first != second
    assert (bucket.read(first), bucket.read(second)) == (b"first", b"second")


# --- Reports ------------------------------------------------------------------------------


def approved_report(group):
    """The group's annual report for 2016, approved by its two co-chairs; its co-chair."""
    chairs = co_chair(group), co_chair(group)
    plan = WorkPlanFactory(group=group, period="2015-17", title="Forward Work Plan 2015-17")
    ActionFactory(plan=plan, number=2, description="Develop a training module.")
    report = reports.report_start(group, Report.Kind.ANNUAL, 2016)
    report = reports.report_edit(report, summary="The group met twice.")
    reports.report_submit(report, SecretariatFactory())
    content_hash = reports.current_content_hash(report)
    for person in chairs:
        reports.report_decide(report, person=person, decision="approved", content_hash=content_hash)
    return Report.objects.get(pk=report.pk), chairs[0]


def test_a_rendered_report_and_its_frozen_pdf_are_kept_in_the_bucket_and_served(
    client, bucket, group, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report, chair = approved_report(group)
    report.refresh_from_db()
    assert report.status == Report.Status.APPROVED and report.approved_pdf
    frozen = bucket.read(report.approved_pdf.name)
    assert frozen.startswith(b"%PDF-")

    job = reports.render_run(reports.render_enqueue(report).pk)
    assert job.status == RenderJob.Status.SUCCEEDED
    assert bucket.read(job.pdf.name) == frozen
    assert {report.approved_pdf.name, job.pdf.name} <= bucket.objects()
    assert files_on_disk(settings) == []

    client.force_login(chair)
    assert served(client.get(reverse("report_pdf", kwargs=report.url_kwargs()))) == frozen
    url = reverse("report_job_pdf", kwargs={**report.url_kwargs(), "job_id": job.pk})
    assert served(client.get(url)) == frozen


# --- Printed agendas and meeting packs ---------------------------------------------------


def test_a_printed_agenda_is_kept_in_the_bucket_served_and_replaced_by_a_newer_printing(
    client, bucket, meeting, group, settings, monkeypatch
):
    # A worker on the other side of a broker: the printings are run here, one by one.
    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(printing.PRINTINGS, "send_after_commit", lambda pk: None)
    url = reverse("agenda_pdf", args=[meeting.pk])
    client.force_login(participant(group))
    assert client.get(url).status_code == 202
    first = printing.printing_run(PrintedDocument.objects.get().pk)
    assert bucket.objects() == {first.pdf.name}
    assert served(client.get(url)) == bucket.read(first.pdf.name)

    agenda.item_update(meeting.agenda_items.get(title="Trends in the region"), title="Outlook")
    assert client.get(url).status_code == 202
    second = printing.printing_run(PrintedDocument.objects.exclude(pk=first.pk).get().pk)
    # The earlier printing's object goes once the newer one is ready.
    assert bucket.objects() == {second.pdf.name} and second.pdf.name != first.pdf.name
    assert served(client.get(url)) == bucket.read(second.pdf.name)
    assert files_on_disk(settings) == []


def test_a_meeting_pack_reads_the_papers_from_the_bucket_and_the_earlier_pack_goes(
    client, bucket, meeting, group, settings
):
    paper = add_paper(meeting, "Concept note", PAPER)
    reader = participant(group)
    first = pack.pack_run(pack.pack_request(meeting, reader).pk)
    assert first.status == MeetingPack.Status.SUCCEEDED
    client.force_login(reader)
    url = reverse("meeting_pack_pdf", args=[meeting.pk, first.pk])
    assert served(client.get(url)) == bucket.read(first.pdf.name)

    papers.version_add(
        paper, upload=SimpleUploadedFile("Concept note.pdf", PAPER + b"%v2\n"), uploaded_by=None
    )
    second = pack.pack_run(pack.pack_request(meeting, reader).pk)
    assert second.pk != first.pk and second.status == MeetingPack.Status.SUCCEEDED
    versions = {v.file.name for v in paper.versions.all()}
    assert bucket.objects() == versions | {second.pdf.name}
    assert files_on_disk(settings) == []


# --- Backup and restore -------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_backup_of_the_bucket_restores_every_file_and_only_those(bucket, tmp_path, settings):
    group = WorkingGroupFactory(short_name="WG-TIP", name="Working Group on Trafficking")
    meeting = meeting_with_agenda(group)
    kept = add_paper(meeting, "Concept note", PAPER)
    add_paper(meeting, "Annex", b"%PDF-1.4 annex")
    before = {key: bucket.read(key) for key in bucket.objects()}
    out = io.StringIO()
    call_command("backup", str(tmp_path / "backup"), stdout=out)
    assert "2 media files" in out.getvalue()

    # After the backup: a paper added, another's file changed behind the portal's back.
    add_paper(meeting, "Late addition", b"%PDF-1.4 late")
    name = kept.versions.get().file.name
    bucket.client.put_object(Bucket=bucket.name, Key=name, Body=b"changed")
    call_command("restore", str(tmp_path / "backup"), "--replace", stdout=io.StringIO())

    assert {key: bucket.read(key) for key in bucket.objects()} == before
    assert set(Document.objects.values_list("title", flat=True)) == {"Concept note", "Annex"}
    assert files_on_disk(settings) == []


@pytest.mark.django_db(transaction=True)
def test_a_restore_into_an_empty_bucket_gives_the_files_back(bucket, tmp_path, client):
    group = WorkingGroupFactory(short_name="WG-TIP", name="Working Group on Trafficking")
    meeting = meeting_with_agenda(group)
    document = add_paper(meeting, "Concept note", PAPER)
    call_command("backup", str(tmp_path / "backup"), stdout=io.StringIO())
    # A lost portal: no rows, no files.
    call_command("flush", interactive=False, verbosity=0)
    for key in bucket.objects():
        bucket.client.delete_object(Bucket=bucket.name, Key=key)
    call_command("restore", str(tmp_path / "backup"), stdout=io.StringIO())

    client.force_login(SecretariatFactory())
    url = reverse("document_download", args=[meeting.pk, document.pk, 1])
    assert served(client.get(url)) == PAPER
