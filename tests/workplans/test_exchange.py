import csv
import datetime
import html
import io

import pytest
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from groups.models import Member, WorkingGroup
from portal.accounts.models import User
from tests.factories import (
    MemberFactory,
    SecretariatFactory,
    WorkingGroupFactory,
    co_chair,
    participant,
)
from workplans import exchange, pdf, selectors
from workplans.models import Action, ProgressUpdate, RegionalPriority, WorkPlan

pytestmark = pytest.mark.django_db

HEADER = ",".join(exchange.COLUMNS)
STATUS_2016 = {
    1: "Ongoing",
    2: "Ongoing",
    3: "Complete",
    4: "Complete",
    5: "Continuing",
    6: "Complete",
    7: "For action",
    8: "For action",
    9: "Continuing",
    10: "For action",
}


def pdf_text(data: bytes) -> str:
    """The PDF's text on every page, with runs of white space made one space."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def csv_rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def person(username: str) -> User:
    return User.objects.get(username=username)


def demo_plan() -> WorkPlan:
    return WorkPlan.objects.select_related("group").get(group__slug="wg-tip", slug="2015-17")


def url(name: str, plan: WorkPlan) -> str:
    return reverse(name, kwargs={"group_slug": plan.group.slug, "plan_slug": plan.slug})


def import_url(group: WorkingGroup) -> str:
    return reverse("work_plan_import", kwargs={"group_slug": group.slug})


def upload(text: str | bytes, name: str = "plan.csv") -> SimpleUploadedFile:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="text/csv")


def details(**changes) -> dict:
    return {"title": "Forward Work Plan 2025-27", "period": "2025-27", "slug": "2025-27"} | changes


@pytest.fixture
def group():
    """A group with three regional priorities and two members that may lead actions."""
    group = WorkingGroupFactory(short_name="WG-TIP")
    for order, numeral in enumerate(["I", "II", "III"], start=1):
        RegionalPriority.objects.create(group=group, numeral=numeral, order=order, text="A focus.")
    MemberFactory(name="Australia")
    MemberFactory(name="International Organization for Migration", short_name="IOM")
    return group


def good_file() -> str:
    return "\n".join(
        [
            HEADER,
            "1,Hold an annual meeting.,Ongoing,Held in 2025.,2025-27,Event,Australia,iom,"
            "I; II,1,yes,no,2025-03-01,First meeting held.",
            '2,"Train officials, with the guides.",for action,,2026,capacity building,'
            "IOM; australia,,III,,no,yes,,",
        ]
    )


# --- Export ---------------------------------------------------------------------------


def test_demo_plan_csv_holds_all_ten_actions_with_their_statuses(client, demo):
    plan = demo_plan()
    client.force_login(person("expert.th"))
    response = client.get(url("work_plan_csv", plan))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="wg-tip-2015-17.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 by its BOM
    rows = csv_rows(response.content)
    assert list(rows[0]) == list(exchange.COLUMNS)
    assert {int(row["number"]): row["status"] for row in rows} == STATUS_2016
    two, six, seven = rows[1], rows[5], rows[6]
    assert two["priorities"] == "II; III; IV" and two["initiative"] == "Capacity building"
    assert two["bali_process_strategy"] == "yes" and two["rso_work_plan"] == "no"
    assert six["lead_members"] == "Australia; Thailand"
    assert seven["latest_update_date"] == "2016-05-17" and seven["latest_update"]


def test_demo_plan_pdf_holds_all_ten_actions_with_their_statuses(client, demo):
    plan = demo_plan()
    client.force_login(person("expert.th"))
    response = client.get(url("work_plan_pdf", plan))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="wg-tip-2015-17.pdf"'
    text = pdf_text(response.getvalue())
    assert "WORKING GROUP ON TRAFFICKING IN PERSONS" in text.upper()
    assert "Forward Work Plan 2015-17" in text and "2015-17" in text
    assert "No. Action Target period" in text
    for action in plan.actions.all():
        words = " ".join(action.description.split()[:6])
        assert f"{action.number}. {words}" in text, action.number
    for status in set(STATUS_2016.values()):
        assert text.count(status) >= list(STATUS_2016.values()).count(status)
    assert "Page 1 of" in text


def test_plan_pdf_runs_its_header_and_page_numbers_over_every_page(group):
    rows = [f'{n},"{"A long action to print. " * 25}",Ongoing' for n in range(1, 41)]
    plan = exchange.plan_import(
        group,
        **details(),
        data="\n".join(["number,description,status", *rows]).encode(),
        author=SecretariatFactory(),
    )
    reader = PdfReader(io.BytesIO(pdf.plan_pdf(pdf.plan_document(plan))))
    pages = len(reader.pages)
    assert pages > 1
    last = " ".join(reader.pages[-1].extract_text().split())
    assert f"Page {pages} of {pages}" in last and "WG-TIP · Forward Work Plan 2025-27" in last
    assert "No. Action Target period" in last  # the column headings repeat


def test_rendering_the_plan_pdf_runs_no_query(demo, django_assert_num_queries):
    plan = demo_plan()
    document = pdf.plan_document(plan)
    with django_assert_num_queries(0):
        assert pdf.plan_pdf(document).startswith(b"%PDF-")


def test_plan_pdf_loads_nothing_but_static_files(demo, monkeypatch):
    from portal.pdf import StaticFilesOnly, static_folder

    asked = []
    original = StaticFilesOnly.fetch

    def recording(self, url, headers=None):
        asked.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(StaticFilesOnly, "fetch", recording)
    plan = demo_plan()
    pdf.plan_pdf(pdf.plan_document(plan))
    assert asked and all(url.startswith(static_folder().as_uri()) for url in asked)


def many_actions(group, count: int) -> WorkPlan:
    rows = [
        f"{n},Action {n}.,Ongoing,,2026,Event,Australia,IOM,I; II,1; 2,yes,no,2025-01-0{n % 9 + 1},"
        f"Update {n}."
        for n in range(1, count + 1)
    ]
    return exchange.plan_import(
        group,
        **details(slug=f"plan-{count}"),
        data="\n".join([HEADER, *rows]).encode(),
        author=SecretariatFactory(),
    )


def test_csv_export_queries_do_not_grow_with_the_actions(
    client, group, django_assert_max_num_queries
):
    small, large = many_actions(group, 2), many_actions(group, 30)
    client.force_login(SecretariatFactory())
    # Session and person, the plan, the actions and one query per prefetched relation.
    for plan in (small, large):
        with django_assert_max_num_queries(10):
            assert client.get(url("work_plan_csv", plan)).status_code == 200
    assert len(csv_rows(exchange.plan_csv(large))) == 30


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_exported_inert_and_imported_back(group):
    text = "\n".join(["number,description", '1,"=HYPERLINK(""http://example.org"")"', "2,-1 step"])
    plan = exchange.plan_import(group, **details(), data=text.encode(), author=None)
    exported = exchange.plan_csv(plan).decode("utf-8-sig")
    assert "'=HYPERLINK" in exported and "'-1 step" in exported
    again = exchange.plan_import(
        group, **details(slug="again"), data=exported.encode(), author=None
    )
    assert list(again.actions.values_list("description", flat=True)) == [
        '=HYPERLINK("http://example.org")',
        "-1 step",
    ]


# --- Round trip and a good import ---------------------------------------------------


@pytest.mark.parametrize("slug", ["2015-17", "2024-2026"])
def test_an_exported_plan_imports_into_a_new_plan_with_the_same_actions(demo, slug):
    plan = WorkPlan.objects.select_related("group").get(group__slug="wg-tip", slug=slug)
    secretariat = person("secretariat")
    exported = exchange.plan_csv(plan)
    copy = exchange.plan_import(
        plan.group, **details(slug="copy"), data=exported, author=secretariat
    )
    assert copy.status == WorkPlan.Status.DRAFT and copy.title == "Forward Work Plan 2025-27"
    assert exchange.plan_csv(copy) == exported
    assert selectors.snapshot(copy)["actions"] == selectors.snapshot(plan)["actions"]
    assert list(copy.objectives.values_list("number", flat=True)) == sorted(
        {n for a in plan.actions.all() for n in a.objectives.values_list("number", flat=True)}
    )


def test_a_good_file_imports_in_two_steps_as_a_new_draft_plan(client, group):
    secretariat = SecretariatFactory()
    client.force_login(secretariat)
    response = client.post(import_url(group), details(file=upload(good_file())))
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "2 actions ready to import" in page and "Import 2 actions" in page
    assert not WorkPlan.objects.exists()  # the preview saves nothing

    payload = response.context["confirm_form"].initial["payload"]
    response = client.post(import_url(group), details(payload=payload))
    plan = WorkPlan.objects.get(group=group, slug="2025-27")
    assert (
        response.status_code == 302 and response.url == f"/groups/{group.slug}/work-plans/2025-27/"
    )
    assert plan.status == WorkPlan.Status.DRAFT and plan.period == "2025-27"
    one, two = plan.actions.order_by("number")
    assert one.status == Action.Status.ONGOING and one.status_note == "Held in 2025."
    assert one.initiative == Action.Initiative.EVENT and one.target_period == "2025-27"
    assert [m.name for m in one.lead_members.all()] == ["Australia"]
    assert [m.short_name for m in one.funding_members.all()] == ["IOM"]
    assert [p.numeral for p in one.priorities.order_by("order")] == ["I", "II"]
    assert [o.number for o in one.objectives.all()] == [1]
    assert one.in_bali_process_strategy and not one.proposed_for_rso_work_plan
    update = one.updates.get()
    assert update.reported_on == datetime.date(2025, 3, 1) and update.author == secretariat
    assert two.description == "Train officials, with the guides."
    assert two.status == Action.Status.FOR_ACTION and not two.updates.exists()
    assert two.initiative == Action.Initiative.CAPACITY_BUILDING
    assert sorted(m.name for m in two.lead_members.all()) == [
        "Australia",
        "International Organization for Migration",
    ]
    assert not two.in_bali_process_strategy and two.proposed_for_rso_work_plan
    assert plan.objectives.get().text == exchange.objective_placeholder(1)


def test_columns_may_come_in_any_order_and_optional_ones_may_be_left_out(group):
    text = "description,status,number\nShare information.,Complete,4\n"
    preview = exchange.read_plan_csv(group, text.encode())
    assert preview.is_valid
    [action] = preview.actions
    assert (action.number, action.status, action.line) == (4, Action.Status.COMPLETE, 2)


def test_a_file_from_excel_with_a_bom_and_windows_line_ends_is_read(group):
    text = HEADER + "\r\n" + "1,Meet.,Ongoing,,,,,,,,yes,no,,\r\n\r\n"
    preview = exchange.read_plan_csv(group, b"\xef\xbb\xbf" + text.encode())
    assert preview.is_valid and len(preview.actions) == 1


def test_the_preview_shows_every_line_with_its_problems(client, group):
    lines = [HEADER] + [f"{n},Action {n}.,Ongoing" + "," * 11 for n in range(1, 13)]
    lines[5] = "5,Action 5.,Done" + "," * 11
    client.force_login(SecretariatFactory())
    response = client.post(import_url(group), details(file=upload("\n".join(lines))))
    page = html.unescape(response.content.decode())
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    assert body.count("<tr") == 12
    for n in range(1, 13):
        assert f"Action {n}." in body
    assert '<tr class="row-error">' in body and body.count("row-error") == 1
    assert "Line 6, status: 'Done' is not a status" in page
    assert "Nothing can be imported" in page and "Import 12 actions" not in page
    assert response.context["confirm_form"] is None


# --- Files that import nothing ------------------------------------------------------


def row(**cells) -> str:
    values = {"number": "1", "description": "Meet."} | cells
    return ",".join(csv_quote(values.get(column, "")) for column in exchange.COLUMNS)


def csv_quote(value: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([value])
    return buffer.getvalue().strip()


def body(*rows: str) -> bytes:
    return "\n".join([HEADER, *rows]).encode()


BAD_FILES = {
    "status": (
        body(row(), row(number="2"), row(number="3", status="Done")),
        "Line 4, status: 'Done' is not a status; use one of For action, Ongoing, Continuing, "
        "Complete, Discontinued.",
    ),
    "unknown member": (
        body(row(lead_members="Australia; Atlantis")),
        "Line 2, lead_members: no member is called 'Atlantis'",
    ),
    "unknown funding member": (
        body(row(funding_members="Narnia")),
        "Line 2, funding_members: no member is called 'Narnia'",
    ),
    "duplicate number": (
        body(row(), row(number="2"), row(number="1")),
        "Line 4, number: action 1 is already on line 2.",
    ),
    "missing description": (
        body(row(description="  ")),
        "Line 2, description: missing; say what the action is.",
    ),
    "missing number": (body(row(number="")), "Line 2, number: missing"),
    "bad number": (body(row(number="3a")), "Line 2, number: '3a' is not an action number"),
    "unknown priority": (
        body(row(priorities="II; XII")),
        "Line 2, priorities: 'XII' is not a regional priority of WG-TIP; use one of I, II, III.",
    ),
    "bad strategy answer": (
        body(row(bali_process_strategy="maybe")),
        "Line 2, bali_process_strategy: 'maybe' is not yes or no.",
    ),
    "bad rso answer": (
        body(row(rso_work_plan="1")),
        "Line 2, rso_work_plan: '1' is not yes or no.",
    ),
    "bad initiative": (
        body(row(initiative="Lunch")),
        "Line 2, initiative: 'Lunch' is not a type of initiative",
    ),
    "bad objective": (
        body(row(objectives="one")),
        "Line 2, objectives: 'one' is not an objective number",
    ),
    "bad date": (
        body(row(latest_update_date="17/05/2016", latest_update="Held.")),
        "Line 2, latest_update_date: '17/05/2016' is not a date; write it as 2016-05-17.",
    ),
    "update without date": (
        body(row(latest_update="Held.")),
        "Line 2, latest_update_date: missing; give the date of the update.",
    ),
    "date without update": (
        body(row(latest_update_date="2016-05-17")),
        "Line 2, latest_update: missing; a dated update needs its text.",
    ),
    "long target period": (
        body(row(target_period="2016 to the end of 2017")),
        "Line 2, target_period: '2016 to the end of 2017' is longer than 20 characters.",
    ),
    "unknown column": (
        b"number,description,owner\n1,Meet.,Ann\n",
        "Line 1, owner: unknown column; the columns are number, description, status,",
    ),
    "missing column": (
        b"number,status\n1,Ongoing\n",
        "Line 1, description: this column is missing; it is required.",
    ),
    "twice the same column": (
        b"number,description,number\n1,Meet.,2\n",
        "Line 1, number: this column appears twice.",
    ),
    "too many values": (
        b"number,description\n1,Meet.,extra\n",
        "Line 2: the line has 3 values but the header has 2 columns.",
    ),
    "not utf-8": (
        "number,description\n1,Meet.\n2,Réunion à Genève\n".encode("cp1252"),
        "Line 3: the file is not UTF-8 text.",
    ),
    "empty": (b"", "The file is empty"),
    "only a byte order mark and blank lines": (b"\xef\xbb\xbf\n\n", "The file is empty"),
    "header only": (HEADER.encode(), "The file has a header line but no action."),
    "too many rows": (
        body(*(row(number=str(n)) for n in range(1, 502))),
        "The file has 501 actions; a plan is imported with at most 500.",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_file_saves_nothing_and_names_the_line_and_column(group, case):
    data, message = BAD_FILES[case]
    preview = exchange.read_plan_csv(group, data)
    assert not preview.is_valid
    assert any(str(problem).startswith(message) for problem in preview.problems), [
        str(p) for p in preview.problems
    ]
    with pytest.raises(ValidationError) as refused:
        exchange.plan_import(group, **details(), data=data, author=SecretariatFactory())
    assert any(m.startswith(message) for m in refused.value.message_dict["file"])
    assert not WorkPlan.objects.exists() and not Action.objects.exists()


def test_the_upload_page_lists_every_problem_of_a_bad_file(client, group):
    data = body(
        row(status="Done"),
        row(number="1", description="", lead_members="Atlantis"),
        row(number="3", priorities="XII", rso_work_plan="perhaps"),
    )
    client.force_login(SecretariatFactory())
    response = client.post(import_url(group), details(file=upload(data)))
    page = html.unescape(response.content.decode())
    for message in [
        "Line 2, status: 'Done' is not a status",
        "Line 3, number: action 1 is already on line 2.",
        "Line 3, description: missing",
        "Line 3, lead_members: no member is called 'Atlantis'",
        "Line 4, priorities: 'XII' is not a regional priority of WG-TIP",
        "Line 4, rso_work_plan: 'perhaps' is not yes or no.",
    ]:
        assert message in page
    assert "6 problems found" in page
    assert not WorkPlan.objects.exists()


def test_a_short_name_of_two_members_asks_for_the_full_name(group):
    MemberFactory(name="Interpol Migration Office", short_name="IOM")
    preview = exchange.read_plan_csv(group, body(row(lead_members="IOM")))
    assert [str(p) for p in preview.problems] == [
        "Line 2, lead_members: 'IOM' is the short name of more than one member "
        "(International Organization for Migration, Interpol Migration Office); use the full name."
    ]


def test_an_update_dated_in_the_future_is_refused(group):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    data = body(row(latest_update_date=tomorrow.isoformat(), latest_update="Soon."))
    preview = exchange.read_plan_csv(group, data)
    assert [str(p) for p in preview.problems] == [
        f"Line 2, latest_update_date: {tomorrow.isoformat()} is in the future."
    ]


def test_a_line_number_counts_lines_inside_quoted_values(group):
    data = body(row(description="First line\nsecond line"), row(number="2", status="Done"))
    preview = exchange.read_plan_csv(group, data)
    assert [str(p).split(":")[0] for p in preview.problems] == ["Line 4, status"]


def test_an_oversized_upload_is_refused_before_it_is_read(client, group):
    client.force_login(SecretariatFactory())
    data = b"number,description\n" + b"1," + b"x" * exchange.MAX_BYTES + b"\n"
    response = client.post(import_url(group), details(file=upload(data)))
    assert "The file is larger than 1 MB" in html.unescape(response.content.decode())
    assert not WorkPlan.objects.exists()


def test_the_import_refuses_an_address_already_taken_or_reserved(client, group):
    many_actions(group, 1)
    client.force_login(SecretariatFactory())
    for slug, message in [
        ("plan-1", "WG-TIP already has a plan at 'plan-1'."),
        ("import", "'import' is taken by the portal"),
    ]:
        response = client.post(import_url(group), details(slug=slug, file=upload(good_file())))
        assert message in html.unescape(response.content.decode())
    assert WorkPlan.objects.count() == 1


def test_an_altered_or_foreign_preview_imports_nothing(client, group):
    secretariat, colleague = SecretariatFactory(), SecretariatFactory()
    client.force_login(secretariat)
    response = client.post(import_url(group), details(file=upload(good_file())))
    payload = response.context["confirm_form"].initial["payload"]
    forged = signing.dumps(good_file() + "\n3,Smuggled in.", salt="workplans.exchange.import")
    for attempt in [payload[:-2] + "xx", forged]:
        response = client.post(import_url(group), details(payload=attempt), follow=True)
        assert "The preview has expired or was altered" in response.content.decode()
    client.force_login(colleague)  # the signed content is good for the one who uploaded it
    client.post(import_url(group), details(payload=payload))
    assert not WorkPlan.objects.exists()


def test_a_plan_made_between_preview_and_import_is_reported_and_nothing_is_saved(client, group):
    client.force_login(SecretariatFactory())
    response = client.post(import_url(group), details(file=upload(good_file())))
    payload = response.context["confirm_form"].initial["payload"]
    many_actions(group, 1)  # someone takes the address meanwhile
    response = client.post(import_url(group), details(slug="plan-1", payload=payload))
    assert response.status_code == 200
    assert "WG-TIP already has a plan at 'plan-1'." in html.unescape(response.content.decode())
    assert WorkPlan.objects.count() == 1 and Action.objects.count() == 1
    with pytest.raises(ValidationError) as refused:
        exchange.plan_import(group, **details(slug="plan-1"), data=body(row()), author=None)
    assert refused.value.message_dict == {"slug": ["WG-TIP already has a plan at 'plan-1'."]}
    assert ProgressUpdate.objects.count() == 1


def test_a_failure_while_saving_leaves_nothing_behind(group, monkeypatch):
    def refuse(*args, **kwargs):
        raise ValidationError({"reported_on": "Refused."})

    monkeypatch.setattr(exchange.services, "update_post", refuse)
    data = body(row(), row(number="2", latest_update_date="2025-01-01", latest_update="Done."))
    with pytest.raises(ValidationError):
        exchange.plan_import(group, **details(), data=data, author=SecretariatFactory())
    assert not WorkPlan.objects.exists() and not Action.objects.exists()


# --- Who may ------------------------------------------------------------------------


def test_secretariat_exports_and_imports(client, demo):
    plan = demo_plan()
    client.force_login(person("secretariat"))
    assert client.get(url("work_plan_csv", plan)).status_code == 200
    assert client.get(url("work_plan_pdf", plan)).status_code == 200
    page = client.get(import_url(plan.group))
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.content.decode()


@pytest.mark.parametrize("username", ["expert.th", "cochair.au", "uncleared.lk"])
def test_a_member_of_the_group_exports_but_does_not_import(client, demo, username):
    plan = demo_plan()
    client.force_login(person(username))
    assert client.get(url("work_plan_csv", plan)).status_code == 200
    assert client.get(url("work_plan_pdf", plan)).status_code == 200
    assert client.get(import_url(plan.group)).status_code == 404
    response = client.post(import_url(plan.group), details(file=upload(good_file())))
    assert response.status_code == 404
    assert not WorkPlan.objects.filter(slug="2025-27").exists()


@pytest.mark.parametrize("username", ["cleared.nz", "observer"])
def test_a_member_of_another_group_or_an_observer_gets_404(client, demo, username):
    plan = demo_plan()
    client.force_login(person(username))
    for address in [url("work_plan_csv", plan), url("work_plan_pdf", plan)]:
        assert client.get(address).status_code == 404
    assert client.get(import_url(plan.group)).status_code == 404


def test_a_member_does_not_export_a_draft_plan_but_its_co_chair_does(client, group):
    plan = many_actions(group, 2)  # imported plans are drafts
    client.force_login(participant(group))
    assert client.get(url("work_plan_csv", plan)).status_code == 404
    assert client.get(url("work_plan_pdf", plan)).status_code == 404
    client.force_login(co_chair(group))
    assert client.get(url("work_plan_csv", plan)).status_code == 200
    assert client.get(import_url(group)).status_code == 404


def test_a_stranger_is_sent_to_sign_in(client, demo):
    plan = demo_plan()
    for address in [
        url("work_plan_csv", plan),
        url("work_plan_pdf", plan),
        import_url(plan.group),
    ]:
        response = client.get(address)
        assert response.status_code == 302
        assert response.url == f"{reverse('login')}?{REDIRECT_FIELD_NAME}={address}"


def test_a_missing_plan_or_group_gets_404(client, group):
    client.force_login(SecretariatFactory())
    missing = reverse("work_plan_csv", kwargs={"group_slug": group.slug, "plan_slug": "nope"})
    assert client.get(missing).status_code == 404
    assert client.get(reverse("work_plan_import", args=["no-such-group"])).status_code == 404


def test_demo_members_are_matched_by_name_or_short_name_in_any_case(demo):
    tip = WorkingGroup.objects.get(slug="wg-tip")
    preview = exchange.read_plan_csv(tip, body(row(lead_members="thailand; unodc; IOM")))
    assert preview.is_valid
    names = [m.name for m in preview.actions[0].lead_members]
    assert names[0] == "Thailand" and len(names) == 3
    assert Member.objects.get(short_name="UNODC") in preview.actions[0].lead_members
