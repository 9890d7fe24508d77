"""Rendering jobs survive faults: a flushed Redis, a killed worker, a killed pool process,
a job delivered twice, a rolled-back request and a broker that is down.

A real Redis (REDIS_URL) and real worker and beat processes share the test database, so
these tests need PostgreSQL (DATABASE_URL), as CI runs them. The Redis database of
REDIS_URL is flushed: give the tests a database of their own. The workers run with short
limits (JOB_TIME_LIMIT, JOB_SWEEP_INTERVAL) so that a lost job is found in seconds; the
figures of each fault are printed with the test results.
"""

import collections
import json
import os
import re
import signal
import time
import urllib.parse
import uuid

import pytest
import redis
from django.core import mail
from django.db import connection, transaction
from django.urls import reverse

from reports import services, tasks
from reports.models import Approval, RenderJob, Report
from tests.factories import SecretariatFactory, WorkingGroupFactory, co_chair
from tests.processes import celery, celery_broker, children, closed_port_url, stop, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

# Short limits for the test's workers: a lost job is sent again after 16 + 1 seconds.
LIMITS = {"JOB_TIME_LIMIT": "16", "JOB_SWEEP_INTERVAL": "1"}
STALE_SECONDS = 17
DELIVERED = re.compile(r"Task reports\.tasks\.render_report_job\[[-\w]+\] succeeded")


@pytest.fixture(autouse=True)
def rendering():
    """The real assembly and PDF: the workers render with them too."""


@pytest.fixture
def figures(capsys):
    """Prints a fault's figures into the test run's output, past pytest's capture."""

    def show(line: str) -> None:
        with capsys.disabled():
            print(f"\n[job faults] {line}")

    return show


def shared_database_url() -> str:
    settings = connection.settings_dict
    auth = urllib.parse.quote(settings["USER"] or "")
    if settings["PASSWORD"]:
        auth += ":" + urllib.parse.quote(settings["PASSWORD"])
    host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or "5432"
    return f"postgres://{auth}@{host}:{port}/{settings['NAME']}"


class Stack:
    """A private queue on the Redis of REDIS_URL, and the worker and beat processes on it."""

    def __init__(self, url: str, folder, media):
        self.url = url
        self.queue = f"test-faults-{uuid.uuid4().hex}"
        self.redis = redis.Redis.from_url(url)
        self.folder = folder
        self.media = media
        self.processes = []
        self.env = {
            "DEBUG": "true",
            "REDIS_URL": url,
            "CELERY_QUEUE": self.queue,
            "DATABASE_URL": shared_database_url(),
            "MEDIA_ROOT": str(media),
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            **LIMITS,
        }

    def worker(self, name: str, *options: str):
        log = self.folder / f"worker-{name}.log"
        process = celery(
            "worker",
            "-n",
            f"{name}-{self.queue}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            *options,
            log=log,
            **self.env,
        )
        self.processes.append(process)
        wait_until(lambda: " ready." in log.read_text(), 60, f"worker {name} starting")
        return process

    def beat(self):
        process = celery(
            "beat",
            "-s",
            str(self.folder / "beat-schedule"),
            "--max-interval",
            "1",
            log=self.folder / "beat.log",
            **self.env,
        )
        self.processes.append(process)
        return process

    def sending(self):
        """This test process sends tasks to the stack's queue, as a web process does."""
        return celery_broker(self.url, self.queue)

    def waiting(self) -> int:
        return self.redis.llen(self.queue)

    def sent(self) -> list[str]:
        """The names of the tasks waiting in the queue."""
        messages = self.redis.lrange(self.queue, 0, -1)
        return [json.loads(message)["headers"]["task"] for message in messages]

    def files(self) -> list:
        folder = self.media / "reports" / "rendered"
        return sorted(folder.iterdir()) if folder.exists() else []

    def logs(self) -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text()}" for log in self.folder.glob("*.log"))


