"""Running the portal's own commands in separate processes, as an operator would."""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def shell_env(**env: str) -> dict[str, str]:
    """A shell's environment with the production settings module and the given variables.

    The test settings put their own values in os.environ, so nothing else is passed on.
    """
    base = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    return base | {"DJANGO_SETTINGS_MODULE": "portal.settings"} | env


def storage_env() -> dict[str, str]:
    """The variables that put another process's files where this test's are: none on the
    file system (the caller gives MEDIA_ROOT), the bucket and its folder in an object store."""
    from django.conf import settings

    options = settings.STORAGES["default"].get("OPTIONS", {})
    if "bucket_name" not in options:
        return {}
    names = ("BUCKET", "ENDPOINT_URL", "REGION", "ACCESS_KEY_ID", "SECRET_ACCESS_KEY")
    env = {f"STORAGE_S3_{n}": os.environ.get(f"STORAGE_S3_{n}", "") for n in names}
    return env | {"STORAGE_S3_PREFIX": options["location"]}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """Run manage.py with the given environment; output captured as text."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=shell_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def redis_url() -> str:
    """The broker of this run; CI must provide one, a developer's machine may lack it."""
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    parsed = urllib.parse.urlparse(url)
    try:
        socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=2).close()
    except OSError:
        message = f"Redis is not reachable at {url}: start it (see the README) or set REDIS_URL"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {seconds} s")
        time.sleep(0.2)


def celery(*args: str, log: Path, **env: str) -> subprocess.Popen:
    """A Celery worker or beat process of the portal, its output in the log file."""
    with open(log, "w") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", *args, "-l", "info"],
            cwd=ROOT,
            env=shell_env(**env),
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def stop(process: subprocess.Popen) -> None:
    """Stop a process started here, killing it when it does not stop in time."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def children(pid: int) -> list[int]:
    """The ids of a process's direct children (Linux)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def closed_port_url() -> str:
    """A Redis URL where nothing listens: a broker that is down."""
    return f"redis://127.0.0.1:{free_port()}/0"


@contextlib.contextmanager
def celery_broker(url: str, queue: str):
    """Tasks sent from this process go to the given broker and queue instead of running
    in-process, as they do from a web process in production."""
    from celery import Celery

    from portal.celery import app as portal_app

    app = Celery("portal", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(broker_url=url, task_always_eager=False, task_default_queue=queue)
    app.set_current()
    try:
        yield app
    finally:
        portal_app.set_current()
        app.close()
