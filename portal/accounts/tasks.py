import functools
import logging

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from django.conf import settings
from django.db import transaction
from kombu.exceptions import OperationalError

from portal.accounts import services

logger = logging.getLogger(__name__)


class MailTask(DjangoTask):
    """A mail handed to the worker once the transaction commits.

    The data is committed by then, so a broker that cannot take the mail must not fail
    the request: the web process sends the mail itself instead, and a mail that cannot be
    sent either is logged with its recipient and subject.
    """

    def delay_on_commit(self, subject: str, body: str, to: str, html: str = "") -> None:
        transaction.on_commit(functools.partial(self._hand_over, subject, body, to, html))

    def _hand_over(self, subject: str, body: str, to: str, html: str = "") -> None:
        try:
            self.delay(subject, body, to, html)
            return
        except OperationalError:
            logger.warning("The broker did not take the mail to %s; sending it now.", to)
        except Exception:
            logger.exception("The mail to %s (%r) was not sent.", to, subject)
            return
        try:
            services.email_send(subject, body, to, html)
        except Exception:
            logger.exception("The mail to %s (%r) was not sent.", to, subject)


@shared_task(
    base=MailTask,
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=settings.JOB_RETRY_BACKOFF_MAX,
    max_retries=5,
)
def send_email(subject: str, body: str, to: str, html: str = "") -> None:
    services.email_send(subject, body, to, html)


def password_reset_queue(email: str, *, portal_url: str) -> None:
    """Hand a reset request to the worker once the request's transaction commits.

    Looking the address up and sending the mail both happen there, so the page answers the
    same, in the same time, whether an account uses the address or not; nothing that goes
    wrong there reaches the page (it is logged instead)."""
    transaction.on_commit(functools.partial(_hand_over_reset, email, portal_url))


def _hand_over_reset(email: str, portal_url: str) -> None:
    # The address is not logged: it may be nobody's, and it is what a stranger typed.
    try:
        send_password_reset.delay(email, portal_url)
        return
    except OperationalError:
        logger.warning("The broker did not take a password reset request; handling it now.")
    except Exception:
        logger.exception("A password reset request was not handed to the worker.")
        return
    try:
        services.password_reset_send(email, portal_url=portal_url)
    except Exception:
        logger.exception("A password reset request could not be handled.")


@shared_task(
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=settings.JOB_RETRY_BACKOFF_MAX,
    max_retries=5,
)
def send_password_reset(email: str, portal_url: str) -> None:
    services.password_reset_send(email, portal_url=portal_url)
