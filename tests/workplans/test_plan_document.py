"""The work plan as a document (background, objectives, priorities, actions, attachments,
the PDF attachments appended) and the attachments on the portal's own pages."""

import datetime
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from portal import pdf as printing
from portal.accounts.models import User
from tests.factories import (
    ActionFactory,
    MeetingFactory,
    MemberFactory,
    SecretariatFactory,
    WorkingGroupFactory,
    WorkPlanFactory,
    co_chair,
    participant,
)
from workplans import demo as demo_data
from workplans import exchange, pdf, selectors, services
from workplans.models import Attachment, Objective, RegionalPriority, WorkPlan

pytestmark = pytest.mark.django_db

ANNEX_HTML = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Annex</title></head>'
    "<body><p>The annex of the plan, on a page of its own.</p></body></html>"
)


def pages_text(data: bytes) -> list[str]:
    """Each page's text, with runs of white space made one space."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def squeezed(text: str) -> str:
    """The text without any white space: a line break in the PDF does not matter."""
    return "".join(text.split())


def pdf_upload(name: str = "Annex.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, printing.html_to_pdf(ANNEX_HTML), "application/pdf")


def text_upload(name: str = "Contacts.txt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"Focal points and their e-mail addresses.\n", "text/plain")


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def plan_url(name: str, plan: WorkPlan, **extra) -> str:
    return reverse(name, kwargs={"group_slug": plan.group.slug, "plan_slug": plan.slug, **extra})


def render(plan: WorkPlan) -> bytes:
    return pdf.plan_pdf(pdf.plan_document(plan))


@pytest.fixture
def world():
    """A plan with background, objectives, two priorities it serves, two actions; and people."""
    group = WorkingGroupFactory(short_name="WG-TIP", name="Working Group on Trafficking in Persons")
    first = RegionalPriority.objects.create(
        group=group, numeral="I", order=1, text="Prevention of trafficking, safely."
    )
    second = RegionalPriority.objects.create(
        group=group, numeral="II", order=2, text="Criminalisation consistent with standards."
    )
    RegionalPriority.objects.create(
        group=group, numeral="III", order=3, text="A priority this plan does not serve."
    )
    plan = WorkPlanFactory(
        group=group,
        title="Forward Work Plan 2025-27",
        slug="2025-27",
        period="2025-27",
        background="The first paragraph of the background.\n\nThe second paragraph of it.",
    )
    plan.priorities.set([first])
    one = Objective.objects.create(plan=plan, number=1, text="Share information on trends.")
    Objective.objects.create(plan=plan, number=2, text="Build the capacity of officials.")
    australia = MemberFactory(name="Australia")
    action = ActionFactory(
        plan=plan, number=1, description="Hold an annual meeting.", lead_members=[australia]
    )
    action.priorities.set([second])
    action.objectives.set([one])
    ActionFactory(plan=plan, number=2, description="Map the networks of the region.")
    return {
        "group": group,
        "plan": plan,
        "action": action,
        "secretariat": SecretariatFactory(),
        "expert": participant(group),
        "stranger": participant(WorkingGroupFactory()),
    }


def attach(world, label="Attachment A", upload=None, action=None) -> Attachment:
    return services.attachment_add(
        world["plan"],
        label=label,
        title=f"The {label.lower()} of the plan",
        upload=upload or pdf_upload(),
        uploaded_by=world["secretariat"],
        action=action,
    )


# --- The document -------------------------------------------------------------------------


def test_demo_plan_pdf_holds_its_background_the_full_priorities_and_attachment_a(client, demo):
    plan = WorkPlan.objects.select_related("group").get(group__slug="wg-tip", slug="2015-17")
    client.force_login(User.objects.get(username="expert.th"))
    response = client.get(plan_url("work_plan_pdf", plan))
    assert response.status_code == 200
    pages = pages_text(response.getvalue())
    whole = squeezed(" ".join(pages))
    for paragraph in pdf.paragraphs(plan.background):
        assert squeezed(paragraph) in whole
    assert len(pdf.paragraphs(plan.background)) == 3
    for numeral, text in demo_data.PRIORITIES:
        assert squeezed(f"{numeral}. {text}") in whole, numeral
    assert squeezed("See Attachment A.") in whole
    assert squeezed("Working Group on Trafficking in Persons – Regional Priorities") in whole
    # The attachment's own page follows the plan's, and the list says where it starts.
    last = pages[-1]
    assert "Attachment A" in last and "Punish Trafficking in Persons" in last
    assert squeezed(f"Appended below, from page {len(pages)}") in whole
    assert f"Page {len(pages) - 1} of {len(pages) - 1}" in pages[-2]


def test_demo_plan_2024_2026_pdf_lists_each_of_its_objectives(demo):
    plan = WorkPlan.objects.select_related("group").get(group__slug="wg-tip", slug="2024-2026")
    whole = squeezed(" ".join(pages_text(render(plan))))
    assert squeezed("High-level objectives") in whole
    for number, text in enumerate(demo_data.FOCUS_AREAS_2024, start=1):
        assert squeezed(f"{number}. {text}") in whole, number


def test_demo_loaded_again_keeps_one_attachment_a_and_brings_short_texts_up_to_date(demo):
    plan = WorkPlan.objects.get(group__slug="wg-tip", slug="2015-17")
    attachment = plan.attachments.get()
    assert attachment.label == "Attachment A" and attachment.action.number == 5
    assert attachment.is_pdf and attachment.sha256[:16] in attachment.file.name
    # A database loaded before the full texts: short texts, and one a person reworded.
    RegionalPriority.objects.filter(group__slug="wg-tip", numeral="I").update(
        text=demo_data.SHORT_PRIORITIES["I"]
    )
    RegionalPriority.objects.filter(group__slug="wg-tip", numeral="II").update(text="Reworded.")
    WorkPlan.objects.filter(pk=plan.pk).update(background=demo_data.SHORT_BACKGROUND_2015_17)
    call_command("load_demo", password="demo-password-1", stdout=io.StringIO())
    texts = dict(
        RegionalPriority.objects.filter(group__slug="wg-tip").values_list("numeral", "text")
    )
    assert texts["I"] == dict(demo_data.PRIORITIES)["I"] and texts["II"] == "Reworded."
    plan.refresh_from_db()
    assert plan.background == demo_data.BACKGROUND_2015_17
    assert plan.attachments.count() == 1
    # Removed by a person, it stays removed.
    services.attachment_remove(plan.attachments.get(), by=None)
    call_command("load_demo", password="demo-password-1", stdout=io.StringIO())
    assert not plan.attachments.exists()


def test_plan_pdf_prints_the_title_block_background_objectives_and_served_priorities(world):
    meeting = MeetingFactory(
        kind="working_group", group=world["group"], body="", title="Third meeting of WG-TIP"
    )
    WorkPlan.objects.filter(pk=world["plan"].pk).update(adopted_at=meeting)
    world["plan"].refresh_from_db()
    pages = pages_text(render(world["plan"]))
    whole = squeezed(" ".join(pages))
    assert squeezed("Period 2025-27 Status Adopted Adopted at Third meeting of WG-TIP") in whole
    assert squeezed("Actions 2") in whole
    assert squeezed("The first paragraph of the background.") in whole
    assert squeezed("1. Share information on trends. 2. Build the capacity of officials.") in whole
    # Served by the plan (I) and named by an action (II); not III.
    assert squeezed("I. Prevention of trafficking, safely.") in whole
    assert squeezed("II. Criminalisation consistent with standards.") in whole
    assert squeezed("does not serve") not in whole
    assert squeezed("Lead: Australia Priorities: II Objectives: 1") in whole
    assert "Draft" not in " ".join(pages)
    assert "Attachments" not in " ".join(pages)


def test_a_draft_plan_pdf_says_it_is_a_draft(world):
    WorkPlan.objects.filter(pk=world["plan"].pk).update(status=WorkPlan.Status.DRAFT)
    world["plan"].refresh_from_db()
    text = " ".join(pages_text(render(world["plan"])))
    assert "Draft: this work plan has not been adopted and may still change." in text
    assert "Forward Work Plan 2025-27 (draft)" in text


def test_a_pdf_attachment_is_appended_and_named_in_its_action_row(world):
    plain = len(pages_text(render(world["plan"])))
    attach(world, action=world["action"])
    pages = pages_text(render(world["plan"]))
    assert len(pages) == plain + 1
    assert "The annex of the plan, on a page of its own." in pages[-1]
    whole = squeezed(" ".join(pages))
    assert squeezed("Hold an annual meeting. See Attachment A.") in whole
    assert squeezed("Attachment A The attachment a of the plan Action 1 PDF document") in whole
    assert squeezed(f"Appended below, from page {plain + 1}") in whole


def test_a_non_pdf_attachment_is_listed_not_appended(world):
    plain = len(pages_text(render(world["plan"])))
    attach(world, label="Attachment B", upload=text_upload())
    pages = pages_text(render(world["plan"]))
    assert len(pages) == plain
    whole = squeezed(" ".join(pages))
    assert squeezed("Attachment B The attachment b of the plan The whole plan plain text file") in (
        whole
    )
    assert squeezed("Not appended (not a PDF)") in whole
    assert "Focal points" not in " ".join(pages)


def test_a_pdf_that_cannot_be_read_is_listed_as_not_appended_and_the_plan_still_prints(world):
    broken = SimpleUploadedFile("Broken.pdf", b"%PDF-1.4\nnot really a document\n%%EOF\n")
    attach(world, label="Attachment C", upload=broken)
    attach(world, label="Attachment D")
    pages = pages_text(render(world["plan"]))
    whole = squeezed(" ".join(pages))
    assert squeezed("Attachment C") in whole and squeezed("Could not be appended") in whole
    assert "The annex of the plan" in pages[-1]  # the readable one still is


def test_a_pdf_attachment_whose_file_is_gone_is_listed_as_not_appended(world):
    attachment = attach(world)
    attachment.file.storage.delete(attachment.file.name)
    whole = squeezed(" ".join(pages_text(render(world["plan"]))))
    assert squeezed("Could not be appended") in whole


def test_printing_a_plan_with_attachments_runs_no_query(world, django_assert_num_queries):
    attach(world, action=world["action"])
    attach(world, label="Attachment B", upload=text_upload())
    document = pdf.plan_document(world["plan"])
    with django_assert_num_queries(0):
        assert pdf.plan_pdf(document).startswith(b"%PDF-")


def test_plan_pdf_view_queries_do_not_grow_with_the_attachments(
    client, world, django_assert_max_num_queries
):
    client.force_login(world["expert"])
    attach(world, action=world["action"])
    url = plan_url("work_plan_pdf", world["plan"])
    # The first request prints in-process (no broker); the second is served the printing.
    with django_assert_max_num_queries(40):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200
    for n in range(5):
        attach(world, label=f"Annex {n}", upload=text_upload())
    with django_assert_max_num_queries(40):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200


# --- One projection: the CSV and the revision snapshot keep their shape ----------------------


def test_the_csv_reads_as_before_byte_for_byte(world):
    iom = MemberFactory(name="International Organization for Migration", short_name="IOM")
    world["action"].funding_members.set([iom])
    services.update_post(
        world["action"],
        text="=Met in Bangkok.",
        author=world["secretariat"],
        reported_on=datetime.date(2025, 3, 1),
    )
    expected = (
        "\ufeffnumber,description,status,status_note,target_period,initiative,lead_members,"
        "funding_members,priorities,objectives,bali_process_strategy,rso_work_plan,"
        "latest_update_date,latest_update\r\n"
        "1,Hold an annual meeting.,For action,,2016/17,,Australia,"
        "International Organization for Migration,II,1,no,no,2025-03-01,'=Met in Bangkok.\r\n"
        "2,Map the networks of the region.,For action,,2016/17,,,,,,no,no,,\r\n"
    )
    assert exchange.plan_csv(world["plan"]) == expected.encode("utf-8")


def test_a_revision_snapshot_keeps_its_keys_and_members_by_short_name(world):
    iom = MemberFactory(name="International Organization for Migration", short_name="IOM")
    world["action"].funding_members.set([iom])
    action = selectors.snapshot(world["plan"])["actions"][0]
    assert action == {
        "number": 1,
        "description": "Hold an annual meeting.",
        "status": "for_action",
        "status_note": "",
        "target_period": "2016/17",
        "initiative": "",
        "lead_members": ["Australia"],
        "funding_members": ["IOM"],
        "priorities": ["II"],
        "objectives": [1],
        "in_bali_process_strategy": False,
        "proposed_for_rso_work_plan": False,
    }


# --- Uploading, downloading and removing -------------------------------------------------


def form_data(**changes) -> dict:
    return {"label": "Attachment A", "title": "Regional priorities", "upload": pdf_upload()} | (
        changes
    )


def test_secretariat_attaches_a_pdf_to_an_action_and_it_shows_on_the_plan_pages(client, world):
    client.force_login(world["secretariat"])
    page = client.get(plan_url("attachment_create", world["plan"]))
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.content.decode()
    response = client.post(
        plan_url("attachment_create", world["plan"]), form_data(action=world["action"].pk)
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.label, attachment.action, attachment.uploaded_by) == (
        "Attachment A",
        world["action"],
        world["secretariat"],
    )
    assert attachment.original_name == "Annex.pdf" and attachment.content_type == "application/pdf"
    assert len(attachment.sha256) == 64 and attachment.size > 0
    download = plan_url("attachment_download", world["plan"], attachment_id=attachment.pk)
    for address in [
        plan_url("work_plan_detail", world["plan"]),
        plan_url("work_plan_attachments", world["plan"]),
        reverse("action_detail", args=[world["group"].slug, world["plan"].slug, 1]),
    ]:
        text = client.get(address).content.decode()
        assert download in text and "Attachment A: Regional priorities" in text, address
    other = reverse("action_detail", args=[world["group"].slug, world["plan"].slug, 2])
    assert download not in client.get(other).content.decode()


def test_a_participant_reads_and_downloads_but_may_not_attach_or_remove(client, world):
    attachment = attach(world)
    client.force_login(world["expert"])
    listing = client.get(plan_url("work_plan_attachments", world["plan"]))
    assert listing.status_code == 200
    text = listing.content.decode()
    assert "Attachment A" in text and "Remove" not in text and "Attach a document" not in text
    assert client.get(plan_url("attachment_create", world["plan"])).status_code == 404
    response = client.post(plan_url("attachment_create", world["plan"]), form_data(label="B"))
    assert response.status_code == 404
    remove = plan_url("attachment_remove", world["plan"], attachment_id=attachment.pk)
    assert client.post(remove).status_code == 404
    assert list(Attachment.objects.values_list("label", flat=True)) == ["Attachment A"]


def test_a_co_chair_of_a_draft_plan_may_not_attach_either(client, world):
    WorkPlan.objects.filter(pk=world["plan"].pk).update(status=WorkPlan.Status.DRAFT)
    client.force_login(co_chair(world["group"]))
    assert client.get(plan_url("work_plan_attachments", world["plan"])).status_code == 200
    assert client.get(plan_url("attachment_create", world["plan"])).status_code == 404


def test_a_pdf_downloads_inline_under_its_name_and_any_other_kind_as_a_file(client, world):
    pdf_one = attach(world)
    text_one = attach(world, label="Attachment B", upload=text_upload("Focal points.txt"))
    client.force_login(world["expert"])
    shown = client.get(plan_url("attachment_download", world["plan"], attachment_id=pdf_one.pk))
    assert shown.status_code == 200 and shown["Content-Type"] == "application/pdf"
    assert shown["Content-Disposition"] == 'inline; filename="Annex.pdf"'
    assert b"".join(shown.streaming_content).startswith(b"%PDF-")
    saved = client.get(plan_url("attachment_download", world["plan"], attachment_id=text_one.pk))
    assert saved["Content-Type"] == "text/plain; charset=utf-8"
    assert saved["Content-Disposition"] == 'attachment; filename="Focal points.txt"'
    assert saved["X-Content-Type-Options"] == "nosniff" and "private" in saved["Cache-Control"]


def test_a_member_of_another_group_gets_404_on_every_attachment_page(client, world):
    attachment = attach(world)
    client.force_login(world["stranger"])
    for name in ["work_plan_attachments", "attachment_create"]:
        assert client.get(plan_url(name, world["plan"])).status_code == 404, name
    one = {"attachment_id": attachment.pk}
    assert client.get(plan_url("attachment_download", world["plan"], **one)).status_code == 404
    assert client.post(plan_url("attachment_remove", world["plan"], **one)).status_code == 404
    assert Attachment.objects.count() == 1


def test_an_attachment_of_another_plan_or_a_draft_is_404_for_a_participant(client, world):
    other = WorkPlanFactory(group=world["group"], slug="draft", status=WorkPlan.Status.DRAFT)
    theirs = services.attachment_add(
        other, label="Attachment A", title="Draft", upload=pdf_upload(), uploaded_by=None
    )
    client.force_login(world["expert"])
    # Named under the plan the participant reads, or under the draft itself.
    wrong_plan = plan_url("attachment_download", world["plan"], attachment_id=theirs.pk)
    assert client.get(wrong_plan).status_code == 404
    assert (
        client.get(plan_url("attachment_download", other, attachment_id=theirs.pk)).status_code
        == 404
    )
    missing = plan_url("attachment_download", world["plan"], attachment_id=theirs.pk + 100)
    assert client.get(missing).status_code == 404


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            lambda: SimpleUploadedFile("run-me.exe", b"MZ\x90\x00binary"),
            "Files ending in .exe are not accepted.",
        ),
        (
            lambda: SimpleUploadedFile("Annex.pdf", b"<!doctype html><script>alert(1)</script>"),
            "The name ends in .pdf, but the file looks like an HTML web page.",
        ),
        (lambda: SimpleUploadedFile("Empty.pdf", b""), "The submitted file is empty."),
    ],
    ids=["wrong-extension", "fake-pdf", "empty"],
)
def test_a_bad_file_is_refused_beside_its_field_and_nothing_is_stored(
    client, world, upload, message
):
    client.force_login(world["secretariat"])
    response = client.post(plan_url("attachment_create", world["plan"]), form_data(upload=upload()))
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Attachment.objects.exists() and not stored_files()


def test_a_label_taken_is_refused_and_nothing_more_is_stored(client, world):
    attach(world)
    files = stored_files()
    client.force_login(world["secretariat"])
    response = client.post(
        plan_url("attachment_create", world["plan"]), form_data(label="attachment a")
    )
    assert response.status_code == 200
    assert "The plan has an attachment labelled attachment a already" in response.content.decode()
    assert Attachment.objects.count() == 1 and stored_files() == files


def test_the_service_refuses_an_action_of_another_plan_and_says_every_reason(world):
    elsewhere = ActionFactory(plan=WorkPlanFactory(group=world["group"]), number=1)
    with pytest.raises(ValidationError) as refused:
        services.attachment_add(
            world["plan"],
            label=" ",
            title="",
            upload=SimpleUploadedFile("x.html", b"<html></html>"),
            uploaded_by=None,
            action=elsewhere,
        )
    assert set(refused.value.message_dict) == {"label", "title", "action", "upload"}
    assert refused.value.message_dict["action"] == [
        "Choose an action of this plan, or none for the whole plan."
    ]
    assert not Attachment.objects.exists() and not stored_files()


def test_secretariat_removes_an_attachment_and_its_file_goes(
    client, world, django_capture_on_commit_callbacks
):
    attachment = attach(world)
    path = Path(attachment.file.path)
    client.force_login(world["secretariat"])
    remove = plan_url("attachment_remove", world["plan"], attachment_id=attachment.pk)
    assert client.get(remove).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remove)
    assert response.status_code == 302
    assert not Attachment.objects.exists() and not path.exists()
    removal = Attachment.history.filter(history_type="-").get()
    assert removal.history_user == world["secretariat"]


def test_a_stranger_is_sent_to_sign_in(client, world):
    attachment = attach(world)
    for address in [
        plan_url("work_plan_attachments", world["plan"]),
        plan_url("attachment_create", world["plan"]),
        plan_url("attachment_download", world["plan"], attachment_id=attachment.pk),
    ]:
        response = client.get(address)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("count", [1, 12])
def test_attachment_pages_queries_do_not_grow_with_the_attachments(
    client, world, django_assert_max_num_queries, count
):
    for n in range(count):
        attach(world, label=f"Attachment {n}", upload=text_upload(), action=world["action"])
    client.force_login(world["secretariat"])
    for name in ["work_plan_attachments", "attachment_create"]:
        with django_assert_max_num_queries(10):
            assert client.get(plan_url(name, world["plan"])).status_code == 200
    # The plan page's own, and one for its attachments.
    with django_assert_max_num_queries(19):
        assert client.get(plan_url("work_plan_detail", world["plan"])).status_code == 200
