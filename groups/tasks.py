"""Background work of the groups; each task is a thin wrapper around a service."""

from celery import shared_task


@shared_task
def conclude_silence_procedures() -> int:
    """Adopt the silence procedures whose deadline has come; run twice, adopts once."""
    from groups import services

    return services.silence_procedures_conclude()
