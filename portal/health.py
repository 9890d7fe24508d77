"""Whether the services the portal needs answer: the database and the job broker."""

from celery import current_app
from django.db import connection

# A probe must answer before the load balancer gives up on it.
TIMEOUT_SECONDS = 2


def database_answers() -> bool:
    """The database takes a query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return False
    return True


def broker_answers() -> bool:
    """The job broker takes a connection; jobs run in-process when there is none."""
    app = current_app
    if app.conf.task_always_eager:
        return True
    try:
        with app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, timeout=TIMEOUT_SECONDS)
            # Redis connects lazily: a command proves the server answers.
            client = getattr(broker.default_channel, "client", None)
            if client is not None:
                client.ping()
    except Exception:
        return False
    return True


def problems() -> list[str]:
    """The names of the services that do not answer."""
    checks = {"database": database_answers, "broker": broker_answers}
    return [name for name, answers in checks.items() if not answers()]
