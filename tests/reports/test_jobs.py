import datetime
import io

import pytest
from django.conf import settings as portal_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from reports import pdf, services, tasks
from reports.models import RenderJob, Report
from tests.factories import SecretariatFactory, WorkingGroupFactory, co_chair, participant
from tests.processes import celery_broker, closed_port_url, manage

pytestmark = pytest.mark.django_db


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


def rendered_files(settings):
    folder = settings.MEDIA_ROOT / "reports" / "rendered"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_a_transient_error_is_recorded_and_queued_again_for_the_task_to_retry(report, rendering):
    job = services.render_job_create(report)
    rendering.fail_with = OSError("disk full")
    with pytest.raises(OSError):
        services.render_run(job.pk)
    job.refresh_from_db()
    assert job.status == RenderJob.Status.QUEUED and job.error == "OSError: disk full"
    rendering.fail_with = None
    job = services.render_run(job.pk)
    assert job.status == RenderJob.Status.SUCCEEDED and job.attempts == 2 and not job.error


def test_a_transient_error_at_the_last_attempt_fails_the_job(report, rendering):
    job = services.render_job_create(report)
    RenderJob.objects.filter(pk=job.pk).update(attempts=services.MAX_ATTEMPTS - 1)
    rendering.fail_with = OSError("disk full")
    job = services.render_run(job.pk)  # not raised: no retry is left
    assert job.status == RenderJob.Status.FAILED and job.attempts == services.MAX_ATTEMPTS
    assert job.error == "OSError: disk full" and job.finished_at


def test_running_a_succeeded_job_again_does_nothing(report, rendering):
    job = services.render_run(services.render_job_create(report).pk)
    again = services.render_run(job.pk)
    assert rendering.renderings == 1
    assert again.pdf.name == job.pdf.name and again.attempts == 1


def test_a_second_delivery_of_a_running_job_does_nothing(report, monkeypatch, settings):
    job = services.render_job_create(report)
    second = []

    def delivered_again_while_rendering(report, content, **options):
        second.append(services.render_run(job.pk))
        return {}

    monkeypatch.setattr(pdf, "printed_context", delivered_again_while_rendering)
    done = services.render_run(job.pk)
    assert second[0].status == RenderJob.Status.RUNNING and second[0].attempts == 1
    assert done.status == RenderJob.Status.SUCCEEDED and done.attempts == 1
    assert len(rendered_files(settings)) == 1


def test_a_rendering_given_up_for_dead_leaves_no_file_when_it_ends(
    report, rendering, monkeypatch, settings, django_capture_on_commit_callbacks
):
    """The sweep takes the job from a run it believes dead; the run, ending after all,
    must neither finish the job nor leave its file."""
    job = services.render_job_create(report)
    real = rendering.printed_context

    runs = []

    def slow_past_the_staleness_age(report, content, **options):
        runs.append(report)
        if len(runs) == 1:  # the first run: the sweep starts a second one meanwhile
            later = timezone.now() + datetime.timedelta(seconds=portal_settings.JOB_STALE_AFTER + 1)
            with django_capture_on_commit_callbacks(execute=True):
                assert services.render_requeue_stale(now=later) == [job]
        return real(report, content)

    monkeypatch.setattr(pdf, "printed_context", slow_past_the_staleness_age)
    services.render_run(job.pk)
    job.refresh_from_db()
    assert job.status == RenderJob.Status.SUCCEEDED and job.attempts == 2
    [file] = rendered_files(settings)
    assert job.pdf.path == str(file)


