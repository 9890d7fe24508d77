import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from portal.text import COMMENT_MAX_LENGTH, LONG_TEXT_MAX_LENGTH, TEXT_MAX_LENGTH


class Member(models.Model):
    """A Bali Process member state or international organisation, or an observer."""

    class Kind(models.TextChoices):
        STATE = "state", "State"
        ORGANISATION = "organisation", "International organisation"

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(
        max_length=40, blank=True, help_text="Acronym of an organisation, e.g. IOM."
    )
    slug = models.SlugField(max_length=60, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    country = CountryField(
        "ISO 3166 country", blank=True, help_text="Required for a state, empty for an organisation."
    )
    ahg_joined_on = models.DateField(
        "Ad Hoc Group member since",
        null=True,
        blank=True,
        help_text="Empty for a member outside the Ad Hoc Group. Only its members may co-chair.",
    )
    ahg_left_on = models.DateField("left the Ad Hoc Group on", null=True, blank=True)
    is_observer = models.BooleanField(
        "Bali Process observer",
        default=False,
        help_text="An observer, not a member: invited to activities case by case.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="member_state_has_country",
                condition=(Q(kind="state") & ~Q(country=""))
                | (Q(kind="organisation") & Q(country="")),
                violation_error_message=(
                    "A state needs its ISO 3166 country; an organisation has none."
                ),
            ),
            models.CheckConstraint(
                name="member_observer_not_ahg",
                condition=~(Q(is_observer=True) & Q(ahg_joined_on__isnull=False)),
                violation_error_message="An observer cannot be an Ad Hoc Group member.",
            ),
            models.CheckConstraint(
                name="member_leaves_ahg_after_joining",
                condition=Q(ahg_left_on__isnull=True)
                | Q(ahg_joined_on__isnull=False, ahg_left_on__gte=models.F("ahg_joined_on")),
                violation_error_message="A member leaves the Ad Hoc Group after joining it.",
            ),
        ]

    def __str__(self):
        return self.short_name or self.name

    def is_ahg_member_on(self, day: datetime.date) -> bool:
        """True when the member belonged to the Ad Hoc Group on that day."""
        return (
            self.ahg_joined_on is not None
            and self.ahg_joined_on <= day
            and (self.ahg_left_on is None or self.ahg_left_on >= day)
        )

    @property
    def is_ahg_member(self) -> bool:
        """Belongs to the Ad Hoc Group today."""
        return self.is_ahg_member_on(timezone.localdate())

    @property
    def display_name(self) -> str:
        """The full name, with the acronym of an organisation."""
        if self.short_name and self.short_name != self.name:
            return f"{self.name} ({self.short_name})"
        return self.name


