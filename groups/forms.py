import datetime
import zoneinfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from groups import roster, services, silence
from groups.models import CoChairTerm, Member, Nomination, SilenceProcedure, TermsOfReference
from meetings.models import Meeting
from portal import dates
from portal.forms import SingleLineCharField, add_service_errors
from portal.text import COMMENT_MAX_LENGTH, LONG_TEXT_MAX_LENGTH
from portal.versions import VersionedForm
from reports.models import PublicStatement
from workplans.models import WorkPlan


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dates.bound_dates(self)

    def _post_clean(self):
        super()._post_clean()
        self.roster_warnings = []
        if self.errors or not self.instance.group_id:
            return
        try:
            self.roster_warnings = services.term_validate(self.instance)
        except ValidationError as error:
            self._update_errors(error)


class CoChairTermForm(VersionedForm, RosterCheckedTermForm):
    """A co-chair term; editing one, it carries the version the term was read at."""

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
        dates.bound_dates(self)


def _meeting_field(name: str, **kwargs) -> forms.Field:
    """A field of the coming SOM, as the meeting form would have it."""
    return Meeting._meta.get_field(name).formfield(**kwargs)


# When a SOM is added in place, the meeting's own errors belong beside these fields.
SOM_FIELD_OF = {
    "decided_at": "som_starts_on",
    "title": "som_title",
    "starts_at": "som_starts_on",
    "ends_at": "som_ends_on",
    "time_zone": "som_time_zone",
    "venue": "som_venue",
    "city": "som_city",
    "country": "som_country",
}
# A SOM typed in place runs over these local hours; its agenda sets the exact times later.
SOM_OPENS, SOM_CLOSES = datetime.time(9), datetime.time(17)


