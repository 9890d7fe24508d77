"""Printing end to end: asked for in a real Redis, printed by a real worker process, whose
printing child processes may run out of memory without taking the worker with them."""

import json
import os
import re
import subprocess
import sys
import uuid

import pytest
import redis

from tests.processes import ROOT, manage, redis_url, shell_env, stop, wait_until

MEETING = "WG-TIP annual meeting 2027"
# The expert asks for the agenda of the WG-TIP meeting, which the secretariat publishes.
ASK_FOR_THE_AGENDA = f"""
from meetings import agenda, pdf
from meetings.models import Meeting
from portal.accounts.models import User
from portal.printing import services
meeting = Meeting.objects.get(title={MEETING!r})
if meeting.agenda_published_at is None:
    agenda.agenda_publish(meeting)
expert = User.objects.get(username="expert.th")
document = pdf.agenda_printable(meeting, **pdf.agenda_variant(expert, meeting))
print(services.printing_request(document, expert).pk)
"""
# The expert opens the agenda's address, as their browser would.
OPEN_THE_AGENDA = f"""
from django.test import Client
from django.urls import reverse
from meetings.models import Meeting
from portal.accounts.models import User
meeting = Meeting.objects.get(title={MEETING!r})
client = Client(HTTP_HOST="localhost")
client.force_login(User.objects.get(username="expert.th"))
response = client.get(reverse("agenda_pdf", args=[meeting.pk]))
body = b"".join(response.streaming_content) if response.streaming else response.content
print(response.status_code, response["Content-Type"], body[:5].decode(errors="replace"))
"""
ASK_FOR_THE_REPORT = """
from reports import services
from reports.models import Report
report = Report.objects.get(year=2025, kind="annual", group__slug="wg-tip")
print(services.render_enqueue(report).pk)
"""
JOBS = """
import json
from portal.printing.models import PrintedDocument
from reports.models import RenderJob
print(json.dumps({
    "printings": {d.pk: [d.status, d.error, d.pdf.name] for d in PrintedDocument.objects.all()},
    "renderings": {j.pk: [j.status, j.error, j.pdf.name] for j in RenderJob.objects.all()},
}))
"""


def shell(code: str, env) -> str:
    result = manage("shell", "-v", "0", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def jobs(env) -> dict:
    return json.loads(shell(JOBS, env))


@pytest.fixture
def broker() -> str:
    """The Redis database of REDIS_URL; without one the tests are skipped (CI sets it)."""
    if not os.environ.get("REDIS_URL"):
        missing = pytest.fail if os.environ.get("CI") else pytest.skip
        missing("REDIS_URL is not set: the printing worker tests need a Redis database")
    return redis_url()


@pytest.fixture
def start_worker(tmp_path, broker):
    """``start_worker(**settings)``: the demo in a database of its own, and a Celery worker
    on a queue of its own of the Redis of REDIS_URL, with these settings."""
    started, queues = [], []

    def start(**extra: str):
        env = {
            "DEBUG": "true",
            "REDIS_URL": broker,
            "CELERY_QUEUE": f"test-printing-{uuid.uuid4().hex}",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}",
            "MEDIA_ROOT": str(tmp_path / "media"),
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            **extra,
        }
        for command in [("migrate", "--noinput"), ("load_demo", "--password=Worker-pass-1")]:
            result = manage(*command, **env)
            assert result.returncode == 0, result.stderr
        log = tmp_path / "worker.log"
        with open(log, "w") as out:
            worker = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "portal", "worker", "-P", "solo",
                 "--without-gossip", "--without-mingle", "-l", "info"],
                cwd=ROOT, env=shell_env(**env), stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        started.append(worker)
        queues.append(env["CELERY_QUEUE"])
        return env, worker, log

    try:
        yield start
    finally:
        for worker in started:
            stop(worker)
        # The queue and its bindings were this test's alone.
        connection = redis.Redis.from_url(broker)
        for queue in queues:
            for key in connection.scan_iter(f"*{queue}*"):
                connection.delete(key)
        connection.close()


def waited(condition, env, log, what: str) -> None:
    try:
        wait_until(condition, 180, what)
    except AssertionError as error:
        raise AssertionError(f"{error}: {jobs(env)}\n{log.read_text()}") from None


def test_the_worker_prints_the_agenda_asked_for_and_the_view_serves_it(start_worker, tmp_path):
    env, worker, log = start_worker()
    opened = shell(OPEN_THE_AGENDA, env)
    assert opened.startswith("404 ")  # the agenda is still a draft
    document = shell(ASK_FOR_THE_AGENDA, env)

    def printed():
        return jobs(env)["printings"][document][0] == "succeeded"

    waited(printed, env, log, "printing the agenda")
    status, error, name = jobs(env)["printings"][document]
    assert error == "" and (tmp_path / "media" / name).read_bytes().startswith(b"%PDF-")
    assert shell(OPEN_THE_AGENDA, env) == "200 application/pdf %PDF-"
    # Printed by the worker, not by the shell that asked for it.
    assert re.search(
        r"Task portal\.printing\.tasks\.print_document\[[-\w]+\] succeeded", log.read_text()
    )
    assert worker.poll() is None


def test_a_worker_whose_printing_runs_out_of_memory_lives_on_to_the_next_job(start_worker):
    env, worker, log = start_worker(PRINT_MEMORY_LIMIT_MB="16")
    first = shell(ASK_FOR_THE_REPORT, env)

    def failed(kind: str, pk: str):
        return lambda: jobs(env)[kind].get(pk, [""])[0] == "failed"

    waited(failed("renderings", first), env, log, "failing the 2025 annual report")
    status, error, name = jobs(env)["renderings"][first]
    assert "Printing needed more than the 16 MB of memory allowed" in error and name == ""
    assert worker.poll() is None

    # The same worker takes the next job, and fails it for the same reason.
    document = shell(ASK_FOR_THE_AGENDA, env)
    waited(failed("printings", document), env, log, "failing the agenda")
    assert (
        "Printing needed more than the 16 MB of memory allowed"
        in (jobs(env)["printings"][document][1])
    )
    assert worker.poll() is None
    assert "worker lost" not in log.read_text().lower()
