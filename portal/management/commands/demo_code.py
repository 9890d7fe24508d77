from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.accounts import two_factor
from portal.accounts.demo import DEMO_APP_KEY


class Command(BaseCommand):
    help = (
        "Print the code a demo person's authenticator app would show now, for the second "
        "step of signing in to the demo."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        # Only the demo's own app: a person's real secret is never printed.
        device = TOTPDevice.objects.filter(
            user__username=username, confirmed=True, key=DEMO_APP_KEY
        ).first()
        if device is None:
            raise CommandError(f"{username} has no demo authenticator app.")
        self.stdout.write(two_factor.current_code(device))