def test_the_file_of_a_run_killed_before_it_finished_the_job_is_removed(
    report, settings, django_capture_on_commit_callbacks
):
    job = services.render_job_create(report)
    long_ago = timezone.now() - datetime.timedelta(seconds=portal_settings.JOB_STALE_AFTER + 1)
    RenderJob.objects.filter(pk=job.pk).update(
        status=RenderJob.Status.RUNNING, started_at=long_ago, attempts=1
    )
    # The first run wrote its file and was killed before it could finish the job.
    left = default_storage.save(
        f"reports/rendered/{report.file_stem}-job{job.pk}-attempt1.pdf", ContentFile(b"%PDF")
    )
    other_job = services.render_run(services.render_job_create(report).pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.render_requeue_stale()
    job.refresh_from_db()
    assert job.status == RenderJob.Status.SUCCEEDED and job.attempts == 2
    assert not default_storage.exists(left)
    assert rendered_files(settings) == sorted(
        settings.MEDIA_ROOT / j.pdf.name for j in (job, other_job)
    )


def test_a_job_whose_report_was_deleted_is_left_alone(report):
    job = services.render_job_create(report)
    report.delete()
    assert services.render_run(job.pk) is None


def test_the_task_is_acknowledged_late_and_retried_with_backoff_on_transient_errors(settings):
    task = tasks.render_report_job
    assert task.acks_late and task.max_retries == services.MAX_ATTEMPTS - 1
    assert task.autoretry_for == (OSError,) and task.retry_backoff
    assert task.retry_backoff_max == settings.JOB_RETRY_BACKOFF_MAX


def test_the_default_limits_finish_a_lost_job_within_two_minutes_and_agree(settings):
    hard, soft = settings.CELERY_TASK_TIME_LIMIT, settings.CELERY_TASK_SOFT_TIME_LIMIT
    sweep, stale = settings.JOB_SWEEP_INTERVAL, settings.JOB_STALE_AFTER
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert soft < hard == settings.JOB_TIME_LIMIT
    # A run is stopped at the hard limit: a job running past the staleness age is dead.
    assert stale > hard
    # The broker never hands an unacknowledged job to a second worker while it may still
    # run or wait for a retry.
    assert visibility > hard + settings.JOB_RETRY_BACKOFF_MAX
    schedule = settings.CELERY_BEAT_SCHEDULE["requeue-stale-jobs"]
    assert schedule["schedule"] == sweep
    # Lost at its start: found stale, picked up by the next sweep, rendered in time.
    assert stale + sweep + soft <= 120


def test_a_broker_that_does_not_answer_leaves_the_job_queued_for_the_sweep(
    report, secretariat, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")

    monkeypatch.setattr(tasks.render_report_job, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.render_enqueue(report, secretariat)  # no error after the commit
    job.refresh_from_db()
    assert job.status == RenderJob.Status.QUEUED
    assert f"Rendering job {job.pk} stays queued" in caplog.text
    monkeypatch.undo()
    later = timezone.now() + datetime.timedelta(seconds=portal_settings.JOB_STALE_AFTER + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.render_requeue_stale(now=later) == [job]
    job.refresh_from_db()
    assert job.status == RenderJob.Status.SUCCEEDED


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


def test_stale_jobs_are_sent_to_a_worker_again(
    report, settings, django_capture_on_commit_callbacks
):
    long_ago = timezone.now() - datetime.timedelta(seconds=portal_settings.JOB_STALE_AFTER + 1)
    lost_in_queue = services.render_job_create(report)
    lost_running = services.render_job_create(report)
    fresh = services.render_job_create(report)
    running = services.render_job_create(report)
    given_up = services.render_job_create(report)
    RenderJob.objects.filter(pk=lost_in_queue.pk).update(queued_at=long_ago)
    RenderJob.objects.filter(pk=lost_running.pk).update(
        status=RenderJob.Status.RUNNING, started_at=long_ago, attempts=1
    )
    RenderJob.objects.filter(pk=running.pk).update(
        status=RenderJob.Status.RUNNING, started_at=timezone.now(), attempts=1
    )
    RenderJob.objects.filter(pk=given_up.pk).update(
        status=RenderJob.Status.RUNNING, started_at=long_ago, attempts=services.MAX_ATTEMPTS
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.requeue_stale_jobs() == 2
    jobs = {job.pk: job for job in RenderJob.objects.all()}
    assert jobs[lost_in_queue.pk].status == RenderJob.Status.SUCCEEDED
    assert jobs[lost_in_queue.pk].attempts == 1
    # The dead run counts as an attempt; the job is finished once, by the second.
    assert jobs[lost_running.pk].status == RenderJob.Status.SUCCEEDED
    assert jobs[lost_running.pk].attempts == 2
    assert jobs[fresh.pk].status == RenderJob.Status.QUEUED
    assert jobs[running.pk].status == RenderJob.Status.RUNNING
    assert jobs[given_up.pk].status == RenderJob.Status.FAILED
    assert jobs[given_up.pk].error == f"Gave up after {services.MAX_ATTEMPTS} attempts."


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


def test_a_job_queued_behind_a_backlog_is_left_to_its_message(
    report, settings, django_capture_on_commit_callbacks
):
    later = timezone.now() + datetime.timedelta(seconds=portal_settings.JOB_STALE_AFTER + 1)
    waiting = services.render_job_create(report)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.render_requeue_stale(now=later, broker_idle=False) == []
        assert services.render_requeue_stale(now=later, broker_idle=True) == [waiting]


def test_rendering_while_the_broker_is_down_answers_that_the_pdf_will_follow(
    client, report, secretariat, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    with (
        celery_broker(closed_port_url(), "portal"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(url("report_render", report), follow=True)
    assert response.status_code == 200
    assert "Latest rendering: Queued. The PDF will follow." in response.content.decode()
    assert report.render_jobs.get().status == RenderJob.Status.QUEUED


def test_the_last_approval_while_the_broker_is_down_is_kept_without_an_error(
    client, report, chairs, secretariat, django_capture_on_commit_callbacks
):
    report = services.report_submit(report, secretariat)
    content_hash = services.current_content_hash(report)
    services.report_decide(report, person=chairs[0], decision="approved", content_hash=content_hash)
    client.force_login(chairs[1])
    form = {"decision": "approved", "content_hash": content_hash}
    with (
        celery_broker(closed_port_url(), "portal"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(url("report_decide", report), form, follow=True)
    assert response.status_code == 200 and "The PDF will follow." in response.content.decode()
    report.refresh_from_db()
    assert report.status == Report.Status.APPROVED
    assert report.render_jobs.get().status == RenderJob.Status.QUEUED


def test_the_limits_follow_from_the_two_variables_and_a_bad_one_stops_the_portal(tmp_path):
    env = {"DEBUG": "true", "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}"}
    show = (
        "from django.conf import settings as s; print(s.CELERY_TASK_TIME_LIMIT,"
        " s.CELERY_TASK_SOFT_TIME_LIMIT, s.JOB_STALE_AFTER,"
        " s.CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout'],"
        " s.CELERY_BEAT_SCHEDULE['requeue-stale-jobs']['schedule'])"
    )
    short = manage(
        "shell", "-v", "0", "-c", show, JOB_TIME_LIMIT="16", JOB_SWEEP_INTERVAL="1", **env
    )
    assert short.stdout.split() == ["16", "12", "17", "18", "1.0"], short.stderr
    refused = manage("shell", "-v", "0", "-c", show, JOB_TIME_LIMIT="2", **env)
    assert refused.returncode != 0
    assert "JOB_TIME_LIMIT must be at least 4 (seconds)" in refused.stderr
