import zoneinfo

from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.template import loader

from portal.accounts.models import User
from portal.accounts.tasks import send_email
from portal.versions import VersionedForm


class QueuedPasswordResetForm(PasswordResetForm):
    """Sends the reset link through the job queue, so the page answers at once."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        send_email.delay_on_commit(subject, body, to_email)


class TimeZoneForm(VersionedForm, forms.ModelForm):
    """A person's own time zone, in which meeting times are shown beside the meeting's."""

    time_zone = forms.ChoiceField(
        label="Your time zone",
        choices=[(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())],
    )

    class Meta:
        model = User
        fields = ["time_zone"]
