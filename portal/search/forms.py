from django import forms

from portal.search.selectors import KIND_CHOICES, MAX_LENGTH


class SearchForm(forms.Form):
    """The words, and the kinds and group they are looked for in."""

    q = forms.CharField(
        label="Search for",
        required=False,
        max_length=MAX_LENGTH,
        error_messages={
            "max_length": "A search may be at most %(limit_value)d characters long; "
            "this one has %(show_value)d. Try a few of its words."
        },
    )
    kind = forms.MultipleChoiceField(
        label="Kinds",
        choices=KIND_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    group = forms.ModelChoiceField(
        label="Working group",
        queryset=None,
        required=False,
        to_field_name="slug",
        empty_label="All groups",
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups.order_by("short_name")
        # The box would refuse more, but an address may still carry it: said, not cut.
        self.fields["q"].widget.attrs["maxlength"] = MAX_LENGTH
        self.fields["q"].widget.input_type = "search"