class WorkingGroup(models.Model):
    """A Bali Process working group, e.g. WG-TIP."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACTIVE = "active", "Active"
        UNDER_REVIEW = "under_review", "Under review"
        CONCLUDED = "concluded", "Concluded"

    name = models.CharField(max_length=300, unique=True)
    short_name = models.CharField(max_length=20, unique=True, help_text="e.g. WG-TIP")
    slug = models.SlugField(max_length=30, unique=True)
    purpose = models.TextField(max_length=TEXT_MAX_LENGTH)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    established_on = models.DateField(null=True, blank=True)
    review_on = models.DateField(
        "review date",
        null=True,
        blank=True,
        help_text="End of the initial period (up to two years after establishment).",
    )
    clearance_required = models.BooleanField(
        "national security clearance required",
        default=False,
        help_text="Only people with a valid clearance see anything of this group.",
    )
    chatham_house_default = models.BooleanField(
        "meetings under the Chatham House Rule by default", default=True
    )
    co_chair_max_years = models.PositiveSmallIntegerField(
        "longest co-chair tenure (years)",
        default=2,
        help_text="From the Terms of Reference; longer only by a recorded agreement.",
    )
    proposed_by = models.ManyToManyField(Member, blank=True, related_name="proposed_groups")

    history = HistoricalRecords(m2m_fields=[proposed_by])

    class Meta:
        ordering = ["short_name"]
        constraints = [
            models.CheckConstraint(
                name="group_review_after_establishment",
                condition=Q(review_on__isnull=True)
                | Q(established_on__isnull=True)
                | Q(review_on__gt=models.F("established_on")),
                violation_error_message="The review date must come after the establishment date.",
            )
        ]

    def __str__(self):
        return self.short_name

    def review_is_due(self, on: datetime.date) -> bool:
        """True once the review date has passed while the group still runs."""
        return (
            self.review_on is not None
            and self.review_on < on
            and self.status in (self.Status.ACTIVE, self.Status.UNDER_REVIEW)
        )


class TermsOfReference(models.Model):
    """One version of a group's Terms of Reference: a draft, or endorsed at a meeting."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ENDORSED = "endorsed", "Endorsed"

    group = models.ForeignKey(
        WorkingGroup, on_delete=models.CASCADE, related_name="terms_of_reference"
    )
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    summary = models.CharField(max_length=300, help_text="What this version is or changes.")
    text = models.TextField(max_length=LONG_TEXT_MAX_LENGTH)
    endorsed_on = models.DateField(null=True, blank=True)
    endorsed_at = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="endorsed_terms_of_reference",
        help_text="The meeting that endorsed this version.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["group", "-version"]
        verbose_name = "Terms of Reference version"
        constraints = [
            models.UniqueConstraint(fields=["group", "version"], name="tor_version_unique"),
            models.CheckConstraint(
                name="tor_endorsed_has_date",
                condition=Q(status="draft", endorsed_on__isnull=True)
                | Q(status="endorsed", endorsed_on__isnull=False),
                violation_error_message=(
                    "An endorsed version needs its endorsement date; a draft has none."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.group} Terms of Reference v{self.version}"

    def clean(self):
        meeting = self.endorsed_at
        if meeting is not None and self.endorsed_on and meeting.starts_at.date() > self.endorsed_on:
            raise ValidationError(
                {"endorsed_at": "The endorsing meeting starts after the endorsement date."}
            )


class Participation(models.Model):
    """A person representing a member in a working group, for a period."""

    class Role(models.TextChoices):
        EXPERT = "expert", "Expert"
        FOCAL_POINT = "focal_point", "Focal point"
        OBSERVER = "observer", "Observer"
        GUEST = "guest", "Guest"

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participations"
    )
    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="participations")
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        related_name="participations",
        help_text="The member state or organisation the person represents here.",
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.EXPERT)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["group", "member__name", "person__last_name"]
        constraints = [
            models.CheckConstraint(
                name="participation_ends_after_start",
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                violation_error_message="A participation cannot end before it starts.",
            )
        ]

    def __str__(self):
        return f"{self.person} ({self.member}) in {self.group} as {self.get_role_display()}"


