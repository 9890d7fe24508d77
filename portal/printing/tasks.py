"""Printing in the background; each task is a thin wrapper around a service."""

from celery import shared_task
from django.conf import settings

from portal import jobs
from portal.printing import services


# Acknowledged late, so that a worker lost while printing leaves the message to the
# broker; the row's claim makes any second delivery do nothing.
@shared_task(
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=settings.JOB_RETRY_BACKOFF_MAX,
    max_retries=jobs.MAX_ATTEMPTS - 1,
)
def print_document(document_id: int) -> None:
    services.printing_run(document_id)


@shared_task
def requeue_stale_printed_documents() -> int:
    from portal import celery

    return len(services.printing_requeue_stale(broker_idle=celery.waiting_in_queue() == 0))