@pytest.fixture
def stack(tmp_path, settings):
    # CI provides both; elsewhere the tests are skipped without them (as tests.processes
    # does for Redis).
    missing = pytest.fail if os.environ.get("CI") else pytest.skip
    url = os.environ.get("REDIS_URL")
    if not url:
        missing("REDIS_URL is not set: the fault tests need a Redis database of their own")
    if connection.vendor != "postgresql":
        missing("DATABASE_URL is not PostgreSQL: the worker processes must share the test database")
    stack = Stack(url, tmp_path, settings.MEDIA_ROOT)
    stack.redis.ping()  # an unreachable Redis fails here, not in the middle of a test
    try:
        yield stack
    finally:
        for process in stack.processes:
            stop(process)
        for key in stack.redis.scan_iter(f"*{stack.queue}*"):  # the queue and its bindings
            stack.redis.delete(key)


def wait_for_jobs(stack, jobs, seconds: float, what: str) -> list[RenderJob]:
    pks = [job.pk for job in jobs]

    def all_done():
        done = RenderJob.objects.filter(pk__in=pks, status=RenderJob.Status.SUCCEEDED)
        return done.count() == len(pks)

    try:
        wait_until(all_done, seconds, what)
    except AssertionError as error:
        states = collections.Counter(
            RenderJob.objects.filter(pk__in=pks).values_list("status", flat=True)
        )
        raise AssertionError(f"{error}: {dict(states)}\n{stack.logs()}") from None
    return list(RenderJob.objects.filter(pk__in=pks))


def report_of(paragraphs: int = 1) -> Report:
    group = WorkingGroupFactory()
    report = services.report_start(group, Report.Kind.ANNUAL, 2016)
    report.chair = co_chair(group)
    text = "The group met twice and agreed on the next steps of its work plan. " * 8
    services.report_edit(report, summary="\n\n".join([text] * paragraphs))
    return report


def test_fifty_jobs_queued_then_redis_flushed_are_all_finished_once(stack, figures):
    report = report_of()
    with stack.sending():
        jobs = [services.render_enqueue(report) for _ in range(50)]
    assert stack.waiting() == 50
    stack.redis.flushdb()  # the Redis of REDIS_URL loses every message
    assert stack.waiting() == 0
    flushed = time.monotonic()
    stack.worker("a", "-P", "prefork", "-c", "2")
    stack.beat()
    jobs = wait_for_jobs(stack, jobs, 150, "fifty lost jobs finishing")
    seconds = time.monotonic() - flushed
    attempts = collections.Counter(job.attempts for job in jobs)
    files = stack.files()
    assert attempts == {1: 50}
    assert len(files) == 50 and {job.pdf.path for job in jobs} == {str(f) for f in files}
    deliveries = len(DELIVERED.findall(stack.logs()))
    figures(
        f"50 jobs queued, Redis flushed: {len(jobs)} finished, attempts {dict(attempts)}, "
        f"{len(files)} files, {deliveries} deliveries, in {seconds:.0f} s "
        f"(sent again after {STALE_SECONDS} s)"
    )


@pytest.mark.parametrize("killed", ["worker", "pool process"])
def test_a_job_whose_worker_is_killed_mid_rendering_is_finished_once(stack, figures, killed):
    report = report_of(paragraphs=10)
    if killed == "worker":
        first = stack.worker("a", "-P", "solo")
    else:
        first = stack.worker("a", "-P", "prefork", "-c", "1")
    with stack.sending():
        job = services.render_enqueue(report)
    wait_until(
        lambda: RenderJob.objects.get(pk=job.pk).status == RenderJob.Status.RUNNING,
        60,
        "the rendering starting",
    )
    if killed == "worker":
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        stack.worker("b", "-P", "solo")
    else:
        [pool_process] = children(first.pid)
        os.kill(pool_process, signal.SIGKILL)
    killed_at = time.monotonic()
    assert RenderJob.objects.get(pk=job.pk).status == RenderJob.Status.RUNNING
    stack.beat()
    [job] = wait_for_jobs(stack, [job], 90, "the job of the killed worker finishing")
    seconds = time.monotonic() - killed_at
    assert job.attempts == 2  # the killed run and the one that finished
    assert stack.files() == [stack.media / job.pdf.name]
    figures(
        f"SIGKILL of the {killed} mid-rendering: finished once (attempt {job.attempts}), "
        f"{len(stack.files())} file, {seconds:.0f} s after the kill"
    )


