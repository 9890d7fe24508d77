import hashlib
import io
import json
import shutil

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from meetings import papers
from meetings.models import Document, Meeting
from portal.accounts.models import User
from portal.management.commands import _archive
from reports import assembly
from reports.models import RenderJob, Report
from tests.factories import MeetingFactory

DEMO_PASSWORD = "pw-one-Long-9"


def every_row() -> dict[str, list[dict]]:
    """Every row of every model, history and people included, as Django serializes it
    (many-to-many values as sets: the database keeps them in no order)."""
    snapshot = {}
    for model in _archive.all_models():
        many = {field.name for field in model._meta.many_to_many}
        rows = _archive.rows_of(model)
        for row in rows:
            for name in many & set(row["fields"]):
                row["fields"][name] = sorted(row["fields"][name])
        snapshot[model._meta.label_lower] = rows
    return snapshot


def every_file() -> dict[str, str]:
    """The SHA-256 of every stored file, by its name (its path under MEDIA_ROOT)."""
    files = {}
    for name in _archive.stored_files():
        with default_storage.open(name, "rb") as stored:
            files[name] = hashlib.sha256(stored.read()).hexdigest()
    return files


def wipe():
    """What a lost server leaves: an empty, migrated database and no media files."""
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
    for name in _archive.stored_files():
        default_storage.delete(name)


def upload_paper(title: str, text: str) -> Document:
    meeting = Meeting.objects.order_by("pk").first()
    return papers.document_add(
        meeting,
        title=title,
        access=Document.Access.PARTICIPANTS,
        upload=SimpleUploadedFile(f"{title}.txt", text.encode(), content_type="text/plain"),
        uploaded_by=User.objects.get(username="secretariat"),
    )


@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_gives_back_every_row_and_file_and_the_approved_pdfs(tmp_path, client):
    call_command("load_demo", password=DEMO_PASSWORD, stdout=io.StringIO())
    upload_paper("Country report of Thailand", "Trafficking trends in 2026.")
    approved = Report.objects.filter(status=Report.Status.APPROVED).exclude(approved_pdf="")
    assert approved.count() == 6
    rows, files = every_row(), every_file()
    pdfs = {r.pk: files[r.approved_pdf.name] for r in approved}

    out = io.StringIO()
    call_command("backup", str(tmp_path / "backup"), stdout=out)
    assert f"{len(files)} media files" in out.getvalue()
    wipe()
    assert every_file() == {} and not Report.objects.exists()
    out = io.StringIO()
    call_command("restore", str(tmp_path / "backup"), stdout=out)

    assert every_row() == rows
    assert {label: len(r) for label, r in every_row().items()} == {
        label: len(r) for label, r in rows.items()
    }
    assert every_file() == files
    assert f"{sum(map(len, rows.values()))} rows of {len(rows)} models" in out.getvalue()
    for report in Report.objects.filter(pk__in=pdfs):
        # The frozen PDF is the very file rendered from the content the co-chairs approved.
        data = report.approved_pdf.open("rb").read()
        assert hashlib.sha256(data).hexdigest() == pdfs[report.pk]
        rendered = report.render_jobs.filter(
            status=RenderJob.Status.SUCCEEDED, content_hash=report.approved_content_hash
        )
        assert pdfs[report.pk] in {files[job.pdf.name] for job in rendered}
        if report.approved_content is not None:
            assert assembly.content_hash(report.approved_content) == report.approved_content_hash
    assert client.login(username="cochair.au", password=DEMO_PASSWORD)
    paper = Document.objects.get(title="Country report of Thailand")
    assert paper.versions.get().file.open().read() == b"Trafficking trends in 2026."


@pytest.mark.django_db(transaction=True)
def test_restore_leaves_a_portal_in_use_alone_unless_told_to_replace_it(tmp_path):
    User.objects.create_user("secretariat", password="pw-two-Long-9", is_secretariat=True)
    upload_paper_meeting()
    call_command("backup", str(tmp_path / "backup"), stdout=io.StringIO())
    upload_paper("Written after the backup", "New words.")
    later = every_row(), every_file()

    with pytest.raises(CommandError, match="This portal is not empty .*--replace"):
        call_command("restore", str(tmp_path / "backup"), stdout=io.StringIO())
    assert (every_row(), every_file()) == later

    call_command("restore", str(tmp_path / "backup"), "--replace", stdout=io.StringIO())
    assert not Document.objects.filter(title="Written after the backup").exists()
    assert len(every_file()) == 1


@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_is_refused_and_changes_nothing(tmp_path):
    User.objects.create_user("secretariat", password="pw-two-Long-9", is_secretariat=True)
    upload_paper_meeting()
    call_command("backup", str(tmp_path / "backup"), stdout=io.StringIO())
    [copy] = (tmp_path / "backup" / "media").rglob("*.txt")
    copy.write_text("Tampered with.")
    wipe()

    with pytest.raises(
        CommandError, match="(?s)The backup is damaged.*v1.txt is not the file that was backed up"
    ):
        call_command("restore", str(tmp_path / "backup"), stdout=io.StringIO())
    assert not User.objects.exists() and every_file() == {}


def test_backup_never_writes_into_a_folder_holding_files(tmp_path, db):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "manifest.json").write_text("{}")
    with pytest.raises(CommandError, match="is not an empty folder"):
        call_command("backup", str(tmp_path / "old"), stdout=io.StringIO())
    assert (tmp_path / "old" / "manifest.json").read_text() == "{}"


def upload_paper_meeting():
    """A portal in use, in small: one meeting with one paper."""
    MeetingFactory(title="Tenth Ad Hoc Group Senior Officials Meeting")
    upload_paper("Chair's summary", "What was agreed.")


@pytest.mark.django_db(transaction=True)
def test_a_backup_of_other_migrations_is_refused_and_changes_nothing(tmp_path):
    User.objects.create_user("secretariat", password="pw-two-Long-9", is_secretariat=True)
    upload_paper_meeting()
    call_command("backup", str(tmp_path / "backup"), stdout=io.StringIO())
    manifest_path = tmp_path / "backup" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["migrations"].append("meetings.9999_from_a_later_version")
    manifest_path.write_text(json.dumps(manifest))
    wipe()

    with pytest.raises(CommandError, match="Not applied here: meetings.9999_from_a_later"):
        call_command("restore", str(tmp_path / "backup"), stdout=io.StringIO())
    assert not User.objects.exists() and every_file() == {}
