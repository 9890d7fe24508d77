"""The Atom feeds of published statements: valid Atom (RFC 4287), absolute addresses, and
nothing that is not published."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from reports import statements
from tests.factories import SecretariatFactory, WorkingGroupFactory, co_chair

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
# RFC 3339 date-time, as RFC 4287 requires for atom:updated and atom:published.
RFC_3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


@pytest.fixture
def group():
    return WorkingGroupFactory(short_name="WG-TIP", slug="wg-tip", name="Working Group on TIP")


@pytest.fixture
def secretariat():
    return SecretariatFactory()


def publish(group, by, title, text="The group **agreed**.", on=None):
    statement = statements.statement_save(None, group=group, by=by, title=title, text=text)
    return statements.statement_publish_by_silence(statement, on=on or timezone.now())


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def feed_of(client, group):
    return parse(client.get(reverse("group_statements_feed", args=[group.slug])))


def text_of(element, tag):
    found = element.find(ATOM + tag)
    assert found is not None, f"missing atom:{tag}"
    return found.text or ""


def assert_absolute(address):
    assert address.startswith(("http://", "https://", "tag:")), address


def test_the_feed_is_valid_atom(client, group, secretariat):
    older = publish(
        group, secretariat, "First statement", on=timezone.now() - datetime.timedelta(1)
    )
    newer = publish(group, secretariat, "Second statement")
    root = feed_of(client, group)

    assert root.tag == ATOM + "feed"
    # RFC 4287 4.1.1: a feed has an id, a title and an updated date, and (having no
    # author in every entry otherwise) an author.
    assert_absolute(text_of(root, "id"))
    assert "WG-TIP" in text_of(root, "title")
    assert RFC_3339.match(text_of(root, "updated"))
    assert text_of(root.find(ATOM + "author"), "name")
    links = {link.get("rel"): link.get("href") for link in root.findall(ATOM + "link")}
    assert links["alternate"].endswith(reverse("group_public", args=[group.slug]))
    assert links["self"].endswith(reverse("group_statements_feed", args=[group.slug]))
    for href in links.values():
        assert_absolute(href)

    entries = root.findall(ATOM + "entry")
    assert [text_of(e, "title") for e in entries] == ["Second statement", "First statement"]
    ids = [text_of(e, "id") for e in entries]
    assert len(set(ids)) == 2
    for entry, statement in zip(entries, [newer, older], strict=True):
        assert_absolute(text_of(entry, "id"))
        assert RFC_3339.match(text_of(entry, "updated"))
        link = entry.find(ATOM + "link")
        assert link.get("rel") == "alternate"
        assert link.get("href").endswith(
            reverse("statement_public", args=[group.slug, statement.pk])
        )
        assert_absolute(link.get("href"))
        content = entry.find(ATOM + "content")
        assert content.get("type") == "html"
        assert "<strong>agreed</strong>" in content.text
    # The feed was last updated when its latest statement was published.
    assert text_of(root, "updated") == text_of(entries[0], "updated")


def test_the_feed_of_every_group_carries_each_groups_statements(client, group, secretariat):
    other = WorkingGroupFactory(short_name="WG-DCN")
    publish(group, secretariat, "On trafficking")
    publish(other, secretariat, "On document fraud")
    root = parse(client.get(reverse("statements_feed")))
    titles = sorted(text_of(e, "title") for e in root.findall(ATOM + "entry"))
    assert titles == ["WG-DCN: On document fraud", "WG-TIP: On trafficking"]
    assert_absolute(text_of(root, "id"))
    assert RFC_3339.match(text_of(root, "updated"))


def test_an_empty_feed_is_still_valid(client, group):
    root = feed_of(client, group)
    assert root.findall(ATOM + "entry") == []
    assert RFC_3339.match(text_of(root, "updated"))
    assert_absolute(text_of(root, "id"))


def test_nothing_unpublished_is_in_a_feed(client, group, secretariat):
    co_chair(group), co_chair(group)
    draft = statements.statement_save(
        None, group=group, by=secretariat, title="A draft", text="Secret draft text."
    )
    waiting = statements.statement_save(
        None, group=group, by=secretariat, title="Waiting", text="Waiting text."
    )
    statements.statement_submit(waiting, by=secretariat)
    for url in (reverse("group_statements_feed", args=[group.slug]), reverse("statements_feed")):
        body = client.get(url).content.decode()
        for statement in (draft, waiting):
            assert statement.title not in body and statement.text not in body


def test_a_group_without_a_public_page_has_no_feed(client):
    proposed = WorkingGroupFactory(status="proposed")
    assert client.get(reverse("group_statements_feed", args=[proposed.slug])).status_code == 404


@pytest.mark.parametrize("count", [2, 20])
def test_the_feeds_read_a_bounded_number_of_queries(
    client, group, secretariat, count, django_assert_max_num_queries
):
    for number in range(count):
        publish(group, secretariat, f"Statement {number}")
    with django_assert_max_num_queries(3):
        root = feed_of(client, group)
    assert len(root.findall(ATOM + "entry")) == count
    with django_assert_max_num_queries(3):
        root = parse(client.get(reverse("statements_feed")))
    assert len(root.findall(ATOM + "entry")) == count
