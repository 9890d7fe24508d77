from celery import shared_task

from portal.accounts import services


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email(subject: str, body: str, to: str) -> None:
    services.email_send(subject, body, to)
