from celery import shared_task

from portal.audit import services


@shared_task
def purge_access_log() -> int:
    """Beat's daily run: delete the access-log lines past their retention."""
    return services.access_log_purge()
