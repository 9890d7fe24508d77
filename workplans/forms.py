"""The forms of the work plan pages."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from groups.forms import DateInput
from groups.models import Member
from meetings import papers
from meetings.models import Meeting
from portal import dates
from portal.forms import SingleLineCharField
from portal.submissions import SubmittedOnce
from portal.text import COMMENT_MAX_LENGTH, TEXT_MAX_LENGTH
from portal.versions import VersionedForm
from workplans import exchange, services
from workplans.models import Action, Objective, Proposal, RegionalPriority, WorkPlan

CURRENT = "current"


# --- Plans --------------------------------------------------------------------------------


class RevisionForm(SubmittedOnce, forms.Form):
    """A new revision: the plan as it stands, adopted on a day, perhaps at a meeting."""

    label = SingleLineCharField(
        max_length=300, help_text='e.g. "Updated following the third meeting, 12 May 2017"'
    )
    adopted_on = dates.DateField(label="Adopted on", widget=DateInput)
    adopted_at = forms.ModelChoiceField(
        queryset=Meeting.objects.none(),
        label="Adopted at (meeting)",
        required=False,
        empty_label="No meeting",
    )

    def __init__(self, *args, plan: WorkPlan, **kwargs):
        super().__init__(*args, **kwargs)
        # The group's own meetings and those of the Bali Process bodies (a SOM may adopt it).
        meetings = Meeting.objects.filter(Q(group=plan.group_id) | Q(group__isnull=True))
        field = self.fields["adopted_at"]
        field.queryset = meetings.order_by("-starts_at")
        field.label_from_instance = _meeting_label


def _meeting_label(meeting: Meeting) -> str:
    return f"{meeting.title} ({meeting.starts_at.astimezone(meeting.zone):%-d %B %Y})"


class CompareForm(forms.Form):
    """Two revisions to compare; the newer may be the plan as it stands now. The fields are
    named as in the page's address (?from=1&to=2), and "from" is a Python keyword."""

    def __init__(self, *args, numbers: list[int], labels: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(n, labels[n]) for n in numbers]
        self.fields["from"] = forms.TypedChoiceField(label="From", coerce=int, choices=choices)
        self.fields["to"] = forms.ChoiceField(
            label="To", choices=choices + [(CURRENT, "The plan as it stands now")]
        )

    def clean_to(self) -> int | str:
        value = self.cleaned_data["to"]
        return value if value == CURRENT else int(value)


# --- Actions ------------------------------------------------------------------------------


class UpdateForm(SubmittedOnce, forms.Form):
    """A progress update: what happened, and when (today unless told)."""

    text = forms.CharField(
        label="Progress", max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
    )
    reported_on = dates.DateField(
        label="Reported on",
        required=False,
        widget=DateInput,
        help_text="Leave empty for today. A date in the future is not accepted.",
    )


