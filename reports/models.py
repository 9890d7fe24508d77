from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from portal.text import COMMENT_MAX_LENGTH, LONG_TEXT_MAX_LENGTH


class Report(models.Model):
    """A document the co-chairs approve: a group's annual report to the Steering Group, its
    oral-update brief for the SOM, or the outcome record (co-chairs' statement) of one of
    its meetings."""

    class Kind(models.TextChoices):
        ANNUAL = "annual", "Annual report to the Steering Group"
        BRIEF = "brief", "Oral-update brief for the AHG SOM"
        OUTCOME_RECORD = "outcome_record", "Outcome record"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Waiting for the co-chairs"
        SENT_BACK = "sent_back", "Sent back"
        APPROVED = "approved", "Approved"
        SUBMITTED_TO_STEERING_GROUP = "to_steering_group", "Submitted to the Steering Group"
        DELIVERED_AT_SOM = "delivered", "Delivered at the SOM"

    group = models.ForeignKey(
        "groups.WorkingGroup", on_delete=models.PROTECT, related_name="reports"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(help_text="The calendar year reported on.")
    meeting = models.OneToOneField(
        "meetings.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outcome_record",
        help_text="The meeting whose outcomes an outcome record states.",
    )
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.DRAFT)
    # Narrative parts, written by the secretariat in Markdown.
    summary = models.TextField(max_length=LONG_TEXT_MAX_LENGTH, blank=True)
    issues_for_direction = models.TextField(
        "issues on which the co-chairs seek the Steering Group's direction",
        max_length=LONG_TEXT_MAX_LENGTH,
        blank=True,
    )
    co_chairs_remarks = models.TextField(
        "co-chairs' remarks", max_length=LONG_TEXT_MAX_LENGTH, blank=True
    )
    next_steps = models.TextField("what comes next", max_length=LONG_TEXT_MAX_LENGTH, blank=True)
    # The oral-update brief's numbered speaking points as the secretariat edited them:
    # [{"section": ..., "text": ..., "included": bool}]; empty while they are drafted
    # from the portal's data (see reports.brief).
    speaking_points = models.JSONField(default=list, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The co-chairs serving at submission: every one of them must approve.
    approvers = models.ManyToManyField("groups.Member", blank=True, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_content_hash = models.CharField(max_length=64, blank=True)
    # The content the co-chairs approved, as hashed: what the report shows once approved,
    # whatever the portal's data says since. Empty for reports approved before it was kept.
    approved_content = models.JSONField(null=True, blank=True, editable=False)
    approved_pdf = models.FileField(upload_to="reports/approved/", blank=True)
    # Counted from 1; a new version is started when the data changed after approval, and
    # the approved one is kept as a ReportVersion.
    version = models.PositiveSmallIntegerField(default=1, editable=False)

    # The approved content never changes once kept: no need to copy it into every entry.
    history = HistoricalRecords(m2m_fields=[approvers], excluded_fields=["approved_content"])

    class Meta:
        ordering = ["group", "-year", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "kind", "year"],
                condition=Q(meeting__isnull=True),
                name="report_unique",
            ),
            models.CheckConstraint(
                name="report_outcome_record_has_meeting",
                condition=Q(kind="outcome_record", meeting__isnull=False)
                | (~Q(kind="outcome_record") & Q(meeting__isnull=True)),
                violation_error_message="An outcome record, and only it, is about one meeting.",
            ),
            models.CheckConstraint(
                name="report_approved_has_hash",
                condition=Q(approved_at__isnull=True) | ~Q(approved_content_hash=""),
                violation_error_message="An approved report keeps the hash of what was approved.",
            ),
        ]

    def __str__(self):
        if self.is_outcome_record:
            return f"{self.group} outcome record of {self.meeting.title}"
        return f"{self.group} {self.get_kind_display()} {self.year}"

    @property
    def title(self) -> str:
        """What the report is called on its pages, without the group."""
        if self.is_outcome_record:
            return f"Outcome record of {self.meeting.title}"
        return f"{self.get_kind_display()} {self.year}"

    @property
    def file_stem(self) -> str:
        """The name its PDF files are saved and downloaded under, without extension."""
        if self.is_outcome_record:
            return f"{self.group.slug}-outcome-record-{self.meeting.local_start:%Y-%m-%d}"
        return f"{self.group.slug}-{self.kind}-{self.year}"

    @property
    def is_approved(self) -> bool:
        """Approved by every co-chair asked: its content and PDF no longer change."""
        return self.status in APPROVED_STATUSES

    @property
    def is_outcome_record(self) -> bool:
        return self.kind == self.Kind.OUTCOME_RECORD

    def url_kwargs(self) -> dict:
        """What the report's pages are addressed by: the meeting for an outcome record,
        the group, kind and year for the others."""
        if self.is_outcome_record:
            return {"meeting_id": self.meeting_id}
        return {"slug": self.group.slug, "kind": self.kind, "year": self.year}


# The parts of a report the secretariat writes, in Markdown; the rest comes from the portal.
NARRATIVE_FIELDS = ("summary", "issues_for_direction", "co_chairs_remarks", "next_steps")

