"""Browsers are told what a page may load, and nothing restricted is kept in a cache."""

import re

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse

from meetings import calendar
from portal.middleware import NoStoreMiddleware
from tests.factories import MeetingFactory, WorkingGroupFactory, participant

pytestmark = pytest.mark.django_db

# Templates a browser is served; the PDF ones (WeasyPrint) and e-mails never are.
SERVED = [
    path
    for folder in [settings.BASE_DIR / "templates", *settings.BASE_DIR.glob("*/templates")]
    for path in folder.rglob("*.html")
    if not {"pdf", "print", "email"} & set(path.relative_to(folder).parts[:-1])
]
INLINE = re.compile(
    r"""\sstyle\s*=|<style[\s>]|<script(?![^>]*\ssrc=)[^>]*>|\son[a-z]+\s*=|javascript:""",
    re.IGNORECASE,
)


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",")}


def test_no_page_template_carries_inline_style_or_script():
    assert len(SERVED) > 50
    found = [
        f"{path.relative_to(settings.BASE_DIR)}: {match.group(0).strip()}"
        for path in SERVED
        for match in INLINE.finditer(path.read_text())
    ]
    assert found == []


def test_the_calendar_feed_is_not_stored_and_still_answers_304(client):
    group = WorkingGroupFactory()
    person = participant(group)
    MeetingFactory(kind="working_group", group=group, body="")
    url = reverse("calendar_feed", args=[calendar.feed_create(person).token])
    response = client.get(url)
    assert response.status_code == 200
    assert {"no-store", "private", "no-cache"} <= cache_control(response)
    again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert "no-store" in cache_control(again)


def test_a_signed_in_page_is_not_stored(client):
    client.force_login(participant(WorkingGroupFactory()))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "no-store" in cache_control(response) and response["Pragma"] == "no-cache"


def test_a_response_the_view_marks_public_keeps_its_cache_policy(rf):
    def public_view(request):
        response = HttpResponse("A public page")
        response["Cache-Control"] = "public, max-age=300"
        return response

    response = NoStoreMiddleware(public_view)(rf.get("/"))
    assert cache_control(response) == {"public", "max-age=300"}
    assert "Pragma" not in response


def test_static_files_keep_their_own_caching(client):
    response = client.get("/static/css/portal.css")
    assert response.status_code == 200
    assert "no-store" not in cache_control(response)
