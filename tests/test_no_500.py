"""No input breaks a page: every form and every query parameter, fed random and boundary
values, answers a page, a form error, a 400 or a 404 — never a 500 — and a refused input
changes nothing.

The forms are found as a person meets them: every page of the URL walk is opened, and
every form on it (its fields, their kinds and their choices) is sent back with some fields
replaced by values drawn by hypothesis.
"""

import html.parser
import string
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import Resolver404, resolve, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import SecretariatFactory, participant
from tests.test_url_walk import kwargs_for, named_patterns, world  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

# Files, feeds and PDFs: no form on them, and rendering them is slow.
NOT_PAGES = {
    "agenda_pdf",
    "meeting_calendar",
    "calendar_feed",
    "document_download",
    "attachment_download",
    "report_pdf",
    "report_job_pdf",
    "work_plan_csv",
    "work_plan_pdf",
    "healthz",
}
# Forms that end the session or need the e-mailed link: they change who is signed in.
NOT_SENT = {"logout", "password_reset_confirm"}
# The second factor's forms: a wrong code is counted against the person (each one doubles
# the wait), and a button with no field does what it says (tests/portal/test_two_factor.py).
NOT_SENT |= {"two_factor_setup", "two_factor_verify", "recovery_codes_new", "two_factor_off"}

SETTINGS = settings(
    max_examples=20,
    deadline=None,
    # The same examples on every run (a failure found is found again), none kept on disk.
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# For each parameter and each form on its own: a few examples each, many in all.
QUICK = settings(SETTINGS, max_examples=6)

# --- Values -------------------------------------------------------------------------------

NASTY_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "Title\r\nBcc: someone@example.org",
    "\u2028\u2029\x85\x1b[31m",
    "x" * 5000,
    "Ünïcödé ✓ 漢字 \u202eevil",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "../../etc/passwd",
]
NASTY_NUMBERS = [
    "-1",
    "0",
    "1",
    "9999",
    "99999999999999999999",
    "-99999999999999999999",
    "1e400",
    "NaN",
    "inf",
    "٣",
    "1.5",
    "0x10",
]
NASTY_DATES = [
    "0001-01-01",
    "9999-12-31",
    "0000-01-01",
    "1899-12-31",
    "2101-01-01",
    "2016-02-30",
    "-0001-01-01",
    "10000-01-01",
]
NASTY_DATETIMES = [
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "0000-01-01T00:00",
    "1899-12-31T23:59",
    "2101-01-01T00:00",
    "2016-02-30T10:00",
    "2016-05-17T25:00",
    "99999-01-01T00:00",
]
# Which values a field gets depends on what it asks for; every field may also get text.
BY_KIND = {
    "number": NASTY_NUMBERS,
    "date": NASTY_DATES,
    "datetime-local": NASTY_DATETIMES,
}


def values_for(kind: str) -> st.SearchStrategy[str]:
    """Boundary values for a field of this kind, random text, and random integers."""
    boundaries = st.sampled_from(BY_KIND.get(kind, []) + NASTY_TEXT)
    # The boundaries are where the mistakes are: drawn more often than random values.
    return st.one_of(
        boundaries,
        boundaries,
        boundaries,
        st.integers().map(str),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
        st.text(alphabet=string.printable, max_size=20),
    )


# --- Forms as the pages show them -----------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str
    value: str = ""
    choices: list[str] = field(default_factory=list)
    checked: bool = True


@dataclass
class Form:
    page: str
    method: str
    action: str
    fields: list[Field] = field(default_factory=list)

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


class FormReader(html.parser.HTMLParser):
    """Every form of a page, with its fields, their kind, initial value and choices."""

    def __init__(self, page: str):
        super().__init__()
        self.page = page
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: Field | None = None
        self.textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.form = Form(
                self.page, (attrs.get("method") or "get").lower(), attrs.get("action") or self.page
            )
            self.forms.append(self.form)
        if self.form is None or not attrs.get("name"):
            if tag == "option" and self.select is not None:
                self._option(attrs)
            return
        name = attrs["name"]
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and (existing := self.form.field(name)):
                existing.choices.append(attrs.get("value", "on"))
                return
            self.form.fields.append(
                Field(
                    name,
                    kind,
                    attrs.get("value", ""),
                    [attrs.get("value", "on")] if kind in ("checkbox", "radio") else [],
                    "checked" in attrs or kind not in ("checkbox", "radio"),
                )
            )
        elif tag == "select":
            self.select = Field(name, "select")
            self.form.fields.append(self.select)
        elif tag == "textarea":
            self.textarea = Field(name, "textarea")
            self.form.fields.append(self.textarea)
        elif tag == "button" and attrs.get("value") is not None:
            self.form.fields.append(Field(name, "button", attrs["value"]))
        elif tag == "option" and self.select is not None:
            self._option(attrs)

    def _option(self, attrs):
        self.select.choices.append(attrs.get("value", ""))
        if "selected" in attrs:
            self.select.value = attrs.get("value", "")

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            if self.select and not self.select.value and self.select.choices:
                self.select.value = self.select.choices[0]
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def forms_of(client, url: str) -> list[Form]:
    response = client.get(url)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return []
    reader = FormReader(url)
    reader.feed(response.content.decode())
    return reader.forms


