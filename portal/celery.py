"""The Celery application; tasks run in-process when no REDIS_URL is configured."""

import os

from celery import Celery, current_app
from kombu.exceptions import ChannelError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def waiting_in_queue() -> int:
    """How many messages wait in the portal's queue, not yet taken by a worker."""
    with current_app.connection_for_write() as connection:
        try:
            declared = connection.default_channel.queue_declare(
                queue=current_app.conf.task_default_queue, passive=True
            )
        except ChannelError:
            return 0  # Redis keeps no empty queue
        return declared.message_count
