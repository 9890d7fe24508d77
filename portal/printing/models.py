from django.conf import settings
from django.db import models
from django.db.models import Q


class PrintedDocument(models.Model):
    """One printing of a document (an agenda, a list of participants, a work plan) as its
    content stood: made by a worker, then served to everyone who asks for the same content
    until it changes. The row is the truth about the job (portal/jobs.py)."""

    class Kind(models.TextChoices):
        AGENDA = "agenda", "Agenda"
        PARTICIPANTS = "participants", "List of participants"
        WORK_PLAN = "work-plan", "Work plan"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Being printed"
        SUCCEEDED = "succeeded", "Ready"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The meeting or the work plan printed.
    subject_id = models.PositiveIntegerField()
    # What the reader's rights chose of it (the papers listed, the speakers named, the
    # delegates named), as canonical JSON: the worker prints exactly that.
    variant = models.CharField(max_length=300, blank=True)
    contents_hash = models.CharField(
        max_length=64, db_index=True, help_text="SHA-256 of what the document shows."
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    queued_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    pdf = models.FileField(upload_to="printed/", blank=True, max_length=300)

    class Meta:
        ordering = ["-queued_at", "-pk"]
        constraints = [
            # One printing at a time of the same content, however many ask at once.
            models.UniqueConstraint(
                fields=["contents_hash"],
                condition=Q(status__in=["queued", "running"]),
                name="printed_document_one_job_per_content",
            )
        ]
        indexes = [
            # The earlier printings of the same document, whose files go once a newer is ready.
            models.Index(fields=["kind", "subject_id", "variant"], name="printed_document_subject"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.subject_id} ({self.get_status_display()})"