class CoChairTerm(models.Model):
    """A member's term in one of the two co-chair seats of a group."""

    class Seat(models.IntegerChoices):
        FIRST = 1, "Seat 1"
        SECOND = 2, "Seat 2"

    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="co_chair_terms")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="co_chair_terms")
    seat = models.PositiveSmallIntegerField(choices=Seat.choices)
    starts_on = models.DateField()
    planned_end_on = models.DateField()
    ended_on = models.DateField(
        "actual end", null=True, blank=True, help_text="Only when the term ended early or late."
    )
    decided_at = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="co_chair_decisions",
        help_text="The AHG Senior Officials Meeting that decided the term.",
    )
    extension_agreed_by = models.CharField(
        "extension agreed by",
        max_length=300,
        blank=True,
        help_text="Who agreed that the member may co-chair beyond the maximum tenure.",
    )
    extension_agreed_on = models.DateField("extension agreed on", null=True, blank=True)
    extension_agreed_at = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="co_chair_extensions",
        verbose_name="extension agreed at",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["group", "starts_on", "seat"]
        constraints = [
            models.CheckConstraint(
                name="term_ends_after_start",
                condition=Q(planned_end_on__gte=models.F("starts_on"))
                & (Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("starts_on"))),
                violation_error_message="A co-chair term cannot end before it starts.",
            ),
            models.CheckConstraint(
                name="term_extension_complete",
                condition=Q(
                    extension_agreed_by="",
                    extension_agreed_on__isnull=True,
                    extension_agreed_at__isnull=True,
                )
                | (
                    ~Q(extension_agreed_by="")
                    & Q(extension_agreed_on__isnull=False, extension_agreed_at__isnull=False)
                ),
                violation_error_message=(
                    "An extension agreement records who agreed, when and at which meeting."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.member} co-chair of {self.group} from {self.starts_on:%d %b %Y}"

    @property
    def ends_on(self) -> datetime.date:
        """The last day of the term: the actual end when recorded, else the planned one."""
        return self.ended_on or self.planned_end_on

    @property
    def has_extension_agreement(self) -> bool:
        return bool(
            self.extension_agreed_by and self.extension_agreed_on and self.extension_agreed_at_id
        )

    def runs_on(self, day: datetime.date) -> bool:
        return self.starts_on <= day <= self.ends_on


class Nomination(models.Model):
    """A member's nomination for a co-chair seat, made at a group's annual meeting."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Not selected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="nominations")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="nominations")
    nominated_at = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.PROTECT,
        related_name="nominations",
        help_text="The annual meeting of the group at which the nomination was made.",
    )
    seat = models.PositiveSmallIntegerField(
        choices=CoChairTerm.Seat.choices,
        null=True,
        blank=True,
        help_text="The seat it is for, when known.",
    )
    for_term_from = models.DateField(
        "for the term starting", help_text="When the term the nomination is for would start."
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    term = models.OneToOneField(
        CoChairTerm,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nomination",
        help_text="The term decided from this nomination.",
    )
    note = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["group", "for_term_from", "member__name"]
        constraints = [
            models.CheckConstraint(
                name="nomination_accepted_has_term",
                condition=Q(outcome="accepted", term__isnull=False)
                | (~Q(outcome="accepted") & Q(term__isnull=True)),
                violation_error_message="An accepted nomination points at the term it became.",
            )
        ]

    def __str__(self):
        return f"{self.member} nominated to co-chair {self.group} from {self.for_term_from}"


class SilenceProcedure(models.Model):
    """A decision taken between meetings: the co-chairs, through the secretariat, circulate
    a text to the group's members with a deadline; unless a member's focal point breaks
    silence before it, the text is adopted at the deadline and its effect applied."""

    class Subject(models.TextChoices):
        WORK_PLAN_REVISION = "work_plan_revision", "A revision of the work plan"
        STATEMENT = "statement", "A public statement"
        TERMS_OF_REFERENCE = "terms_of_reference", "A change to the Terms of Reference"
        NOMINATION = "nomination", "A co-chair nomination to put to the SOM"
        TEXT = "text", "Other text"

    class Status(models.TextChoices):
        UNDER_SILENCE = "under_silence", "Under silence"
        ADOPTED = "adopted", "Adopted by silence procedure"
        BROKEN = "broken", "Silence broken"
        WITHDRAWN = "withdrawn", "Withdrawn"

    group = models.ForeignKey(
        WorkingGroup, on_delete=models.PROTECT, related_name="silence_procedures"
    )
    subject = models.CharField(max_length=30, choices=Subject.choices)
    title = models.CharField(max_length=300)
    text = models.TextField(
        max_length=LONG_TEXT_MAX_LENGTH, help_text="The text circulated, in Markdown."
    )
    # What the decision is about, by subject; its effect is applied to it at adoption.
    work_plan = models.ForeignKey(
        "workplans.WorkPlan", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    statement = models.ForeignKey(
        "reports.PublicStatement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="silence_procedures",
    )
    terms_of_reference = models.ForeignKey(
        TermsOfReference, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    nomination = models.ForeignKey(
        Nomination, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    circulated_at = models.DateTimeField()
    circulated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    deadline = models.DateTimeField()
    # The zone the deadline was set in ("17:00 Bangkok time"); each reader also sees it in
    # their own.
    deadline_time_zone = models.CharField(max_length=64, default="Asia/Bangkok")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UNDER_SILENCE)
    concluded_at = models.DateTimeField(null=True, blank=True)
    # Who withdrew it; empty when the deadline or a broken silence concluded it.
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The revision of the work plan the adoption made, when that was its subject.
    revision = models.OneToOneField(
        "workplans.Revision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["group", "-circulated_at"]
        constraints = [
            models.CheckConstraint(
                name="silence_procedure_concluded_has_date",
                condition=Q(status="under_silence", concluded_at__isnull=True)
                | (~Q(status="under_silence") & Q(concluded_at__isnull=False)),
                violation_error_message="A concluded silence procedure keeps its date; one "
                "under silence has none.",
            ),
        ]
        indexes = [
            # The beat's question: which procedures under silence reached their deadline.
            models.Index(fields=["status", "deadline"], name="silence_due"),
        ]

    def __str__(self):
        return f"{self.group}: {self.title} ({self.get_status_display().lower()})"

    @property
    def is_under_silence(self) -> bool:
        return self.status == self.Status.UNDER_SILENCE


class SilenceBreak(models.Model):
    """A member breaking silence: its focal point objects, with a reason, before the
    deadline; one break is enough to return the text to the co-chairs."""

    procedure = models.ForeignKey(SilenceProcedure, on_delete=models.CASCADE, related_name="breaks")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(max_length=COMMENT_MAX_LENGTH)
    broken_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["procedure", "broken_at"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "member"], name="one_break_per_member")
        ]

    def __str__(self):
        return f"{self.member} broke silence on {self.procedure.title}"
