import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from portal.text import TEXT_MAX_LENGTH


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

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        CONFIRMED = "confirmed", "Confirmed"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

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
    venue = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    country = CountryField(blank=True)
    objectives = models.TextField(max_length=TEXT_MAX_LENGTH, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    back_to_back_with = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The meeting this one is held back to back with, at the same place.",
    )
    chatham_house = models.BooleanField(
        "under the Chatham House Rule",
        default=True,
        help_text="Outputs never attribute a statement to a speaker or their affiliation.",
    )
    participants_total = models.PositiveIntegerField(
        null=True, blank=True, help_text="For large events whose attendance is not recorded."
    )
    member_countries_total = models.PositiveIntegerField(
        "member countries represented", null=True, blank=True
    )
    organisations_total = models.PositiveIntegerField(
        "international organisations represented", null=True, blank=True
    )
    agenda_published_at = models.DateTimeField(null=True, blank=True)
    answers_by = models.DateField(
        "answers wanted by",
        null=True,
        blank=True,
        help_text="The date by which the invited should answer; reminders count back from it "
        "(from the first day of the meeting when empty).",
    )

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
    def location(self) -> str:
        """Venue, city and country, as far as they are known."""
        parts = [self.venue, self.city, self.country.name if self.country else ""]
        return ", ".join(p for p in parts if p)

    @property
    def clearance_required(self) -> bool:
        """A meeting of a clearance group is open only to cleared people."""
        return bool(self.group_id and self.group.clearance_required)

    @property
    def agenda_is_published(self) -> bool:
        return self.agenda_published_at is not None

    @property
    def is_closed(self) -> bool:
        """Held or cancelled: its invitations are no longer sent, answered or reminded."""
        return self.status in (self.Status.HELD, self.Status.CANCELLED)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def local_start(self):
        """The start in the meeting's own time zone."""
        return self.starts_at.astimezone(self.zone)


class AgendaItem(models.Model):
    """One item of a meeting's agenda; times follow from the order unless fixed."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    description = models.TextField(max_length=TEXT_MAX_LENGTH, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(default=30)
    fixed_start_at = models.DateTimeField(
        null=True, blank=True, help_text="Only for an item that must start at a set time."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="agenda_position_unique")
        ]

    def __str__(self):
        return f"{self.position}. {self.title}"


class Speaker(models.Model):
    """Who speaks to an agenda item: a person of the portal, or a name and affiliation."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="speakers")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    name = models.CharField(max_length=200, blank=True)
    affiliation = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "pk"]
        constraints = [
            models.CheckConstraint(
                name="speaker_person_or_name",
                condition=Q(person__isnull=False) | ~Q(name=""),
                violation_error_message="A speaker is a person of the portal or a name.",
            )
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return str(self.person) if self.person_id else self.name


class Document(models.Model):
    """A paper or document of a meeting, with its versions; readable by access level."""

    class Access(models.TextChoices):
        PUBLIC = "public", "Public"
        PARTICIPANTS = "participants", "Group participants"
        CLEARED = "cleared", "Cleared participants"
        SECRETARIAT = "secretariat", "Secretariat only"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="documents"
    )
    title = models.CharField(max_length=300)
    access = models.CharField(max_length=20, choices=Access.choices, default=Access.PARTICIPANTS)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "title"]

    def __str__(self):
        return self.title


def document_upload_path(version: "DocumentVersion", filename: str) -> str:
    # The stored name never comes from the uploader: only the checked extension does.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return (
        f"meetings/{version.document.meeting_id}/{version.document_id}/v{version.number}.{suffix}"
    )


class DocumentVersion(models.Model):
    """One uploaded file of a document; earlier versions stay readable."""

    # A paper's versions are its record: a document that has one is never deleted.
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to=document_upload_path, max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_unique")
        ]

    def __str__(self):
        return f"{self.document} v{self.number}"


