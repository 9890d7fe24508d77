import zoneinfo

from django import forms
from django.core.exceptions import ValidationError

from groups.models import Member
from meetings import agenda, papers
from meetings.models import Document, Invitation, Meeting, Outcome
from meetings.services import NOTE_MAX_LENGTH
from portal import dates, permissions
from portal.accounts.models import User
from portal.forms import SingleLineCharField
from portal.submissions import SubmittedOnce
from portal.text import TEXT_MAX_LENGTH
from portal.versions import VersionedForm


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value):
        return value.strftime("%Y-%m-%dT%H:%M") if hasattr(value, "strftime") else value


class MeetingForm(SubmittedOnce, VersionedForm, forms.ModelForm):
    """Start and end are typed in the meeting's own time zone. Editing a meeting, it carries
    the version the meeting was read at."""

    title = SingleLineCharField(max_length=300)
    starts_at = dates.DateTimeField(label="Starts (meeting's local time)", widget=DateTimeInput)
    ends_at = dates.DateTimeField(label="Ends (meeting's local time)", widget=DateTimeInput)
    answers_by = dates.DateField(
        label="Answers wanted by",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Reminders go to those who have not answered, counting back from this date "
        "(from the first day of the meeting when empty).",
    )

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
            "answers_by",
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
                try:
                    local = getattr(meeting, name).astimezone(meeting.zone)
                except OverflowError:
                    # Stored before dates were bounded: left empty, to be typed again.
                    self.initial[name] = None
                    continue
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

    def wall_clock(self, value):
        """An instant as typed in this form: the meeting's local time."""
        return value.astimezone(self.instance.zone).replace(tzinfo=None)


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

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        if meeting is not None and meeting.clearance_required:
            self.fields["members"].help_text = (
                f"Only those of each member's focal points who hold a valid clearance for "
                f"{meeting.group.short_name} are told and may answer. "
                "Observers are marked as such."
            )

    def clean_persons(self):
        # Refused here with the reason, beside the field; the service checks again.
        persons = self.cleaned_data["persons"]
        if self.meeting is not None:
            refused = [
                f"{reason}."
                for person in persons
                if (reason := permissions.invitation_refusal(person, self.meeting)) is not None
            ]
            if refused:
                raise ValidationError(refused)
        return persons


class AnswerForm(VersionedForm):
    """An answer to an invitation; for a member's, who will attend for it. It carries the
    version the invitation was read at, so that two answers never silently overwrite."""

    response = forms.ChoiceField(
        choices=[
            (Invitation.Response.ACCEPTED, "Will attend in person"),
            (Invitation.Response.ONLINE, "Will attend online"),
            (Invitation.Response.DECLINED, "Will not attend"),
        ],
        widget=forms.RadioSelect,
        label="Your answer",
        error_messages={"required": "Choose whether you will attend in person, online or not."},
    )
    note = forms.CharField(
        required=False,
        label="Note (optional)",
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=f"Anything the secretariat should know, up to {NOTE_MAX_LENGTH} characters.",
        error_messages={
            "max_length": f"Keep the note to {NOTE_MAX_LENGTH} characters (it has %(show_value)d)."
        },
    )
    delegates = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Who will attend",
        widget=forms.CheckboxSelectMultiple,
        help_text="The people of the member who will attend; leave empty if not yet known.",
    )

    def __init__(self, *args, invitation, **kwargs):
        self.invitation = invitation
        for_member = bool(invitation.member_id and not invitation.person_id)
        answered = invitation.response != Invitation.Response.PENDING
        kwargs.setdefault(
            "initial",
            {
                "response": invitation.response if answered else None,
                "note": invitation.note,
                "delegates": list(invitation.delegates.all()) if for_member else [],
            },
        )
        # Several answers on one page: the same names, each with its own ids.
        kwargs.setdefault("auto_id", f"id_answer_{invitation.pk}_%s")
        super().__init__(*args, edits=invitation, **kwargs)
        if for_member:
            self.fields["delegates"].queryset = permissions.delegate_choices(invitation)
        else:
            del self.fields["delegates"]

    @property
    def for_member(self) -> bool:
        return "delegates" in self.fields


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


