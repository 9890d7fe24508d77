from celery import shared_task

from reports import services


@shared_task(bind=True, acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def render_report_job(self, job_id: int) -> None:
    services.render_run(job_id)


@shared_task
def requeue_stale_jobs() -> int:
    return len(services.render_requeue_stale())
