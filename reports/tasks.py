from celery import shared_task
from django.conf import settings

from portal import celery
from reports import services


# Acknowledged late, so that a worker lost mid-rendering leaves the message to the
# broker; the job row's claim makes any second delivery do nothing.
@shared_task(
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=settings.JOB_RETRY_BACKOFF_MAX,
    max_retries=services.MAX_ATTEMPTS - 1,
)
def render_report_job(job_id: int) -> None:
    services.render_run(job_id)


@shared_task
def requeue_stale_jobs() -> int:
    return len(services.render_requeue_stale(broker_idle=celery.waiting_in_queue() == 0))
