"""The forms of the work plan pages."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from groups.forms import DateInput
from meetings.models import Meeting
from portal import dates
from portal.forms import SingleLineCharField
from portal.submissions import SubmittedOnce
from workplans import exchange
from workplans.models import Action, WorkPlan

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

    text = forms.CharField(label="Progress", widget=forms.Textarea(attrs={"rows": 4}))
    reported_on = dates.DateField(
        label="Reported on",
        required=False,
        widget=DateInput,
        help_text="Leave empty for today. A date in the future is not accepted.",
    )


class NewActionForm(forms.Form):
    """A new action of a plan, made from an outcome."""

    plan = forms.ModelChoiceField(queryset=WorkPlan.objects.none(), label="Work plan")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))
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