class NewActionForm(forms.Form):
    """A new action of a plan, made from an outcome."""

    plan = forms.ModelChoiceField(queryset=WorkPlan.objects.none(), label="Work plan")
    description = forms.CharField(
        max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
    )
    target_period = SingleLineCharField(
        required=False, max_length=20, help_text="e.g. 2016/17, 2025 or 2024-2026"
    )
    initiative = forms.ChoiceField(
        label="Type of initiative",
        required=False,
        choices=[("", "Not set")] + Action.Initiative.choices,
    )

    def __init__(self, *args, plans: list[WorkPlan], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = WorkPlan.objects.filter(pk__in=[p.pk for p in plans])
        # Offer the plans in the given order: the meeting's group first.
        self.fields["plan"].choices = [("", "Choose a plan")] + [
            (p.pk, _plan_label(p)) for p in plans
        ]


class ProgressFromOutcomeForm(forms.Form):
    """An outcome recorded as progress of an existing action."""

    action = forms.TypedChoiceField(coerce=int, label="Action")
    reported_on = dates.DateField(
        label="Reported on",
        required=False,
        widget=DateInput,
        help_text="Leave empty for the last day of the meeting.",
    )
    text = forms.CharField(
        label="Progress",
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Left empty, the outcome's text is recorded.",
    )

    def __init__(self, *args, actions: list[Action], **kwargs):
        super().__init__(*args, **kwargs)
        self.actions = {a.pk: a for a in actions}
        grouped: dict[str, list] = {}
        for action in actions:
            label = f"{action.number}. {action.description[:90]}"
            grouped.setdefault(_plan_label(action.plan), []).append((action.pk, label))
        self.fields["action"].choices = [("", "Choose an action")] + list(grouped.items())

    def clean_action(self) -> Action:
        return self.actions[self.cleaned_data["action"]]


def _plan_label(plan: WorkPlan) -> str:
    return f"{plan.group.short_name} · {plan.title} ({plan.get_status_display().lower()})"


# --- Exchange -----------------------------------------------------------------------------


class PlanImportForm(forms.Form):
    """The new plan's title, period and address, and the CSV file of its actions."""

    title = SingleLineCharField(max_length=300, help_text="e.g. Forward Work Plan 2025-27")
    period = SingleLineCharField(max_length=20, help_text="e.g. 2025-27")
    slug = forms.SlugField(
        label="Address",
        max_length=60,
        help_text="The end of the plan's address: letters, digits and hyphens, e.g. 2025-27.",
    )
    file = forms.FileField(
        label="CSV file",
        help_text=(
            "Saved as CSV UTF-8, with a header line naming the columns, at most "
            f"{exchange.MAX_ROWS} actions."
        ),
    )

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in exchange.RESERVED_SLUGS:
            raise ValidationError(f"'{slug}' is taken by the portal; choose another address.")
        if WorkPlan.objects.filter(group=self.group, slug=slug).exists():
            raise ValidationError(f"{self.group.short_name} already has a plan at '{slug}'.")
        return slug

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > exchange.MAX_BYTES:
            raise ValidationError(
                f"The file is larger than {exchange.MAX_BYTES // 1_000_000} MB; "
                f"a plan is imported with at most {exchange.MAX_ROWS} actions."
            )
        return upload.read()


class PlanImportConfirmForm(PlanImportForm):
    """The second step: the same details, with the previewed file carried back signed."""

    file = None
    payload = forms.CharField(widget=forms.HiddenInput)


# --- Editing actions ------------------------------------------------------------------------


class ActionForm(VersionedForm, forms.Form):
    """An action's wording, status, target period, members, links and delivering meetings."""

    description = forms.CharField(
        max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
    )
    status = forms.ChoiceField(choices=Action.Status.choices)
    status_note = forms.CharField(
        label="Status note",
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why the status is what it is; kept with the change on the action's timeline.",
    )
    target_period = SingleLineCharField(required=False, max_length=20)
    initiative = forms.ChoiceField(
        label="Type of initiative",
        required=False,
        choices=[("", "Not set")] + Action.Initiative.choices,
    )
    lead_members = forms.ModelMultipleChoiceField(
        queryset=Member.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    funding_members = forms.ModelMultipleChoiceField(
        queryset=Member.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    priorities = forms.ModelMultipleChoiceField(
        label="Regional priorities",
        queryset=RegionalPriority.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    objectives = forms.ModelMultipleChoiceField(
        queryset=Objective.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    proposed_for_rso_work_plan = forms.BooleanField(
        label="Proposed for the RSO work plan", required=False
    )
    in_bali_process_strategy = forms.BooleanField(
        label="An item in the Bali Process Strategy", required=False
    )
    delivered_at = forms.ModelMultipleChoiceField(
        label="Meetings that delivered it",
        queryset=Meeting.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, plan: WorkPlan, **kwargs):
        super().__init__(*args, **kwargs)
        hint = f"A year or span of years beginning within the plan's period, {plan.period}."
        self.fields["target_period"].help_text = hint
        members = Member.objects.order_by("name")
        self.fields["lead_members"].queryset = members
        self.fields["funding_members"].queryset = members
        self.fields["lead_members"].label_from_instance = _member_label
        self.fields["funding_members"].label_from_instance = _member_label
        priorities = self.fields["priorities"]
        priorities.queryset = RegionalPriority.objects.filter(group=plan.group_id)
        priorities.label_from_instance = lambda p: f"{p.numeral}. {p.text}"
        objectives = self.fields["objectives"]
        objectives.queryset = plan.objectives.order_by("number")
        objectives.label_from_instance = lambda o: f"{o.number}. {o.text}"
        # The group's own meetings and those of the Bali Process bodies, as for a revision.
        meetings = self.fields["delivered_at"]
        meetings.queryset = Meeting.objects.filter(
            Q(group=plan.group_id) | Q(group__isnull=True)
        ).order_by("-starts_at")
        meetings.label_from_instance = _meeting_label


def _member_label(member: Member) -> str:
    return member.name


def action_initial(action: Action) -> dict:
    """What the edit form shows for an action as it stands."""
    initial = {
        name: getattr(action, name)
        for name in ("description", "status", "status_note", "target_period", "initiative")
    }
    initial["proposed_for_rso_work_plan"] = action.proposed_for_rso_work_plan
    initial["in_bali_process_strategy"] = action.in_bali_process_strategy
    for name in ("lead_members", "funding_members", "priorities", "objectives", "delivered_at"):
        initial[name] = list(getattr(action, name).values_list("pk", flat=True))
    return initial


class ActionAddForm(SubmittedOnce, ActionForm):
    """A new action of a plan: the plan's next number unless another is given."""

    number = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=services.LARGEST_ACTION_NUMBER,
        help_text="Leave empty for the plan's next number.",
    )
    field_order = ["number"]


class ActionRenumberForm(VersionedForm, forms.Form):
    """Another number for an action, free in its plan."""

    number = forms.IntegerField(
        label="New number", min_value=1, max_value=services.LARGEST_ACTION_NUMBER
    )


class ActionDiscontinueForm(VersionedForm, forms.Form):
    """Why an action is discontinued."""

    note = forms.CharField(
        label="Why it is discontinued",
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept as the status note and on the action's timeline.",
    )


# --- Editing plans ------------------------------------------------------------------------


class ObjectivesField(forms.CharField):
    """The high-level objectives, one a line, numbered in the order given."""

    def to_python(self, value) -> list[str]:
        text = super().to_python(value) or ""
        # The field's own check of null characters reads the list, not the text.
        if "\x00" in text:
            raise ValidationError("Null characters are not allowed.", code="null_characters")
        return [line.strip() for line in text.splitlines() if line.strip()]

    def validate(self, value) -> None:
        super().validate(value)
        for number, objective in enumerate(value, start=1):
            if len(objective) > TEXT_MAX_LENGTH:
                raise ValidationError(
                    f"Ensure objective {number} has at most {TEXT_MAX_LENGTH} characters "
                    f"(it has {len(objective)}).",
                    code="max_length",
                )

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list | tuple) else value


class PlanForm(VersionedForm, forms.Form):
    """A plan's title, period, background, high-level objectives and regional priorities."""

    title = SingleLineCharField(max_length=300, help_text="e.g. Forward Work Plan 2025-27")
    period = SingleLineCharField(
        max_length=20, help_text="e.g. 2025-27. A new plan's address is made from it."
    )
    background = forms.CharField(
        required=False, max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 5})
    )
    objectives = ObjectivesField(
        label="High-level objectives",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One objective a line, in order: they are numbered 1, 2, 3…",
    )
    priorities = forms.ModelMultipleChoiceField(
        label="Regional priorities it serves",
        queryset=RegionalPriority.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # The objectives as this person read them: kept when only someone else changed them.
    objectives_read = ObjectivesField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, group, plan: WorkPlan | None = None, **kwargs):
        if plan is not None and not args and "data" not in kwargs:
            objectives = list(plan.objectives.order_by("number").values_list("text", flat=True))
            kwargs["initial"] = {
                "title": plan.title,
                "period": plan.period,
                "background": plan.background,
                "objectives": objectives,
                "objectives_read": objectives,
                "priorities": list(plan.priorities.all()),
            }
        super().__init__(*args, edits=plan, **kwargs)
        self.fields["priorities"].queryset = RegionalPriority.objects.filter(group=group)
        if plan is None:
            del self.fields["objectives_read"]


class PlanCreateForm(SubmittedOnce, PlanForm):
    """A new plan, a draft."""


class PlanAdoptForm(SubmittedOnce, forms.Form):
    """The meeting a draft is adopted at, and the day (the meeting's last unless told)."""

    meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.none(), label="Adopted at (meeting)", empty_label=None
    )
    adopted_on = dates.DateField(
        label="Adopted on",
        required=False,
        widget=DateInput,
        help_text="Leave empty for the last day of the meeting.",
    )

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].label_from_instance = _meeting_label


