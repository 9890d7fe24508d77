"""Form helpers every app uses."""

from django import forms
from django.core.exceptions import ValidationError

from portal import versions
from portal.text import single_line


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's errors beside the form's fields, or above the form for others.

    A refused edit (someone saved the object since it was read) keeps what the person
    typed and takes the current version, so their second try is accepted."""
    if isinstance(error, versions.EditConflict):
        versions.keep_for_second_try(form, error)
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


class SingleLineCharField(forms.CharField):
    """A one-line text (a title, a name): line breaks and control characters become spaces,
    so that it can stand in an e-mail subject or a file name."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return value
        # CharField strips before this; strip again what the replacement left at the ends.
        return single_line(value).strip() if self.strip else single_line(value)
