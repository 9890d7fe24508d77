"""Background work of meetings; each task is a thin wrapper around a service."""

from celery import shared_task  # noqa: F401

# --- Reminders of unanswered invitations ---------------------------------------------------


@shared_task
def send_invitation_reminders() -> int:
    """The daily reminders; run twice on a day, the second run sends nothing."""
    from meetings import services

    return services.reminders_send()


# --- Meeting packs --------------------------------------------------------------------------

from django.conf import settings  # noqa: E402 (the imports of this section)

from meetings import pack  # noqa: E402


# Acknowledged late, so that a worker lost while putting a pack together leaves the message
# to the broker; the pack row's claim makes any second delivery do nothing.
@shared_task(
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=settings.JOB_RETRY_BACKOFF_MAX,
    max_retries=pack.MAX_ATTEMPTS - 1,
)
def make_meeting_pack(pack_id: int) -> None:
    pack.pack_run(pack_id)


@shared_task
def requeue_stale_meeting_packs() -> int:
    from portal import celery

    return len(pack.pack_requeue_stale(broker_idle=celery.waiting_in_queue() == 0))
