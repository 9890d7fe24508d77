import logging
from contextlib import contextmanager

from django.conf import settings
from django.core import mail
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from groups import demo as groups_demo
from meetings import demo as meetings_demo
from portal.accounts import demo as accounts_demo
from portal.accounts import two_factor
from portal.accounts.models import User
from portal.celery import app
from portal.demo import find
from reports import demo as reports_demo
from workplans import demo as workplans_demo


@contextmanager
def _mail_kept_back():
    """Collect the e-mails sent meanwhile instead of sending them; yields the list."""
    before = getattr(mail, "outbox", None)
    kept: list = []
    mail.outbox = kept
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            yield kept
    finally:
        if before is None:
            del mail.outbox
        else:
            mail.outbox = before


@contextmanager
def _jobs_in_process():
    """Run the background jobs queued meanwhile in this process, even with a broker,
    without a log line for each one that succeeds (a failure is still logged)."""
    eager = app.conf.task_always_eager
    trace = logging.getLogger("celery.app.trace")
    level = trace.level
    app.conf.task_always_eager = True
    trace.setLevel(logging.WARNING)
    try:
        yield
    finally:
        app.conf.task_always_eager = eager
        trace.setLevel(level)


class Command(BaseCommand):
    help = (
        "Load the demo members, groups, meetings and people: only what is missing, never "
        "changing what people have changed since. Ends with the demo logins."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            required=True,
            help="Password given to demo people when they are first created.",
        )

    def handle(self, *args, password, **options):
        # The demo's story (reports submitted and approved years ago) would mail the demo
        # co-chairs and render PDFs after the commit. Both happen here, before the logins
        # are printed, and its e-mails are kept back: they tell of nothing anyone did.
        with _mail_kept_back() as kept, _jobs_in_process(), transaction.atomic():
            logins = self._load(password)
            second_factor = accounts_demo.load_second_factors([name for name, _ in logins])
        if kept:
            self.stdout.write(f"{len(kept)} e-mails of the demo's own story were not sent.")
        if settings.PORTAL_URL:
            self.stdout.write(f"Portal: {settings.PORTAL_URL}/")
        if second_factor:
            key = " ".join(two_factor.secret_groups(TOTPDevice(key=accounts_demo.DEMO_APP_KEY)))
            self.stdout.write(
                "Logins with '+ code' also ask, after the password, for the code printed by "
                "`python manage.py demo_code <username>` (or add this key to an "
                f"authenticator app: {key})."
            )
        self.stdout.write("Demo logins (the same password for each):")
        width = max((len(username) for username, _ in logins), default=0)
        for username, role in logins:
            code = " + code" if username in second_factor else ""
            self.stdout.write(f"  {username.ljust(width)}  {role}{code}")
        self.stdout.write(f"  password: {password}")

    def _load(self, password: str) -> list[tuple[str, str]]:
        members = groups_demo.load_members()
        groups = groups_demo.load_groups(members)
        meetings = meetings_demo.load_meetings(groups)
        groups_demo.load_terms_of_reference(groups, meetings["som-2014"])
        groups_demo.load_co_chairs(groups, members, meetings)
        groups_demo.load_nominations(groups, members, meetings)
        meetings_demo.load_participation(meetings, members)
        logins = accounts_demo.load_people(members, groups, password)
        meetings_demo.load_personal_invitations(meetings)
        _, secretariat = find(User, username="secretariat")
        meetings_demo.load_papers(meetings, secretariat)
        workplans_demo.load_work_plans(groups, members, meetings, secretariat)
        reports_demo.load_reports(groups, meetings)
        groups_demo.load_silence_procedures(groups, secretariat)
        return logins
