from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from portal.text import COMMENT_MAX_LENGTH, TEXT_MAX_LENGTH


class RegionalPriority(models.Model):
    """A priority issue a group set for the region (WG-TIP's I to IX)."""

    group = models.ForeignKey(
        "groups.WorkingGroup", on_delete=models.CASCADE, related_name="regional_priorities"
    )
    numeral = models.CharField(max_length=8, help_text="e.g. IV")
    order = models.PositiveSmallIntegerField()
    text = models.TextField(max_length=TEXT_MAX_LENGTH)

    history = HistoricalRecords()

    class Meta:
        ordering = ["group", "order"]
        verbose_name_plural = "regional priorities"
        constraints = [
            models.UniqueConstraint(fields=["group", "numeral"], name="priority_numeral_unique")
        ]

    def __str__(self):
        return f"{self.numeral}. {self.text[:60]}"


class WorkPlan(models.Model):
    """A group's Forward Work Plan for a period; a living document with adopted revisions."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ADOPTED = "adopted", "Adopted"
        SUPERSEDED = "superseded", "Superseded"

    group = models.ForeignKey(
        "groups.WorkingGroup", on_delete=models.PROTECT, related_name="work_plans"
    )
    title = models.CharField(max_length=300)
    period = models.CharField(max_length=20, help_text="e.g. 2015-17")
    slug = models.SlugField(max_length=60, help_text="e.g. 2015-17, in the plan's address")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    background = models.TextField(max_length=TEXT_MAX_LENGTH, blank=True)
    adopted_at = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The meeting that adopted the plan.",
    )
    priorities = models.ManyToManyField(
        RegionalPriority,
        blank=True,
        related_name="work_plans",
        verbose_name="regional priorities it serves",
    )

    history = HistoricalRecords(m2m_fields=[priorities])

    class Meta:
        ordering = ["group", "-period"]
        constraints = [
            models.UniqueConstraint(fields=["group", "slug"], name="work_plan_slug_unique")
        ]

    def __str__(self):
        return f"{self.group} {self.title}"


class Objective(models.Model):
    """A high-level objective or focus area of a work plan."""

    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="objectives")
    number = models.PositiveSmallIntegerField()
    text = models.TextField(max_length=TEXT_MAX_LENGTH)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="objective_number_unique")
        ]

    def __str__(self):
        return f"{self.number}. {self.text[:60]}"


class Action(models.Model):
    """A numbered action of a work plan: what, who leads and funds it, and how far it is."""

    class Status(models.TextChoices):
        FOR_ACTION = "for_action", "For action"
        ONGOING = "ongoing", "Ongoing"
        CONTINUING = "continuing", "Continuing"
        COMPLETE = "complete", "Complete"
        DISCONTINUED = "discontinued", "Discontinued"

    class Initiative(models.TextChoices):
        CAPACITY_BUILDING = "capacity_building", "Capacity building"
        TRAINING = "training_curriculum", "Training curriculum"
        RESEARCH = "research", "Research"
        PUBLICATION = "publication", "Publication"
        AWARENESS = "awareness_campaign", "Awareness campaign"
        PARTNERSHIP = "partnership", "Partnership"
        EVENT = "event", "Event"

    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="actions")
    number = models.PositiveSmallIntegerField()
    description = models.TextField(max_length=TEXT_MAX_LENGTH)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.FOR_ACTION)
    status_note = models.TextField(max_length=COMMENT_MAX_LENGTH, blank=True)
    target_period = models.CharField(max_length=20, blank=True, help_text="e.g. 2016/17")
    initiative = models.CharField(
        "type of initiative", max_length=30, choices=Initiative.choices, blank=True
    )
    lead_members = models.ManyToManyField(
        "groups.Member", blank=True, related_name="actions_led", verbose_name="lead members"
    )
    funding_members = models.ManyToManyField(
        "groups.Member", blank=True, related_name="actions_funded", verbose_name="funding members"
    )
    priorities = models.ManyToManyField(RegionalPriority, blank=True, related_name="actions")
    objectives = models.ManyToManyField(Objective, blank=True, related_name="actions")
    in_bali_process_strategy = models.BooleanField(
        "an item in the Bali Process Strategy", default=False
    )
    proposed_for_rso_work_plan = models.BooleanField(
        "proposed for the RSO work plan", default=False
    )
    delivered_at = models.ManyToManyField(
        "meetings.Meeting",
        blank=True,
        related_name="actions_delivered",
        verbose_name="meetings that delivered it",
    )
    from_outcome = models.ForeignKey(
        "meetings.Outcome",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        help_text="The meeting outcome this action was made from.",
    )

    history = HistoricalRecords(
        m2m_fields=[lead_members, funding_members, priorities, objectives, delivered_at]
    )

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="action_number_unique")
        ]

    def __str__(self):
        return f"{self.number}. {self.description[:70]}"


class ProgressUpdate(models.Model):
    """A dated report of progress on an action, by its author."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    reported_on = models.DateField()
    text = models.TextField(max_length=TEXT_MAX_LENGTH)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="progress_updates"
    )
    from_outcome = models.ForeignKey(
        "meetings.Outcome",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="progress_updates",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "-reported_on", "-created_at"]

    def __str__(self):
        return f"Update of {self.reported_on} on action {self.action.number}"


