"""One signed preview imported several times (a double click, six tabs): one plan."""

import html
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.factories import MemberFactory, SecretariatFactory, WorkingGroupFactory
from tests.races import at_once, needs_row_locks
from workplans import exchange, forms
from workplans.models import Action, WorkPlan

HEADER = ",".join(exchange.COLUMNS)
FILE = "\n".join([HEADER, "1,Hold an annual meeting.,Ongoing", "2,Train officials.,For action"])
DETAILS = {"title": "Forward Work Plan 2025-27", "period": "2025-27", "slug": "2025-27"}
ALREADY = "This file was imported once already, as Forward Work Plan 2025-27"


def preview(client, group) -> dict:
    """The details and signed content the preview page sends back on "Import"."""
    upload = SimpleUploadedFile("plan.csv", FILE.encode(), content_type="text/csv")
    response = client.post(import_url(group), DETAILS | {"file": upload})
    return DETAILS | {"payload": response.context["confirm_form"].initial["payload"]}


def import_url(group) -> str:
    return reverse("work_plan_import", kwargs={"group_slug": group.slug})


def plan_url(group) -> str:
    return reverse("work_plan_detail", args=[group.slug, DETAILS["slug"]])


def make_group():
    group = WorkingGroupFactory(short_name="WG-TIP")
    MemberFactory(name="Australia")
    return group


@pytest.mark.django_db(transaction=True)
def test_six_imports_of_one_preview_at_the_same_moment_make_one_plan(monkeypatch):
    needs_row_locks()
    group = make_group()
    secretariat = SecretariatFactory()
    clients = [Client() for _ in range(6)]
    for client in clients:
        client.force_login(secretariat)
    confirm = preview(clients[0], group)

    # Widen the window between finding the address free and saving the plan, so that
    # without the lock every import would find it free.
    full_clean = WorkPlan.full_clean

    def slowly(self, *args, **kwargs):
        time.sleep(0.3)
        return full_clean(self, *args, **kwargs)

    monkeypatch.setattr(WorkPlan, "full_clean", slowly)
    answers = []
    at_once(lambda client: answers.append(client.post(import_url(group), confirm)), clients)
    assert [a.status_code for a in answers] == [302] * 6
    assert {a.url for a in answers} == {plan_url(group)}
    assert WorkPlan.objects.count() == 1 and Action.objects.count() == 2
    told = [c.get(plan_url(group)).content.decode() for c in clients]
    assert sum(ALREADY in html.unescape(page) for page in told) == 5


@pytest.mark.django_db
def test_a_preview_imported_twice_makes_one_plan_and_says_so(client):
    group = make_group()
    client.force_login(SecretariatFactory())
    confirm = preview(client, group)
    first = client.post(import_url(group), confirm)
    assert first.status_code == 302 and first.url == plan_url(group)
    second = client.post(import_url(group), confirm, follow=True)
    assert second.redirect_chain[0][0] == plan_url(group)
    assert ALREADY in html.unescape(second.content.decode())
    assert WorkPlan.objects.count() == 1 and Action.objects.count() == 2


@pytest.mark.django_db
def test_an_import_that_waited_for_another_of_the_same_preview_is_answered_with_that_plan(
    client, monkeypatch
):
    group = make_group()
    client.force_login(SecretariatFactory())
    confirm = preview(client, group)
    # As when the other import commits while this one is past its checks: the form and the
    # first look find nothing, and the service then finds the address taken.
    exchange.plan_import(group, **DETAILS, data=FILE.encode(), author=None)
    monkeypatch.setattr(forms.PlanImportConfirmForm, "clean_slug", lambda form: DETAILS["slug"])
    imported_already = exchange.imported_already
    looks = []

    def not_yet_the_first_time(*args, **kwargs):
        looks.append(1)
        return None if len(looks) == 1 else imported_already(*args, **kwargs)

    monkeypatch.setattr(exchange, "imported_already", not_yet_the_first_time)
    response = client.post(import_url(group), confirm, follow=True)
    assert len(looks) == 2
    assert response.redirect_chain[0][0] == plan_url(group)
    assert ALREADY in html.unescape(response.content.decode())
    assert WorkPlan.objects.count() == 1 and Action.objects.count() == 2


@pytest.mark.django_db
def test_an_address_taken_while_the_plan_is_saved_is_refused_beside_the_address(monkeypatch):
    group = make_group()

    def another_plan_arrives(plan, *args, **kwargs):
        WorkPlan.objects.create(group=plan.group, slug=plan.slug, title="Another", period="x")

    monkeypatch.setattr(WorkPlan, "full_clean", another_plan_arrives)
    with pytest.raises(ValidationError) as refused:
        exchange.plan_import(group, **DETAILS, data=FILE.encode(), author=None)
    assert refused.value.message_dict == {"slug": ["WG-TIP already has a plan at '2025-27'."]}
    assert not Action.objects.exists()
