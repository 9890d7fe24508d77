"""Background work of notifications; each task is a thin wrapper around a service."""

from celery import shared_task


@shared_task
def send_daily_reminders() -> dict[str, int]:
    """Everything told once a day; run twice on a day, the second run tells nobody."""
    from portal.notifications import services

    return services.daily_reminders_send()
