"""A form sent twice (a double click, a reload after a slow answer) is answered once.

A form that creates something carries a one-time submission key in a hidden field. The
first time a view accepts it, the key and the page the view led to are remembered in the
person's session; the same key sent again leads to that page, with a note, and creates
nothing. A person's submissions wait for each other on their account's row, so that two
copies sent at the same moment are answered one after the other.
"""

import functools
import re
import secrets
from importlib import import_module

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import transaction
from django.shortcuts import redirect

FIELD = "submission"
SESSION_KEY = "portal.submissions"
# The latest submissions a session remembers: a second click comes within seconds.
REMEMBERED = 30
KEY_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")
ANSWERED_ONCE = "This form was sent twice; what it asked for was done once."


def new_key() -> str:
    """A fresh submission key for a form about to be shown."""
    return secrets.token_urlsafe(16)


class SubmissionKeyField(forms.CharField):
    """The hidden one-time key of a form that creates something."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("initial", new_key)
        super().__init__(**kwargs)


class SubmittedOnce:
    """A form mixin: the hidden one-time submission key, left out of the cleaned data so
    that the data can go to a service as it is. A model form editing a saved row has none:
    an edit sent twice is the same edit, and the version it was read at guards it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is None or instance.pk is None:
            self.fields[FIELD] = SubmissionKeyField()

    def clean(self):
        data = super().clean()
        data.pop(FIELD, None)
        return data


def _answered(request) -> dict[str, str]:
    """The submissions this session has answered, read afresh from the session store:
    another request of the same person may have added one since this request began."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    key = request.session.session_key
    return dict((store(key) if key else request.session).get(SESSION_KEY, {}))


def answered_once(view):
    """A view decorator: a POST whose submission key was answered before is led to where
    the first answer led, and the view does not run again."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        key = request.POST.get(FIELD, "") if request.method == "POST" else ""
        if not KEY_SHAPE.fullmatch(key) or not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        with transaction.atomic():
            get_user_model().objects.select_for_update().filter(pk=request.user.pk).exists()
            answered = _answered(request)
            if key in answered:
                messages.info(request, ANSWERED_ONCE)
                return redirect(answered[key])
            response = view(request, *args, **kwargs)
            if response.status_code == 302:
                answered[key] = response.url
                request.session[SESSION_KEY] = dict(list(answered.items())[-REMEMBERED:])
                # Saved inside the lock, so that a copy waiting on it reads this answer.
                request.session.save()
        return response

    return wrapper
