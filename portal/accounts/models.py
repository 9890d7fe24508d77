import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from meetings.models import validate_time_zone


class User(AbstractUser):
    """A person who signs in: secretariat staff, a member's expert, an observer."""

    is_secretariat = models.BooleanField(
        "secretariat staff",
        default=False,
        help_text="Staff of the Regional Support Office: may see and change everything.",
    )
    affiliation = models.ForeignKey(
        "groups.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        help_text="The member state or organisation this person works for.",
    )
    job_title = models.CharField(max_length=200, blank=True)
    clearance_level = models.CharField(
        "security clearance",
        max_length=100,
        blank=True,
        help_text="The national security clearance held, e.g. 'Negative Vetting 1'.",
    )
    clearance_expires_on = models.DateField(
        "clearance expires on",
        null=True,
        blank=True,
        help_text="Last day on which the clearance is valid.",
    )

    time_zone = models.CharField(
        "your time zone",
        max_length=64,
        default="Asia/Bangkok",
        validators=[validate_time_zone],
        help_text="Meeting times are also shown in this zone.",
    )

    # Every session signed in before this moment is ended at its next request: set when
    # the person signs out, changes their password, is deactivated or their clearance lapses.
    sessions_valid_from = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["password", "last_login", "sessions_valid_from"])

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            models.CheckConstraint(
                name="clearance_has_expiry",
                condition=models.Q(clearance_level="")
                | models.Q(clearance_expires_on__isnull=False),
                violation_error_message="A security clearance needs an expiry date.",
            )
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    def has_valid_clearance(self, on: datetime.date | None = None) -> bool:
        """True while the person holds a clearance that has not expired."""
        on = on or timezone.localdate()
        return bool(
            self.clearance_level
            and self.clearance_expires_on is not None
            and self.clearance_expires_on >= on
        )