class OutcomeForm(SubmittedOnce, forms.ModelForm):
    class Meta:
        model = Outcome
        fields = ["kind", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class ItemForm(VersionedForm):
    """An agenda item; the rules (title, duration, fixed start) are checked by the service.
    Editing an item (`edits=item`), it carries the version the item was read at."""

    title = SingleLineCharField(max_length=300, required=False)
    description = forms.CharField(
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Description (optional)",
    )
    duration_minutes = forms.IntegerField(
        label="Duration (minutes)",
        required=False,
        initial=30,
        help_text=f"From {agenda.MIN_DURATION} to {agenda.MAX_DURATION} minutes.",
        widget=forms.NumberInput(attrs={"min": agenda.MIN_DURATION, "max": agenda.MAX_DURATION}),
    )
    fixed_start_at = dates.DateTimeField(
        label="Fixed start (optional, meeting's local time)",
        required=False,
        widget=DateTimeInput,
        help_text="Only for an item that must start at a set time; others follow in order.",
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["title"].widget.attrs["autocomplete"] = "off"

    def clean_fixed_start_at(self):
        # Typed as the meeting's wall-clock time, whatever zone the reader is in.
        value = self.cleaned_data["fixed_start_at"]
        return value.replace(tzinfo=None).replace(tzinfo=self.meeting.zone) if value else None

    def wall_clock(self, value):
        """An instant as typed in this form: the meeting's local time."""
        return value.astimezone(self.meeting.zone).replace(tzinfo=None)

    @classmethod
    def for_item(cls, data, item):
        initial = {
            "title": item.title,
            "description": item.description,
            "duration_minutes": item.duration_minutes,
        }
        if item.fixed_start_at:
            initial["fixed_start_at"] = item.fixed_start_at.astimezone(item.meeting.zone).replace(
                tzinfo=None
            )
        return cls(data, meeting=item.meeting, initial=initial, edits=item)


class SpeakerForm(forms.Form):
    person = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True)
        .select_related("affiliation")
        .order_by("last_name", "first_name", "username"),
        required=False,
        label="A person of the portal",
    )
    name = SingleLineCharField(
        max_length=200, required=False, label="Or a speaker's name", help_text="For a guest."
    )
    affiliation = SingleLineCharField(
        max_length=200,
        required=False,
        label="Affiliation",
        help_text="Left empty for a person of the portal, their member is shown.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].label_from_instance = lambda u: (
            f"{u} ({u.affiliation.display_name})" if u.affiliation_id else str(u)
        )


class UploadField(forms.FileField):
    """A file field whose picker offers the accepted kinds; the service checks the content."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "File")
        kwargs.setdefault(
            "help_text",
            f"{papers.ACCEPTED_TEXT}, up to {papers.megabytes(papers.max_bytes())} MB.",
        )
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = papers.accept_attribute()

    def clean(self, data, initial=None):
        # The service checks again; checking here shows a bad file beside other mistakes.
        upload = super().clean(data, initial)
        if upload:
            try:
                papers.check_upload(upload)
            except ValidationError as error:
                raise ValidationError(error.message_dict["upload"]) from None
        return upload


class DocumentForm(SubmittedOnce, forms.Form):
    title = SingleLineCharField(max_length=300)
    access = forms.ChoiceField(
        label="Who may read it",
        choices=Document.Access.choices,
        initial=Document.Access.PARTICIPANTS,
    )
    agenda_item = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="No agenda item",
        help_text="The agenda item this paper is for, if any.",
    )
    upload = UploadField()

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = meeting.agenda_items.order_by("position")


class VersionForm(forms.Form):
    upload = UploadField()


class WalkInForm(forms.Form):
    """A walk-in: a member's delegation, or one of its people, who came uninvited."""

    member = forms.ModelChoiceField(queryset=Member.objects.order_by("is_observer", "name"))
    person = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True).select_related("affiliation"),
        required=False,
        label="Person (optional)",
        help_text="Someone of the member chosen above; leave empty to record the member only.",
    )
    as_observer = forms.BooleanField(required=False, label="Attended as observer")


class AttendanceRemoveForm(forms.Form):
    attendance = forms.IntegerField(min_value=1)