class PlanSupersedeForm(SubmittedOnce, forms.Form):
    """The successor of an adopted plan: its title and period, and whether the open actions
    go with it."""

    title = SingleLineCharField(max_length=300, help_text="e.g. Forward Work Plan 2018-20")
    period = SingleLineCharField(max_length=20, help_text="e.g. 2018-20")
    carry_over = forms.BooleanField(
        label="Carry the open actions over, with their numbers",
        required=False,
        help_text="Actions that are complete or discontinued stay with this plan.",
    )


class SelectedActionsForm(forms.Form):
    """The actions ticked on the action list, among those the person sees."""

    NOT_YOURS = "Some of the selected actions are not yours to change: nothing changed."

    selected = forms.ModelMultipleChoiceField(
        queryset=Action.objects.none(),
        error_messages={
            "required": "Select at least one action.",
            "invalid_choice": NOT_YOURS,
            "invalid_pk_value": NOT_YOURS,
        },
    )

    def __init__(self, *args, actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["selected"].queryset = actions


class ActionsStatusForm(SelectedActionsForm):
    """One new status and one note for every selected action."""

    status = forms.ChoiceField(label="New status", choices=Action.Status.choices)
    note = forms.CharField(
        label="Status note",
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": "Say why the status changes: the note stays on each action's timeline."
        },
        help_text="The same note goes on the timeline of each selected action.",
    )


