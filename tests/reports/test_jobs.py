import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from reports import services, tasks
from reports.models import RenderJob, Report
from tests.factories import SecretariatFactory, WorkingGroupFactory, co_chair, participant

pytestmark = pytest.mark.django_db
ELEVEN_MINUTES_AGO = timezone.now() - datetime.timedelta(minutes=11)


@pytest.fixture
def group():
    return WorkingGroupFactory(short_name="WG-TIP", slug="wg-tip")


@pytest.fixture
def chairs(group):
    return co_chair(group), co_chair(group)


@pytest.fixture
def secretariat():
    return SecretariatFactory()


@pytest.fixture
def report(group, chairs):
    report = services.report_start(group, Report.Kind.ANNUAL, 2016)
    return services.report_edit(report, summary="The group met twice.")


def approve_all(report, chairs, secretariat):
    services.report_submit(report, secretariat)
    for person in chairs:
        content_hash = services.current_content_hash(Report.objects.get(pk=report.pk))
        services.report_decide(
            report, person=person, decision="approved", content_hash=content_hash
        )
    report.refresh_from_db()
    return report


def test_a_queued_job_reaches_the_worker_after_commit_and_succeeds(
    report, secretariat, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = services.render_enqueue(report, secretariat)
    assert job.status == RenderJob.Status.QUEUED and len(callbacks) == 1
    callbacks[0]()  # the commit: the eager worker runs the task
    job.refresh_from_db()
    assert job.status == RenderJob.Status.SUCCEEDED and job.attempts == 1
    assert job.started_at <= job.finished_at and not job.error
    assert job.content_hash == services.current_content_hash(report)
    assert job.pdf.read().startswith(b"%PDF")
    assert not report.approved_pdf  # a draft keeps no frozen PDF


def test_a_failure_is_recorded_with_its_reason_and_a_retry_succeeds(
    report, secretariat, rendering, django_capture_on_commit_callbacks
):
    rendering.fail_with = ValueError("the action table is missing")
    with django_capture_on_commit_callbacks(execute=True):
        failed = services.render_enqueue(report, secretariat)
    failed.refresh_from_db()
    assert failed.status == RenderJob.Status.FAILED
    assert failed.error == "ValueError: the action table is missing"
    assert failed.finished_at and not failed.pdf

    rendering.fail_with = None
    with django_capture_on_commit_callbacks(execute=True):
        retried = services.render_retry(failed, secretariat)
    retried.refresh_from_db()
    assert retried.status == RenderJob.Status.SUCCEEDED and retried.pdf


def test_a_transient_error_is_recorded_and_raised_for_the_task_to_retry(report, rendering):
    job = services.render_job_create(report)
    rendering.fail_with = OSError("disk full")
    with pytest.raises(OSError):
        services.render_run(job.pk)
    job.refresh_from_db()
    assert job.status == RenderJob.Status.FAILED and job.error == "OSError: disk full"
    rendering.fail_with = None
    job = services.render_run(job.pk)
    assert job.status == RenderJob.Status.SUCCEEDED and job.attempts == 2 and not job.error


def test_running_a_succeeded_job_again_does_nothing(report, rendering):
    job = services.render_run(services.render_job_create(report).pk)
    again = services.render_run(job.pk)
    assert rendering.renderings == 1
    assert again.pdf.name == job.pdf.name and again.attempts == 1


def test_the_task_is_acknowledged_late_and_retried_with_backoff_on_transient_errors():
    task = tasks.render_report_job
    assert task.acks_late and task.max_retries == 5
    assert task.autoretry_for == (OSError,) and task.retry_backoff


def test_the_approved_pdf_is_frozen_once_and_never_replaced(
    report, chairs, secretariat, rendering, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = approve_all(report, chairs, secretariat)
    report.refresh_from_db()
    frozen_name, frozen = report.approved_pdf.name, report.approved_pdf.read()
    services.render_run(services.render_job_create(report).pk)  # same content again
    rendering.data = "a meeting added later"
    services.render_run(services.render_job_create(report).pk)  # data changed since
    report.refresh_from_db()
    assert report.approved_pdf.name == frozen_name
    assert report.approved_pdf.read() == frozen
    assert b"a meeting added later" not in frozen


def test_stale_jobs_are_sent_to_a_worker_again(report, django_capture_on_commit_callbacks):
    lost_in_queue = services.render_job_create(report)
    lost_running = services.render_job_create(report)
    fresh = services.render_job_create(report)
    given_up = services.render_job_create(report)
    RenderJob.objects.filter(pk=lost_in_queue.pk).update(queued_at=ELEVEN_MINUTES_AGO)
    RenderJob.objects.filter(pk=lost_running.pk).update(
        status=RenderJob.Status.RUNNING, started_at=ELEVEN_MINUTES_AGO, attempts=1
    )
    RenderJob.objects.filter(pk=given_up.pk).update(
        queued_at=ELEVEN_MINUTES_AGO, attempts=services.MAX_ATTEMPTS
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.requeue_stale_jobs() == 2
    statuses = dict(RenderJob.objects.values_list("pk", "status"))
    assert statuses[lost_in_queue.pk] == RenderJob.Status.SUCCEEDED
    assert statuses[lost_running.pk] == RenderJob.Status.SUCCEEDED
    assert statuses[fresh.pk] == RenderJob.Status.QUEUED
    assert statuses[given_up.pk] == RenderJob.Status.FAILED


def test_render_report_command_writes_the_pdf(report, tmp_path):
    out = tmp_path / "report.pdf"
    stdout = io.StringIO()
    call_command("render_report", "wg-tip", "annual", "2016", "--out", str(out), stdout=stdout)
    assert out.read_bytes().startswith(b"%PDF")
    assert report.render_jobs.get().status == RenderJob.Status.SUCCEEDED
    assert "Wrote" in stdout.getvalue()


def test_render_report_command_names_a_missing_report(db, tmp_path):
    with pytest.raises(CommandError, match="No brief report for wg-x in 2016"):
        call_command("render_report", "wg-x", "brief", "2016", "--out", str(tmp_path / "x.pdf"))


# --- Pages --------------------------------------------------------------------------------


def url(name, report, *extra):
    return reverse(name, args=[report.group.slug, report.kind, report.year, *extra])


def test_secretariat_renders_and_follows_the_job_as_json(
    client, report, secretariat, rendering, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    assert client.get(url("report_job_status", report)).json() == {"status": None}
    rendering.fail_with = ValueError("no fonts")
    with django_capture_on_commit_callbacks(execute=True):
        queued = client.post(url("report_render", report), headers={"Accept": "application/json"})
    assert queued.json()["status"] == "queued"
    state = client.get(url("report_job_status", report)).json()
    assert state["status"] == "failed" and state["error"] == "ValueError: no fonts"
    page = client.get(url("report_detail", report)).content.decode()
    assert "The rendering failed: ValueError: no fonts" in page
    assert "Try the rendering again" in page and "js/render-job.js" in page

    rendering.fail_with = None
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("report_job_retry", report, state["id"]))
    assert response.status_code == 302
    state = client.get(url("report_job_status", report)).json()
    assert state["status"] == "succeeded" and state["pdf_url"]
    download = client.get(state["pdf_url"])
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_only_the_secretariat_renders_and_retries(client, report, chairs):
    job = services.render_job_create(report)
    RenderJob.objects.filter(pk=job.pk).update(status=RenderJob.Status.FAILED)
    client.force_login(chairs[0])
    assert client.post(url("report_render", report)).status_code == 404
    assert client.post(url("report_job_retry", report, job.pk)).status_code == 404


def test_members_download_the_approved_pdf_and_others_get_404(
    client, group, report, chairs, secretariat, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = approve_all(report, chairs, secretariat)
    client.force_login(participant(group))
    response = client.get(url("report_pdf", report))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert client.get(url("report_job_status", report)).json()["status"] == "succeeded"
    client.force_login(participant(WorkingGroupFactory()))
    assert client.get(url("report_pdf", report)).status_code == 404
    assert client.get(url("report_job_status", report)).status_code == 404
    job = report.render_jobs.get()
    assert client.get(url("report_job_pdf", report, job.pk)).status_code == 404


def test_a_draft_and_its_renderings_are_hidden_from_members_and_strangers(client, group, report):
    job = services.render_run(services.render_job_create(report).pk)
    for name, extra in [("report_job_status", ()), ("report_job_pdf", (job.pk,))]:
        client.logout()
        assert client.get(url(name, report, *extra)).status_code == 302
        client.force_login(participant(group))
        assert client.get(url(name, report, *extra)).status_code == 404
    assert client.get(url("report_pdf", report)).status_code == 404
