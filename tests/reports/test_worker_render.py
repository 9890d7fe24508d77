"""A report rendered end to end: queued in a real Redis, rendered by a real worker process."""

import re
import subprocess
import sys
import uuid

import pytest
from django.core.files.storage import default_storage

from tests.processes import ROOT, manage, redis_url, shell_env, storage_env, wait_until

JOBS = (
    "from reports.models import RenderJob;"
    "print(';'.join(f'{j.report.file_stem}:{j.status}:{j.pdf.name}' for j in RenderJob.objects"
    ".select_related('report__group', 'report__meeting').order_by('pk')))"
)


@pytest.fixture
def worker_env(tmp_path):
    env = {
        "DEBUG": "true",
        "REDIS_URL": redis_url(),
        "CELERY_QUEUE": f"test-{uuid.uuid4().hex}",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        **storage_env(),
    }
    for command in [("migrate", "--noinput"), ("load_demo", "--password=Worker-pass-1")]:
        result = manage(*command, **env)
        assert result.returncode == 0, result.stderr
    with open(tmp_path / "worker.log", "w") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "worker", "-P", "solo",
             "--without-gossip", "--without-mingle", "-l", "info"],
            cwd=ROOT, env=shell_env(**env), stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        yield env, tmp_path
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def jobs(env) -> dict[str, tuple[str, str]]:
    out = manage("shell", "-v", "0", "-c", JOBS, **env).stdout.strip()
    return {
        key: tuple(rest.split(":", 1))
        for key, rest in (j.split(":", 1) for j in out.split(";") if j)
    }


def test_the_worker_renders_the_approved_reports_and_a_requested_one(worker_env):
    env, folder = worker_env
    # The demo's approvals queued the PDFs of the 2016 reports and of four outcome
    # records; ask for the 2025 draft too.
    request = (
        "from reports import services; from reports.models import Report;"
        "services.render_enqueue(Report.objects.get(year=2025, kind='annual'))"
    )
    assert manage("shell", "-v", "0", "-c", request, **env).returncode == 0

    def all_done():
        states = jobs(env)
        return len(states) == 7 and all(s == "succeeded" for s, _ in states.values())

    try:
        wait_until(all_done, 120, "rendering seven reports")
    except AssertionError as error:
        raise AssertionError(
            f"{error}: {jobs(env)}\n{(folder / 'worker.log').read_text()}"
        ) from None
    for _, name in jobs(env).values():
        with default_storage.open(name, "rb") as rendered:
            assert rendered.read().startswith(b"%PDF-")
    # The demo's jobs may run while it loads; the one asked for here is the worker's.
    log = (folder / "worker.log").read_text()
    assert re.search(r"Task reports\.tasks\.render_report_job\[[-\w]+\] succeeded", log)
    assert {"wg-tip-annual-2016", "wg-tip-annual-2025", "wg-tip-outcome-record-2016-05-18"} <= set(
        jobs(env)
    )