# --- Members' proposals ---------------------------------------------------------------------


class _MembersChoice(forms.Form):
    """A choice among the person's own members, given as a list (read once for the form and
    the page's heading)."""

    def __init__(self, *args, members: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {member.pk: member for member in members}
        self.fields["member"].choices = [(m.pk, m.name) for m in members]

    def clean_member(self):
        return self.members[self.cleaned_data["member"]]


class ActionProposalForm(SubmittedOnce, _MembersChoice):
    """One of the person's members proposed to lead or to fund an action."""

    member = forms.TypedChoiceField(label="Member", coerce=int)
    kind = forms.ChoiceField(
        label="Proposed to",
        choices=[
            (Proposal.Kind.LEAD, "Lead this action"),
            (Proposal.Kind.FUNDER, "Fund this action"),
        ],
        widget=forms.RadioSelect,
        initial=Proposal.Kind.LEAD,
    )
    description = forms.CharField(
        label="Note for the secretariat and the co-chairs",
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional: what the member would bring, e.g. a training it already runs.",
    )


class InitiativeProposalForm(SubmittedOnce, _MembersChoice):
    """A new initiative one of the person's members proposes for the plan."""

    member = forms.TypedChoiceField(label="Proposed by (member)", coerce=int)
    description = forms.CharField(
        label="The initiative",
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What it would do; once accepted it becomes the plan's next action, led "
        "by the member.",
        error_messages={"required": "Say what the new initiative would do."},
    )


class ProposalDecisionForm(forms.Form):
    """The note that goes to the proposer with the decision."""

    note = forms.CharField(required=False, max_length=COMMENT_MAX_LENGTH)


# --- Attachments ----------------------------------------------------------------------------


class AttachmentForm(SubmittedOnce, forms.Form):
    """A document attached to the plan or to one of its actions, uploaded like a paper."""

    label = SingleLineCharField(
        max_length=40,
        initial="Attachment A",
        help_text='How the plan refers to it, e.g. "Attachment A"; one label per attachment.',
    )
    title = SingleLineCharField(
        max_length=300,
        help_text="e.g. Working Group on Trafficking in Persons – Regional Priorities",
    )
    action = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="For action",
        empty_label="The whole plan",
        help_text="The action whose row in the printed plan names it, if any.",
    )
    upload = forms.FileField(
        label="File",
        help_text=f"{papers.ACCEPTED_TEXT}, up to {papers.megabytes(papers.max_bytes())} MB. "
        "A PDF is appended to the printed plan; any other kind is listed there.",
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].queryset = plan.actions.order_by("number")
        self.fields["action"].label_from_instance = lambda a: f"{a.number}. {a.description[:80]}"
        self.fields["upload"].widget.attrs["accept"] = papers.accept_attribute()

    def clean_upload(self):
        # The service checks again; checking here shows a bad file beside other mistakes.
        upload = self.cleaned_data["upload"]
        try:
            papers.check_upload(upload)
        except ValidationError as error:
            raise ValidationError(error.message_dict["upload"]) from None
        return upload
