"""The forms of the report pages."""

from django import forms

from portal.versions import VersionedForm
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
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
