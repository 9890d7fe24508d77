from django.conf import settings
from django.db import models


class AccessRecord(models.Model):
    """One sign-in, failed or refused sign-in, refusal of a page, or download of restricted
    material: when, by whom, from which address, of what. Never a password, a token or a
    session key."""

    class Event(models.TextChoices):
        SIGNED_IN = "signed_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        SIGN_IN_REFUSED = "sign_in_refused", "Sign-in refused (too many failures)"
        SECOND_FACTOR_FAILED = "second_factor_failed", "Second factor failed"
        SIGNED_OUT = "signed_out", "Signed out"
        REFUSED = "refused", "Refused (not found or hidden)"
        DOWNLOADED = "downloaded", "Downloaded restricted material"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    event = models.CharField(max_length=30, choices=Event.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The name typed at a sign-in that matched nobody, or before the person was known.
    username = models.CharField(max_length=150, blank=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    path = models.CharField(max_length=500, blank=True)
    # What was seen or refused: its kind ("paper", "report PDF"), id and name at the time.
    object_kind = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            # The secretariat's list filtered by person or event, newest first.
            models.Index(fields=["person", "-at"], name="access_by_person"),
            models.Index(fields=["event", "-at"], name="access_by_event"),
        ]

    def __str__(self):
        who = self.person or self.username or "someone"
        return f"{self.get_event_display()}: {who} at {self.at:%Y-%m-%d %H:%M}"