class Invitation(models.Model):
    """An invitation of a member (answered by its focal point, who names the delegation)
    or of a person (answered by that person)."""

    class Response(models.TextChoices):
        PENDING = "pending", "Awaiting an answer"
        ACCEPTED = "accepted", "Will attend in person"
        ONLINE = "online", "Will attend online"
        DECLINED = "declined", "Will not attend"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    member = models.ForeignKey(
        "groups.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    as_observer = models.BooleanField("invited as observer", default=False)
    response = models.CharField(max_length=20, choices=Response.choices, default=Response.PENDING)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(
        blank=True, help_text="Anything the secretariat should know with the answer."
    )
    delegates = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name="delegation",
        help_text="For a member's invitation: who its focal point names to attend.",
    )

    history = HistoricalRecords(m2m_fields=[delegates])

    class Meta:
        ordering = ["meeting", "as_observer", "member__name", "person__last_name"]
        constraints = [
            models.CheckConstraint(
                name="invitation_member_or_person",
                condition=Q(member__isnull=False) | Q(person__isnull=False),
                violation_error_message="Invite a member or a person.",
            ),
            models.UniqueConstraint(
                fields=["meeting", "member"],
                condition=Q(person__isnull=True),
                name="invitation_of_member_unique",
            ),
            models.UniqueConstraint(
                fields=["meeting", "person"],
                condition=Q(member__isnull=True),
                name="invitation_of_person_unique",
            ),
        ]

    def __str__(self):
        return f"Invitation of {self.person or self.member} to {self.meeting}"

    @property
    def attending(self) -> bool:
        return self.response in (self.Response.ACCEPTED, self.Response.ONLINE)


class InvitationReminder(models.Model):
    """A reminder sent for an unanswered invitation: at most one per invitation and date,
    so a reminder run twice on a day sends nothing the second time."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="reminders")
    sent_on = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text='Who pressed "remind now"; empty for the daily reminders.',
    )

    class Meta:
        ordering = ["invitation", "-sent_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["invitation", "sent_on"], name="one_reminder_per_invitation_a_day"
            )
        ]

    def __str__(self):
        return f"Reminder of {self.sent_on} for {self.invitation}"


class Attendance(models.Model):
    """Who attended a meeting, recorded by the secretariat afterwards."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey("groups.Member", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    as_observer = models.BooleanField(default=False)
    online = models.BooleanField("attended online", default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "as_observer", "member__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"],
                condition=Q(person__isnull=True),
                name="attendance_of_member_unique",
            ),
            models.UniqueConstraint(
                fields=["meeting", "person"],
                condition=Q(person__isnull=False),
                name="attendance_of_person_unique",
            ),
        ]

    def __str__(self):
        return f"{self.person or self.member} at {self.meeting}"


class Outcome(models.Model):
    """What participants agreed, or a recommendation of the co-chairs, numbered."""

    class Kind(models.TextChoices):
        AGREED = "agreed", "Participants agreed"
        RECOMMENDATION = "recommendation", "Co-chairs' recommendation"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="outcomes")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.AGREED)
    text = models.TextField(max_length=TEXT_MAX_LENGTH)

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="outcome_number_unique")
        ]

    def __str__(self):
        return f"{self.number}. {self.text[:60]}"


class MeetingPack(models.Model):
    """One reader's meeting pack: the agenda and every paper they may see, in agenda order,
    as one PDF made in the background. The row is the truth about the job."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Being put together"
        SUCCEEDED = "succeeded", "Ready"
        FAILED = "failed", "Failed"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="packs")
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_packs"
    )
    contents_hash = models.CharField(
        max_length=64,
        help_text="What went in: the agenda and the versions of the papers the reader may see.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    parts_done = models.PositiveSmallIntegerField(default=0)
    parts_total = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    queued_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    pdf = models.FileField(upload_to="meetings/packs/", blank=True, max_length=300)

    class Meta:
        ordering = ["-queued_at"]

    def __str__(self):
        return f"Meeting pack of {self.meeting} for {self.reader} ({self.get_status_display()})"


class CalendarFeed(models.Model):
    """A person's private calendar address; revoking it stops every copy of the link."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Calendar feed of {self.person}"
