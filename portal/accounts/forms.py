import zoneinfo

from django import forms

from portal.accounts.models import User
from portal.versions import VersionedForm


class SecondFactorCodeForm(forms.Form):
    """A code from the authenticator app or, on the code page, one recovery code."""

    code = forms.CharField(
        label="Code",
        max_length=32,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
    )


class TimeZoneForm(VersionedForm, forms.ModelForm):
    """A person's own time zone, in which meeting times are shown beside the meeting's."""

    time_zone = forms.ChoiceField(
        label="Your time zone",
        choices=[(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())],
    )

    class Meta:
        model = User
        fields = ["time_zone"]
