from django import forms
from django.core.exceptions import ValidationError

from groups import roster, services
from groups.models import CoChairTerm, Member, Nomination
from meetings.models import Meeting


class DateInput(forms.DateInput):
    """A browser date picker; it reads and writes ISO dates whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__(attrs, format)


class RosterCheckedTermForm(forms.ModelForm):
    """A co-chair term form that refuses roster errors beside their fields.

    Used by the portal and by the admin, so that no path saves a term that breaks a rule.
    """

    roster_warnings: list[roster.Problem]

    def _post_clean(self):
        super()._post_clean()
        self.roster_warnings = []
        if self.errors or not self.instance.group_id:
            return
        try:
            self.roster_warnings = services.term_validate(self.instance)
        except ValidationError as error:
            self._update_errors(error)


class CoChairTermForm(RosterCheckedTermForm):
    class Meta:
        model = CoChairTerm
        fields = [
            "member",
            "seat",
            "starts_on",
            "planned_end_on",
            "ended_on",
            "decided_at",
            "extension_agreed_by",
            "extension_agreed_on",
            "extension_agreed_at",
        ]
        widgets = {
            "starts_on": DateInput,
            "planned_end_on": DateInput,
            "ended_on": DateInput,
            "extension_agreed_on": DateInput,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = Member.objects.filter(is_observer=False)
        self.fields["decided_at"].queryset = Meeting.objects.filter(kind=Meeting.Kind.SOM)
        self.fields["decided_at"].required = True
        self.fields["extension_agreed_at"].queryset = Meeting.objects.exclude(
            kind=Meeting.Kind.WORKSHOP
        )


class NominationForm(forms.ModelForm):
    class Meta:
        model = Nomination
        fields = ["member", "nominated_at", "seat", "for_term_from", "note"]
        widgets = {"for_term_from": DateInput}

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = Member.objects.filter(is_observer=False)
        self.fields["nominated_at"].queryset = group.meetings.order_by("-starts_at")
        self.fields["nominated_at"].label = "Made at (meeting of the group)"


class NominationDecisionForm(forms.Form):
    """What the AHG Senior Officials Meeting decided on a nomination."""

    decided_at = forms.ModelChoiceField(
        queryset=Meeting.objects.filter(kind=Meeting.Kind.SOM),
        label="Decided at (AHG Senior Officials Meeting)",
    )
    seat = forms.TypedChoiceField(choices=CoChairTerm.Seat.choices, coerce=int)
    starts_on = forms.DateField(widget=DateInput, label="Term starts on")
    planned_end_on = forms.DateField(widget=DateInput, label="Term planned to end on")