class Proposal(models.Model):
    """A member's self-nomination, as the Terms of Reference invite: to lead or fund an
    action, or a new initiative for the plan. The secretariat or the group's co-chairs
    accept or decline it, and the proposer is told."""

    class Kind(models.TextChoices):
        LEAD = "lead", "Lead the action"
        FUNDER = "funder", "Fund the action"
        INITIATIVE = "initiative", "A new initiative"

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting a decision"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="proposals")
    action = models.ForeignKey(
        Action,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="proposals",
        help_text="The action to lead or fund; empty for a new initiative.",
    )
    member = models.ForeignKey("groups.Member", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.TextField(
        max_length=TEXT_MAX_LENGTH,
        blank=True,
        help_text="For a new initiative, what it would do; otherwise a note.",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(max_length=COMMENT_MAX_LENGTH, blank=True)
    resulting_action = models.ForeignKey(
        Action,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The action an accepted new initiative became.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "-proposed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="proposal_action_unless_initiative",
                condition=(Q(kind="initiative") & Q(action__isnull=True))
                | (~Q(kind="initiative") & Q(action__isnull=False)),
                violation_error_message="A member proposes to lead or fund an action, "
                "or proposes a new initiative.",
            ),
            models.UniqueConstraint(
                fields=["action", "member", "kind"],
                condition=Q(status="pending") & Q(action__isnull=False),
                name="one_pending_proposal_per_action_member_kind",
                violation_error_message="This member's proposal awaits a decision already.",
            ),
        ]

    def __str__(self):
        subject = f"action {self.action.number}" if self.action_id else "a new initiative"
        return f"{self.member} proposes: {self.get_kind_display()} ({subject})"


class Revision(models.Model):
    """An adopted revision of a work plan, frozen as it was adopted."""

    # An adopted revision is the record of what was agreed: a plan that has one stays.
    plan = models.ForeignKey(WorkPlan, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveSmallIntegerField()
    label = models.CharField(
        max_length=300, help_text='e.g. "Updated following the second meeting"'
    )
    adopted_on = models.DateField()
    adopted_at = models.ForeignKey(
        "meetings.Meeting", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The plan as adopted: objectives and actions with their wording, statuses and links.
    snapshot = models.JSONField()
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="revision_number_unique"),
            models.CheckConstraint(name="revision_number_positive", condition=Q(number__gte=1)),
        ]

    def __str__(self):
        return f"{self.plan}, revision {self.number}: {self.label}"


def attachment_upload_path(attachment: "Attachment", filename: str) -> str:
    # The stored name never comes from the uploader: only the checked extension does.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"workplans/{attachment.plan_id}/attachments/{attachment.sha256[:16]}.{suffix}"


class Attachment(models.Model):
    """A document attached to a work plan or to one of its actions, such as the list of
    regional priorities at "Attachment A": listed in the printed plan, and appended to it
    when it is a PDF. Read by whoever may read the plan."""

    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="attachments")
    action = models.ForeignKey(
        Action,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        help_text="The action it belongs to; none for the whole plan.",
    )
    label = models.CharField(max_length=40, help_text='How the plan refers to it: "Attachment A".')
    title = models.CharField(max_length=300)
    file = models.FileField(upload_to=attachment_upload_path, max_length=300)
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
        ordering = ["plan", "label", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "label"], name="attachment_label_unique")
        ]

    def __str__(self):
        return f"{self.label}: {self.title}"

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"
