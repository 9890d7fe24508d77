"""Background jobs whose row is the truth: report renderings and meeting packs.

Each job is a row with a status (queued, running, succeeded, failed), its attempts and
the times it was queued, started and finished. A delivery of the task claims the row
(queued -> running) in one conditional UPDATE; the attempt number is the claim, so a run
finishes the job only while the row still holds its attempt. Beat's sweep
(``requeue_stale``) is the one place that declares a run dead: a job runs at most
settings.JOB_TIME_LIMIT, so one running past JOB_STALE_AFTER has no live run left, and
one queued that long is lost only once nothing waits in the broker any more.
"""

import datetime
import logging
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

logger = logging.getLogger(__name__)

# A job still not done after this many attempts is given up as failed.
MAX_ATTEMPTS = 6


class Jobs:
    """The life of one kind of job: ``model`` is its row, ``task`` gives the Celery task
    that runs it (asked late, to keep tasks importing services and not the reverse),
    ``what`` names a job in the log, e.g. "Rendering job"."""

    def __init__(self, model, *, task: Callable, what: str, related: tuple[str, ...] = ()):
        self.model, self.task, self.what, self.related = model, task, what, related

    def send_after_commit(self, job_id: int) -> None:
        """After commit, hand the job to the broker; one the broker cannot take stays
        queued for the sweep, and the request that asked for it still succeeds."""

        def send():
            try:
                self.task().delay(job_id)
            except Exception:
                logger.warning(
                    "%s %s stays queued: the broker did not take it; "
                    "the sweep sends it again once the broker answers.",
                    self.what,
                    job_id,
                    exc_info=True,
                )

        transaction.on_commit(send)

    def claim(self, job_id: int, **also):
        """The job, now running under this attempt (with ``also`` set), or None when it
        is not queued."""
        Status = self.model.Status
        claimed = self.model.objects.filter(pk=job_id, status=Status.QUEUED).update(
            status=Status.RUNNING,
            attempts=F("attempts") + 1,
            started_at=timezone.now(),
            finished_at=None,
            **also,
        )
        if not claimed:
            return None
        return self.model.objects.select_related(*self.related).get(pk=job_id)

    def holding(self, job):
        """The job's row while it is still running under this run's attempt."""
        return self.model.objects.filter(
            pk=job.pk, status=self.model.Status.RUNNING, attempts=job.attempts
        )

    def failed(self, job, error: Exception, *, reason: str | None = None):
        """Record why the job failed; a passing error (OSError) before the last attempt
        queues it again and is raised again, so that the task retries it."""
        Status = self.model.Status
        again = isinstance(error, OSError) and job.attempts < MAX_ATTEMPTS
        reason = reason or f"{type(error).__name__}: {error}"
        held = self.holding(job).update(
            status=Status.QUEUED if again else Status.FAILED,
            error=reason[:2000],
            finished_at=None if again else timezone.now(),
        )
        if held and again:
            raise error
        return self.model.objects.get(pk=job.pk)

    def requeue_stale(self, now: datetime.datetime | None = None, *, broker_idle: bool = True):
        """Send again to a worker the jobs queued or running too long (the broker lost
        their message, or their worker died); give up on those that have had every
        attempt. A job queued that long is lost only if nothing waits in the broker
        (`broker_idle`); while a backlog drains it is left to its message."""
        Status = self.model.Status
        cutoff = (now or timezone.now()) - datetime.timedelta(seconds=settings.JOB_STALE_AFTER)
        lost = Q(status=Status.RUNNING, started_at__lt=cutoff)
        if broker_idle:
            lost |= Q(status=Status.QUEUED, queued_at__lt=cutoff)
        requeued = []
        with transaction.atomic():
            for job in self.model.objects.filter(lost).select_for_update(skip_locked=True):
                if job.attempts >= MAX_ATTEMPTS:
                    job.status = Status.FAILED
                    job.error = f"Gave up after {job.attempts} attempts."
                    job.finished_at = timezone.now()
                    job.save(update_fields=["status", "error", "finished_at"])
                    continue
                if job.status == Status.RUNNING:
                    job.status = Status.QUEUED
                    job.save(update_fields=["status"])
                self.send_after_commit(job.pk)
                requeued.append(job)
        return requeued
