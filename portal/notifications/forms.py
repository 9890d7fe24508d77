from django import forms

from portal.notifications.models import Notification

BOTH = "both"
PORTAL_ONLY = "portal"
HOW_CHOICES = [(BOTH, "E-mail and portal"), (PORTAL_ONLY, "Portal only")]


class PreferencesForm(forms.Form):
    """For each kind of notification, e-mail and portal, or the portal only."""

    def __init__(self, *args, current: dict[str, bool], **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in Notification.Kind.choices:
            self.fields[kind] = forms.ChoiceField(
                label=label,
                choices=HOW_CHOICES,
                widget=forms.RadioSelect,
                initial=BOTH if current.get(kind, True) else PORTAL_ONLY,
            )

    def by_email(self) -> dict[str, bool]:
        return {kind: self.cleaned_data[kind] == BOTH for kind in Notification.Kind.values}
