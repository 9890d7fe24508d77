import zoneinfo

from django import forms

from groups.models import Member
from meetings.models import Invitation, Meeting, Outcome
from portal.accounts.models import User


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value):
        return value.strftime("%Y-%m-%dT%H:%M") if hasattr(value, "strftime") else value


class MeetingForm(forms.ModelForm):
    """Start and end are typed in the meeting's own time zone."""

    starts_at = forms.DateTimeField(label="Starts (meeting's local time)", widget=DateTimeInput)
    ends_at = forms.DateTimeField(label="Ends (meeting's local time)", widget=DateTimeInput)

    class Meta:
        model = Meeting
        fields = [
            "title",
            "kind",
            "group",
            "body",
            "status",
            "time_zone",
            "starts_at",
            "ends_at",
            "venue",
            "city",
            "country",
            "objectives",
            "back_to_back_with",
            "chatham_house",
            "participants_total",
            "member_countries_total",
            "organisations_total",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        meeting = self.instance
        if meeting.pk:
            # Show the stored instants as the meeting's local wall-clock time.
            for name in ("starts_at", "ends_at"):
                local = getattr(meeting, name).astimezone(meeting.zone)
                self.initial[name] = local.replace(tzinfo=None)
            self.fields["back_to_back_with"].queryset = Meeting.objects.exclude(pk=meeting.pk)

    def clean(self):
        data = super().clean()
        zone_name = data.get("time_zone")
        if zone_name in zoneinfo.available_timezones():
            zone = zoneinfo.ZoneInfo(zone_name)
            for name in ("starts_at", "ends_at"):
                if data.get(name):
                    data[name] = data[name].replace(tzinfo=None).replace(tzinfo=zone)
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] < data["starts_at"]:
            self.add_error("ends_at", "The meeting cannot end before it starts.")
        return data


class InvitationForm(forms.Form):
    members = forms.ModelMultipleChoiceField(
        queryset=Member.objects.order_by("is_observer", "name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Each member's focal point answers for it. Observers are marked as such.",
    )
    persons = forms.ModelMultipleChoiceField(
        queryset=User.objects.filter(is_active=True).select_related("affiliation"),
        required=False,
        label="People",
        help_text="Experts, guests or observers invited in person.",
    )


class AnswerForm(forms.Form):
    response = forms.ChoiceField(
        choices=[
            (Invitation.Response.ACCEPTED, "Will attend"),
            (Invitation.Response.DECLINED, "Will not attend"),
        ],
        widget=forms.RadioSelect,
        label="Your answer",
    )


class AttendanceForm(forms.Form):
    attended = forms.ModelMultipleChoiceField(
        queryset=Invitation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Attended",
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["attended"]
        field.queryset = meeting.invitations.select_related("member", "person")
        field.label_from_instance = lambda i: (
            f"{i.person or i.member.display_name}{' (observer)' if i.as_observer else ''}"
        )


class OutcomeForm(forms.ModelForm):
    class Meta:
        model = Outcome
        fields = ["kind", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
