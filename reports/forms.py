"""The forms of the report pages."""

from django import forms

from portal.text import COMMENT_MAX_LENGTH
from portal.versions import VersionedForm
from reports import brief
from reports.models import NARRATIVE_FIELDS, Approval, Report


class ReportStartForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[(k, label) for k, label in Report.Kind.choices if k != Report.Kind.OUTCOME_RECORD]
    )
    year = forms.IntegerField(min_value=2002, max_value=2100)


class NarrativeForm(VersionedForm, forms.ModelForm):
    class Meta:
        model = Report
        fields = list(NARRATIVE_FIELDS)
        help_texts = {f: "Markdown." for f in NARRATIVE_FIELDS}


class OutcomeRecordNarrativeForm(VersionedForm, forms.ModelForm):
    """An outcome record states the meeting's outcomes; the secretariat may introduce them."""

    class Meta:
        model = Report
        fields = ["summary"]
        labels = {"summary": "Introduction"}
        help_texts = {"summary": "Markdown, shown above the outcomes. May be left empty."}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=Approval.Decision.choices, widget=forms.HiddenInput)
    content_hash = forms.CharField(max_length=64, widget=forms.HiddenInput)
    comment = forms.CharField(
        required=False, max_length=COMMENT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )


# --- The oral-update brief's speaking points ----------------------------------------------


class SpeakingPointForm(forms.Form):
    """One speaking point of the brief: its part of the brief, its text, whether it is read."""

    section = forms.ChoiceField(choices=list(brief.SECTIONS.items()), widget=forms.HiddenInput)
    text = forms.CharField(
        label="Point",
        required=False,
        max_length=brief.MAX_POINT_LENGTH,
        error_messages={
            "max_length": "A speaking point has at most %(limit_value)d characters: this one "
            "has %(show_value)d. Shorten it or split it into two points."
        },
        widget=forms.Textarea(attrs={"rows": 4, "cols": 90}),
    )
    included = forms.BooleanField(label="Include", required=False)


# Every point, and one empty point to add in each part of the brief.
SpeakingPointFormSet = forms.formset_factory(
    SpeakingPointForm,
    extra=0,
    max_num=brief.MAX_POINTS + len(brief.SECTIONS),
    absolute_max=brief.MAX_POINTS + len(brief.SECTIONS),
    validate_max=True,
)


class SpeakingPointsForm(VersionedForm):
    """The version of the brief its points were read at (the points are a formset)."""


class RedraftForm(VersionedForm):
    confirm = forms.BooleanField(
        label="Yes: replace every point, as edited, with a new draft from the portal's data",
        error_messages={"required": "Tick the box to confirm that every point is replaced."},
    )
