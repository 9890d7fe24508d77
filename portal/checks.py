"""What ``manage.py check --deploy`` says of a production set-up beyond Django's own list."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def jobs_have_a_broker(app_configs, **kwargs):
    """Without a broker every job runs inside the request that asks for it: a PDF would be
    printed by the web process, e-mail sent while the person waits."""
    if settings.REDIS_URL:
        return []
    return [
        checks.Warning(
            "REDIS_URL is not set: background jobs (printing PDFs, sending e-mail) run inside "
            "the web requests that ask for them.",
            hint="Set REDIS_URL and run a worker and beat (see the README's production set-up).",
            id="portal.W001",
        )
    ]