def pages(things: dict) -> list[tuple[str, str]]:
    """(name, address) of every page of one group's objects, files and feeds left out."""
    return [
        (name, reverse(name, kwargs=kwargs_for(pattern, things)))
        for name, pattern in named_patterns()
        if name not in NOT_PAGES
    ]


def target_name(form: Form) -> str | None:
    try:
        return resolve(form.action.split("?")[0]).url_name
    except Resolver404:
        return None


def all_forms(client, things: dict, method: str) -> list[Form]:
    """Each distinct form (by address and fields) found on the pages, once."""
    found = {}
    for _, url in pages(things):
        for form in forms_of(client, url):
            key = (form.action, tuple(sorted(f.name for f in form.fields)))
            if form.method == method and target_name(form) not in NOT_SENT:
                found.setdefault(key, form)
    return list(found.values())


# --- What must hold ---------------------------------------------------------------------------


# What a refused request records by design: the log of who was refused what, and the
# sign-in throttling's record of attempts.
RECORDS_OF_REFUSALS = {"audit.AccessRecord", "axes.AccessAttempt", "axes.AccessFailureLog"}


def snapshot() -> dict[str, int]:
    """How many rows every table holds, the history tables included (in one query), but
    the records that a refusal makes on purpose."""
    models = [
        m
        for m in apps.get_models()
        if m._meta.managed and not m._meta.proxy and m._meta.label not in RECORDS_OF_REFUSALS
    ]
    quote = connection.ops.quote_name
    counts = ", ".join(f"(SELECT COUNT(*) FROM {quote(m._meta.db_table)})" for m in models)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        return dict(zip((m._meta.label for m in models), cursor.fetchone(), strict=True))


def assert_not_500(response, what: str) -> None:
    assert response.status_code < 500, f"{response.status_code} from {what}"


def person(kind: str, world):  # noqa: F811 (the fixture, passed on)
    if kind == "secretariat":
        return SecretariatFactory()
    return participant(world["own"]["group"])


def as_shown(form: Form) -> dict:
    """What a browser sends for the form as the page shows it (files aside)."""
    data = {}
    for f in form.fields:
        if f.kind == "file":
            continue
        if f.kind in ("checkbox", "radio"):
            picked = [c for c in f.choices if f.checked] if f.kind == "checkbox" else []
            data[f.name] = picked or f.choices[:1]
        elif f.kind not in ("submit", "reset", "image"):
            data[f.name] = f.value
    return data


@st.composite
def filled(draw, form: Form) -> tuple[dict, dict]:
    """The form as shown, with some of its fields replaced (or left out) by drawn values."""
    data, files = as_shown(form), {}
    changeable = [f for f in form.fields if f.kind not in ("button", "submit")]
    if changeable:
        chosen = draw(
            st.lists(
                st.sampled_from(changeable), min_size=1, max_size=4, unique_by=lambda f: f.name
            )
        )
        for f in chosen:
            if draw(st.booleans()) and f.choices:
                data[f.name] = draw(st.sampled_from(f.choices))
            elif draw(st.integers(0, 9)) == 0:
                data.pop(f.name, None)
            else:
                data[f.name] = draw(values_for(f.kind))
    for f in form.fields:
        if f.kind == "file":
            content = draw(st.sampled_from([b"", b"%PDF-1.4\n%%EOF\n", b"\x00" * 64, b"a,b\n"]))
            files[f.name] = SimpleUploadedFile(draw(st.sampled_from(NASTY_TEXT[1:6])), content)
    return data, files


def one_parameter_at_a_time(client, url: str, parameter: str) -> None:
    """The page with one parameter set to each boundary number, then to drawn values:
    never a 500."""
    for value in NASTY_NUMBERS:
        response = client.get(url, {parameter: value})
        assert_not_500(response, f"GET {url} {parameter}={value!r}")

    @settings(QUICK, max_examples=4)
    @given(value=values_for("number") | st.sampled_from(NASTY_DATES))
    def check(value):
        response = client.get(url, {parameter: value})
        assert_not_500(response, f"GET {url} {parameter}={value!r}")

    check()