class NominationDecisionForm(forms.Form):
    """What the AHG Senior Officials Meeting decided on a nomination.

    The SOM is chosen among those in the portal or, when it is coming and not yet there,
    described here and added with the decision."""

    decided_at = forms.ModelChoiceField(
        queryset=Meeting.objects.filter(kind=Meeting.Kind.SOM)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("-starts_at"),
        label="Decided at (AHG Senior Officials Meeting)",
        required=False,
        help_text="Held on or after the nomination and by the start of the term. "
        "Not in the list yet? Add the coming SOM below.",
    )
    seat = forms.TypedChoiceField(choices=CoChairTerm.Seat.choices, coerce=int)
    starts_on = dates.DateField(widget=DateInput, label="Term starts on")
    planned_end_on = dates.DateField(widget=DateInput, label="Term planned to end on")
    som_title = SingleLineCharField(
        label="Title of the coming SOM",
        max_length=300,
        required=False,
        help_text="e.g. Eighteenth Ad Hoc Group Senior Officials Meeting.",
    )
    som_starts_on = dates.DateField(widget=DateInput, label="First day of the SOM", required=False)
    som_ends_on = dates.DateField(
        widget=DateInput,
        label="Last day of the SOM",
        required=False,
        help_text="Empty for a one-day meeting.",
    )
    som_time_zone = _meeting_field("time_zone", label="Time zone of the SOM", required=False)
    som_venue = _meeting_field("venue", label="Venue of the SOM")
    som_city = _meeting_field("city", label="City of the SOM")
    som_country = _meeting_field("country", label="Country of the SOM")

    SOM_FIELDS = (
        "som_title",
        "som_starts_on",
        "som_ends_on",
        "som_time_zone",
        "som_venue",
        "som_city",
        "som_country",
    )
    # What shows that a SOM is being described (the time zone comes filled in).
    SOM_DESCRIBED_BY = (
        "som_title",
        "som_starts_on",
        "som_ends_on",
        "som_venue",
        "som_city",
        "som_country",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.new_som: Meeting | None = None

    def decision_fields(self):
        return [self[name] for name in ("decided_at", "seat", "starts_on", "planned_end_on")]

    def som_fields(self):
        return [self[name] for name in self.SOM_FIELDS]

    def clean(self):
        data = super().clean()
        chosen = data.get("decided_at")
        described = any(data.get(name) for name in self.SOM_DESCRIBED_BY)
        if chosen and described:
            raise ValidationError(
                "Choose the SOM that decided, or describe the coming one, not both."
            )
        if not chosen and not described:
            self.add_error(
                "decided_at", "Choose the SOM that decides the term, or add the coming SOM below."
            )
        if described:
            self.new_som = self._coming_som(data)
        return data

    def _coming_som(self, data) -> Meeting | None:
        """The SOM described in the form, unsaved, or None with the reason beside its field."""
        for name, label in [("som_title", "title"), ("som_starts_on", "first day")]:
            if not data.get(name) and name not in self.errors:
                self.add_error(name, f"Enter the coming SOM's {label}.")
        zone_name = data.get("som_time_zone") or "Asia/Bangkok"
        if zone_name not in zoneinfo.available_timezones():
            return None  # the field's own validator has said why
        first = data.get("som_starts_on")
        last = data.get("som_ends_on") or first
        if not (data.get("som_title") and first and last):
            return None
        if last < first:
            self.add_error("som_ends_on", "The SOM's last day cannot come before its first.")
            return None
        zone = zoneinfo.ZoneInfo(zone_name)
        starts_at = datetime.datetime.combine(first, SOM_OPENS, tzinfo=zone)
        ends_at = datetime.datetime.combine(last, SOM_CLOSES, tzinfo=zone)
        return Meeting(
            kind=Meeting.Kind.SOM,
            body=Meeting.Body.AD_HOC_GROUP,
            title=data["som_title"],
            starts_at=starts_at,
            ends_at=ends_at,
            time_zone=zone_name,
            venue=data.get("som_venue", ""),
            city=data.get("som_city", ""),
            country=data.get("som_country", ""),
            status=Meeting.Status.HELD if ends_at < timezone.now() else Meeting.Status.PLANNED,
        )

    def decision(self) -> dict:
        """The arguments of the decision, for ``services.nomination_decide``."""
        data = self.cleaned_data
        return {
            "decided_at": self.new_som or data["decided_at"],
            "seat": data["seat"],
            "starts_on": data["starts_on"],
            "planned_end_on": data["planned_end_on"],
        }

    def add_service_errors(self, error: ValidationError) -> None:
        """The service's errors beside their fields; those of a SOM added here beside its own."""
        if self.new_som is not None and hasattr(error, "error_dict"):
            moved: dict[str, list] = {}
            for field, errors in error.error_dict.items():
                moved.setdefault(SOM_FIELD_OF.get(field, field), []).extend(errors)
            error = ValidationError(moved)
        add_service_errors(self, error)


class TimeInput(forms.TimeInput):
    """A browser time picker; it reads and writes 24-hour times whatever the language."""

    input_type = "time"

    def __init__(self, attrs=None, format="%H:%M"):
        super().__init__(attrs, format)


class SilenceProcedureForm(forms.Form):
    """A text circulated for decision by silence procedure; the deadline is typed as a
    local date and time in a chosen zone (the secretariat's by default)."""

    subject = forms.ChoiceField(choices=SilenceProcedure.Subject.choices, label="The text is")
    work_plan = forms.ModelChoiceField(
        queryset=WorkPlan.objects.none(),
        required=False,
        label="Work plan revised",
        help_text="Adopted at the deadline as its next revision, as it then stands.",
    )
    statement = forms.ModelChoiceField(
        queryset=PublicStatement.objects.none(),
        required=False,
        label="Public statement",
        help_text="Published on the group's public page at the deadline.",
    )
    terms_of_reference = forms.ModelChoiceField(
        queryset=TermsOfReference.objects.none(),
        required=False,
        label="Draft version of the Terms of Reference",
        help_text="Agreed by the group; its endorsement stays with the SOM.",
    )
    nomination = forms.ModelChoiceField(
        queryset=Nomination.objects.none(),
        required=False,
        label="Co-chair nomination",
        help_text="Agreed by the group to be put to the SOM, which decides.",
    )
    title = SingleLineCharField(max_length=300)
    text = forms.CharField(
        max_length=LONG_TEXT_MAX_LENGTH,
        widget=forms.Textarea,
        help_text="The text circulated, in Markdown.",
    )
    deadline_on = dates.DateField(widget=DateInput, label="Deadline: day")
    deadline_time = forms.TimeField(
        widget=TimeInput, label="Deadline: time", initial=datetime.time(17)
    )
    deadline_time_zone = _meeting_field(
        "time_zone",
        label="Deadline: time zone",
        initial="Asia/Bangkok",
        help_text=f"{silence.MIN_NOTICE_TEXT.capitalize()} after circulation. Members also see "
        "the deadline in their own time zones.",
    )

    LINKS = ("work_plan", "statement", "terms_of_reference", "nomination")

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["work_plan"].queryset = WorkPlan.objects.filter(group=group).exclude(
            status=WorkPlan.Status.SUPERSEDED
        )
        self.fields["statement"].queryset = PublicStatement.objects.filter(group=group).exclude(
            status=PublicStatement.Status.PUBLISHED
        )
        self.fields["terms_of_reference"].queryset = group.terms_of_reference.filter(
            status=TermsOfReference.Status.DRAFT
        )
        self.fields["nomination"].queryset = Nomination.objects.filter(
            group=group, outcome=Nomination.Outcome.PENDING
        ).select_related("member")

    def link_fields(self):
        return [self[name] for name in self.LINKS]

    def clean(self):
        data = super().clean()
        zone_name = data.get("deadline_time_zone")
        if data.get("deadline_on") and data.get("deadline_time") and zone_name:
            zone = zoneinfo.ZoneInfo(zone_name)
            data["deadline"] = datetime.datetime.combine(
                data["deadline_on"], data["deadline_time"], tzinfo=zone
            )
        return data

    def circulation(self) -> dict:
        """The arguments of ``services.silence_procedure_circulate``."""
        data = self.cleaned_data
        return {
            "subject": data["subject"],
            "title": data["title"],
            "text": data["text"],
            "deadline": data["deadline"],
            "deadline_time_zone": data["deadline_time_zone"],
            **{name: data.get(name) for name in self.LINKS},
        }

    def add_service_errors(self, error: ValidationError) -> None:
        """The deadline's errors beside the day it is typed in."""
        if hasattr(error, "error_dict") and "deadline" in error.error_dict:
            moved = dict(error.error_dict)
            moved["deadline_on"] = moved.pop("deadline")
            error = ValidationError(moved)
        add_service_errors(self, error)


class SilenceBreakForm(forms.Form):
    """A focal point's objection: for which member, and why."""

    member = forms.TypedChoiceField(coerce=int, label="Breaking silence for")
    reason = forms.CharField(
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Reason",
        help_text="Sent to the co-chairs and the secretariat, and shown on the procedure's page.",
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {m.pk: m for m in members}
        self.fields["member"].choices = [(m.pk, m.name) for m in members]
        if len(members) == 1:
            self.fields["member"].widget = forms.HiddenInput()
            self.fields["member"].initial = members[0].pk

    def chosen_member(self):
        return self.members[self.cleaned_data["member"]]