# A report in one of these states was approved by its co-chairs; its PDF is frozen.
APPROVED_STATUSES = (
    Report.Status.APPROVED,
    Report.Status.SUBMITTED_TO_STEERING_GROUP,
    Report.Status.DELIVERED_AT_SOM,
)


class Approval(models.Model):
    """A co-chair's decision on the exact content of a report, identified by its hash."""

    class Decision(models.TextChoices):
        APPROVED = "approved", "Approved"
        SENT_BACK = "sent_back", "Sent back"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="approvals")
    # The version of the report decided on: an approval stays with the version it approved.
    version = models.PositiveSmallIntegerField(default=1, editable=False)
    member = models.ForeignKey("groups.Member", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=20, choices=Decision.choices)
    content_hash = models.CharField(max_length=64)
    comment = models.TextField(max_length=COMMENT_MAX_LENGTH, blank=True)
    decided_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when the report changed after this decision."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "decided_at"]
        constraints = [
            # One standing decision per co-chair member and content of a version.
            models.UniqueConstraint(
                fields=["report", "version", "member", "content_hash"],
                condition=Q(withdrawn_at__isnull=True),
                name="approval_one_standing_per_member",
            )
        ]

    def __str__(self):
        return f"{self.member} {self.get_decision_display().lower()} {self.report}"


class ReportVersion(models.Model):
    """An approved version of a report, kept as approved when the secretariat starts the
    next one: its content, its fingerprint, its frozen PDF and (through ``number``) the
    co-chairs' approvals of it stay readable."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=30, choices=Report.Status.choices)
    approved_at = models.DateTimeField()
    approved_content_hash = models.CharField(max_length=64)
    approved_content = models.JSONField(null=True, blank=True)
    approved_pdf = models.FileField(upload_to="reports/approved/", blank=True)
    superseded_at = models.DateTimeField()
    superseded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # What had changed in the portal's data since approval, in words, when it was superseded.
    changes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["report", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="report_version_unique")
        ]

    def __str__(self):
        return f"{self.report}, version {self.number}"


class RenderJob(models.Model):
    """Rendering a report to PDF in the background; the row is the truth about the job."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Rendering"
        SUCCEEDED = "succeeded", "Ready"
        FAILED = "failed", "Failed"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="render_jobs")
    content_hash = models.CharField(max_length=64)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    queued_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    pdf = models.FileField(upload_to="reports/rendered/", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-queued_at"]

    def __str__(self):
        return f"Rendering of {self.report} ({self.get_status_display()})"


class PublicStatement(models.Model):
    """A text a group publishes on its public page: drafted by the secretariat, published
    once every co-chair approved its exact content (or the group adopted it by silence
    procedure), and never changed after."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Waiting for the co-chairs"
        SENT_BACK = "sent_back", "Sent back"
        PUBLISHED = "published", "Published"

    group = models.ForeignKey(
        "groups.WorkingGroup", on_delete=models.PROTECT, related_name="statements"
    )
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statements",
        help_text="The meeting the statement is about, if any.",
    )
    title = models.CharField(max_length=300)
    text = models.TextField(max_length=LONG_TEXT_MAX_LENGTH, help_text="In Markdown.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # On a meeting under the Chatham House Rule, a draft that names a speaker, a participant
    # or their affiliation is submitted only once someone confirmed the names may be
    # published; the names confirmed are kept with who confirmed them.
    names_confirmed = models.JSONField(default=list, blank=True)
    names_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The co-chairs serving at submission: every one of them must approve.
    approvers = models.ManyToManyField("groups.Member", blank=True, related_name="+")
    approved_content_hash = models.CharField(max_length=64, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(m2m_fields=[approvers])

    class Meta:
        ordering = ["group", "-published_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                name="statement_published_has_hash_and_date",
                condition=~Q(status="published")
                | (Q(published_at__isnull=False) & ~Q(approved_content_hash="")),
                violation_error_message="A published statement keeps its date and the hash "
                "of what was approved.",
            ),
        ]

    def __str__(self):
        return f"{self.group}: {self.title}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class StatementApproval(models.Model):
    """A co-chair's decision on the exact content of a public statement, by its hash."""

    class Decision(models.TextChoices):
        APPROVED = "approved", "Approved"
        SENT_BACK = "sent_back", "Sent back"

    statement = models.ForeignKey(
        PublicStatement, on_delete=models.CASCADE, related_name="approvals"
    )
    member = models.ForeignKey("groups.Member", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=20, choices=Decision.choices)
    content_hash = models.CharField(max_length=64)
    comment = models.TextField(max_length=COMMENT_MAX_LENGTH, blank=True)
    decided_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when the statement changed after this decision."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["statement", "decided_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "member", "content_hash"],
                condition=Q(withdrawn_at__isnull=True),
                name="statement_approval_one_standing_per_member",
            )
        ]

    def __str__(self):
        return f"{self.member} {self.get_decision_display().lower()} {self.statement}"