def send(client, form: Form, values: dict, files: dict | None = None) -> None:
    """Send the form: never a 500; refused, it changed nothing."""
    before = snapshot()
    response = client.post(form.action, values | (files or {}))
    what = f"POST {form.action} {values!r}"
    assert_not_500(response, what)
    if response.status_code != 302:
        # Shown again with its errors, or refused: nothing was saved.
        assert snapshot() == before, f"{what}: {response.status_code}, yet data changed"


def sent_with_drawn_values(client, form: Form) -> None:
    """The form as shown with each boundary value in each date and number field in turn,
    then with values drawn at random in several fields at once."""
    shown = as_shown(form)
    for f in form.fields:
        for value in BY_KIND.get(f.kind, []):
            send(client, form, shown | {f.name: value})

    @QUICK
    @given(data=st.data())
    def check(data):
        send(client, form, *data.draw(filled(form)))

    check()


@pytest.fixture
def quick_pdfs(monkeypatch):
    """Approved or rendered reports get a stand-in PDF: the point here is the input."""
    from reports import pdf

    monkeypatch.setattr(pdf, "report_pdf", lambda report, content: b"%PDF-1.4 stand-in")


@pytest.mark.parametrize("kind", ["secretariat", "member"])
def test_no_query_parameter_of_any_page_gives_a_500_or_changes_anything(
    client,
    world,  # noqa: F811
    kind,
):
    client.force_login(person(kind, world))
    # Every parameter a page's search form names, and the ones a page may read unasked.
    checked = [("meeting_create", reverse("meeting_create"), "group")]
    for name, url in pages(world["own"]):
        for form in forms_of(client, url):
            if form.method == "get":
                # A form sending to another page (the header's search box) is checked
                # there, once, not on every page that shows it.
                target = form.action.split("?")[0]
                where = (target_name(form) or name, target) if target != url else (name, url)
                checked += [(*where, f.name) for f in form.fields if f.kind != "button"]
    checked = list(dict.fromkeys(checked))
    names = {name for name, _, _ in checked}
    assert {"meeting_list", "action_list", "work_plan_compare", "search"} <= names, names
    before = snapshot()

    for _, url, parameter in checked:
        one_parameter_at_a_time(client, url, parameter)

    @SETTINGS
    @given(data=st.data())
    def several_parameters(data):
        name, url, _ = data.draw(st.sampled_from(checked))
        parameters = sorted({p for n, _, p in checked if n == name})
        params = data.draw(
            st.dictionaries(
                st.sampled_from(parameters), values_for("number"), min_size=1, max_size=4
            )
        )
        response = client.get(url, params)
        assert_not_500(response, f"GET {url} {params!r}")

    several_parameters()
    assert snapshot() == before, "a search changed the data"


@pytest.mark.parametrize("kind", ["secretariat", "member"])
def test_no_form_of_any_page_gives_a_500_and_a_refused_form_changes_nothing(
    client,
    world,  # noqa: F811
    kind,
    quick_pdfs,
):
    client.force_login(person(kind, world))
    forms = all_forms(client, world["own"], "post")
    targets = {target_name(form) for form in forms}
    if kind == "secretariat":
        assert {"meeting_create", "meeting_edit", "action_update_post"} <= targets, targets
    else:
        assert {"calendar", "password_change", "profile"} <= targets, targets

    for form in forms:
        sent_with_drawn_values(client, form)


def test_every_date_and_datetime_field_refuses_the_year_1_and_9999_with_the_bound(
    client,
    world,  # noqa: F811
):
    client.force_login(SecretariatFactory())
    checked = 0
    for form in all_forms(client, world["own"], "post"):
        dated = [f for f in form.fields if f.kind in ("date", "datetime-local")]
        for f in dated:
            for year in ("0001", "9999"):
                data = {g.name: g.value for g in form.fields if g.kind not in ("file", "checkbox")}
                data[f.name] = f"{year}-01-01" + ("T10:00" if f.kind != "date" else "")
                before = snapshot()
                response = client.post(form.action, data)
                assert response.status_code == 200, (form.action, f.name, year)
                assert "Enter a date between 1900 and 2100." in response.content.decode(), (
                    form.action,
                    f.name,
                )
                assert snapshot() == before
                checked += 1
    assert checked >= 6


def test_a_nul_byte_anywhere_in_an_address_or_its_query_is_answered_400(
    client,
    world,  # noqa: F811
):
    client.force_login(SecretariatFactory())
    for name, pattern in named_patterns():
        url = reverse(name, kwargs=kwargs_for(pattern, world["own"]))
        for sent in (url + "%00", url.replace("/", "/%00", 1), url + "?q=a%00b"):
            assert client.get(sent).status_code == 400, sent
            assert client.post(sent).status_code == 400, sent
