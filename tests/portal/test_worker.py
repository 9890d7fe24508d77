"""One job end to end: a web process enqueues it in a real Redis, a real worker runs it."""

import http.cookiejar
import re
import subprocess
import sys
import urllib.parse
import urllib.request
import uuid

import pytest

from tests.processes import ROOT, free_port, manage, redis_url, shell_env, wait_until


@pytest.fixture
def stack(tmp_path):
    """A web process and a worker process sharing a fresh database and a private queue."""
    env = {
        "DEBUG": "true",
        "REDIS_URL": redis_url(),
        "CELERY_QUEUE": f"test-{uuid.uuid4().hex}",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "outbox"),
    }
    for command in [
        ("migrate", "--noinput"),
        (
            "shell",
            "-c",
            "from portal.accounts.models import User;"
            "User.objects.create_user('malee', 'malee@example.org', 'x')",
        ),
    ]:
        result = manage(*command, **env)
        assert result.returncode == 0, result.stderr
    port = free_port()
    processes = []
    with (
        open(tmp_path / "worker.log", "w") as worker_log,
        open(tmp_path / "web.log", "w") as web_log,
    ):
        processes.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "portal",
                    "worker",
                    "-P",
                    "solo",
                    "--without-gossip",
                    "--without-mingle",
                    "-l",
                    "info",
                ],
                cwd=ROOT,
                env=shell_env(**env),
                stdout=worker_log,
                stderr=subprocess.STDOUT,
            )
        )
        processes.append(
            subprocess.Popen(
                [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
                cwd=ROOT,
                env=shell_env(**env),
                stdout=web_log,
                stderr=subprocess.STDOUT,
            )
        )
    try:
        yield f"http://127.0.0.1:{port}", tmp_path
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)


def test_password_reset_mail_is_sent_by_the_worker_not_the_web_process(stack):
    base, folder = stack
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )

    def web_is_up():
        try:
            return opener.open(f"{base}/healthz", timeout=2).status == 200
        except OSError:
            return False

    wait_until(web_is_up, 60, "the web process answering")
    form = opener.open(f"{base}/accounts/password/reset/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
    data = urllib.parse.urlencode({"email": "malee@example.org", "csrfmiddlewaretoken": token})
    with opener.open(f"{base}/accounts/password/reset/", data.encode()) as response:
        assert response.url.endswith("/accounts/password/reset/sent/")

    outbox = folder / "outbox"
    try:
        # The file backend creates the file before it writes the message: wait for both.
        wait_until(
            lambda: outbox.exists() and any(f.read_text().strip() for f in outbox.iterdir()),
            60,
            "the mail",
        )
    except AssertionError as error:
        raise AssertionError(f"{error}\n{(folder / 'worker.log').read_text()}") from None
    [message] = outbox.iterdir()
    assert "To: malee@example.org" in message.read_text()
    assert "/accounts/password/reset/" in message.read_text()
    # The worker logs the task's success just after the mail is written: wait for it too.
    wait_until(lambda: "succeeded" in (folder / "worker.log").read_text(), 30, "the task's success")
    worker_log = (folder / "worker.log").read_text()
    assert "Task portal.accounts.tasks.send_password_reset" in worker_log


@pytest.mark.django_db
def test_a_mail_the_broker_cannot_take_is_sent_by_the_web_process_without_an_error(
    client, django_capture_on_commit_callbacks, caplog
):
    from django.core import mail

    from portal.accounts.models import User
    from tests.processes import celery_broker, closed_port_url

    User.objects.create_user("malee", "malee@example.org", "x")
    with (
        celery_broker(closed_port_url(), "portal"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post("/accounts/password/reset/", {"email": "malee@example.org"})
    assert response.status_code == 302 and response.url.endswith("/password/reset/sent/")
    [message] = mail.outbox
    assert message.to == ["malee@example.org"]
    assert "The broker did not take a password reset request" in caplog.text