def test_the_same_job_sent_to_two_workers_is_rendered_once(stack, figures):
    report = report_of(paragraphs=5)
    stack.worker("a", "-P", "solo")
    stack.worker("b", "-P", "solo")
    job = services.render_job_create(report)
    with stack.sending():
        tasks.render_report_job.delay(job.pk)
        tasks.render_report_job.delay(job.pk)
    [job] = wait_for_jobs(stack, [job], 60, "the job finishing")

    wait_until(lambda: len(DELIVERED.findall(stack.logs())) == 2, 30, "both deliveries ending")
    workers = [
        log.name
        for log in stack.folder.glob("worker-*.log")
        if "render_report_job" in log.read_text()
    ]
    assert job.attempts == 1 and len(stack.files()) == 1
    figures(
        f"the same job sent twice, delivered to {len(workers)} workers: "
        f"rendered {job.attempts} time, {len(stack.files())} file"
    )


def test_a_rolled_back_approval_sends_nothing(stack, figures):
    report = report_of()
    chair = report.chair
    report = services.report_submit(report, SecretariatFactory())
    content_hash = services.current_content_hash(report)

    class Refused(Exception):
        pass

    with stack.sending(), pytest.raises(Refused), transaction.atomic():
        # The last approval: the report is approved and its PDF queued...
        services.report_decide(report, person=chair, decision="approved", content_hash=content_hash)
        raise Refused  # ...and the request fails before its end
    sent_after_rollback = stack.sent()
    assert sent_after_rollback == [] and not RenderJob.objects.exists()
    assert not Approval.objects.exists()
    with stack.sending():
        services.report_decide(report, person=chair, decision="approved", content_hash=content_hash)
    sent = stack.sent()
    assert sent.count("reports.tasks.render_report_job") == 1  # committed: sent once
    figures(
        f"a rolled-back approval: {len(sent_after_rollback)} messages sent; "
        f"the same approval committed: {len(sent)} sent"
    )


def test_an_approval_while_redis_is_down_is_kept_and_its_pdf_follows(
    stack, client, figures, caplog
):
    report = report_of()
    chair = report.chair
    with stack.sending():
        report = services.report_submit(report, SecretariatFactory())
    url = reverse("report_decide", kwargs=report.url_kwargs())
    form = {"decision": "approved", "content_hash": services.current_content_hash(report)}
    client.force_login(chair)
    mail.outbox.clear()
    with celery_broker(closed_port_url(), stack.queue):
        response = client.post(url, form, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "You approved the report" in page and "The PDF will follow" in page
    report.refresh_from_db()
    assert report.status == Report.Status.APPROVED and not report.approved_pdf
    [job] = report.render_jobs.all()
    assert job.status == RenderJob.Status.QUEUED
    assert f"Rendering job {job.pk} stays queued" in caplog.text
    down_at = time.monotonic()

    stack.worker("a", "-P", "solo")  # Redis answers again, and beat's sweep runs
    stack.beat()
    [job] = wait_for_jobs(stack, [job], 90, "the approved PDF following")
    seconds = time.monotonic() - down_at
    report.refresh_from_db()
    assert report.approved_pdf and job.attempts == 1
    figures(
        "Redis down during an approval: answered "
        f"{response.redirect_chain[0][1]} then {response.status_code}, approval kept, "
        f"the approved PDF {seconds:.0f} s later (attempt {job.attempts})"
    )
