import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


def validate_time_zone(value: str) -> None:
    """Accept only IANA time zone names such as Asia/Bangkok."""
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone (e.g. Asia/Bangkok).")


class Meeting(models.Model):
    """A meeting of a working group or of a Bali Process body."""

    class Kind(models.TextChoices):
        WORKING_GROUP = "working_group", "Working group meeting"
        SOM = "som", "AHG Senior Officials Meeting"
        STEERING_GROUP = "steering_group", "Steering Group meeting"
        MINISTERIAL = "ministerial", "Ministerial Conference"
        WORKSHOP = "workshop", "Workshop"
        FORUM = "forum", "Forum"
        SYMPOSIUM = "symposium", "Symposium"
        ROUNDTABLE = "roundtable", "Roundtable"

    class Body(models.TextChoices):
        AD_HOC_GROUP = "ahg", "Ad Hoc Group"
        STEERING_GROUP = "steering_group", "Steering Group"
        MINISTERIAL = "ministerial", "Bali Process Ministers"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=300)
    group = models.ForeignKey(
        "groups.WorkingGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        help_text="The working group holding the meeting; empty for a Bali Process body.",
    )
    body = models.CharField(
        "Bali Process body",
        max_length=20,
        choices=Body.choices,
        blank=True,
        help_text="The body holding the meeting when no working group does.",
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    time_zone = models.CharField(
        max_length=64, default="Asia/Bangkok", validators=[validate_time_zone]
    )
    location = models.CharField(max_length=200, blank=True, help_text="City and country.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                name="meeting_ends_after_start",
                condition=Q(ends_at__gte=models.F("starts_at")),
                violation_error_message="A meeting cannot end before it starts.",
            ),
            models.CheckConstraint(
                name="meeting_held_by_group_or_body",
                condition=(Q(group__isnull=False) & Q(body=""))
                | (Q(group__isnull=True) & ~Q(body="")),
                violation_error_message="A meeting is held by a working group or by one body.",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.local_start:%d %b %Y})"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def local_start(self):
        """The start in the meeting's own time zone."""
        return self.starts_at.astimezone(self.zone)
