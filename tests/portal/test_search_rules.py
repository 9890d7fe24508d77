"""The search's rules over many rows (portal.permissions, Search) agree, for every role,
with the rules of the pages for one row: nobody finds what they could not open."""

import pytest
from django.http import Http404

from meetings.models import AgendaItem, Document, Meeting, Outcome
from portal import permissions
from portal.search.selectors import search
from reports.models import PublicStatement, Report
from tests.portal.test_search import ROLES, WORD, world  # noqa: F401 (a fixture)
from workplans.models import Action, ProgressUpdate

pytestmark = pytest.mark.django_db


def _sees(user, meeting) -> bool:
    return permissions.visible_meetings(user).filter(pk=meeting.pk).exists()


def _opens_action(user, action) -> bool:
    plan = action.plan
    try:
        permissions.get_action_for_user(user, plan.group.slug, plan.slug, action.number)
    except Http404:
        return False
    return True


def _opens_statement(user, statement) -> bool:
    """On its page in the portal, or (published) on its public page."""
    for opened in (
        lambda: permissions.get_statement_for_user(user, statement.group.slug, statement.pk),
        lambda: permissions.get_public_statement(statement.group.slug, statement.pk),
    ):
        try:
            opened()
        except Http404:
            continue
        return True
    return False


def _reads_report(user, report) -> bool:
    return permissions.can_open_report(user, report) and permissions.reads_report_as_it_stands(
        user, report
    )


# For each kind: (the search's rule, the rows, the page's rule for one row)
RULES = {
    "agenda_item": (
        permissions.searchable_agenda_items,
        AgendaItem,
        lambda u, i: _sees(u, i.meeting) and permissions.can_see_agenda(u, i.meeting),
    ),
    "outcome": (
        permissions.searchable_outcomes,
        Outcome,
        lambda u, o: _sees(u, o.meeting) and permissions.meeting_access(u, o.meeting).sees_outcomes,
    ),
    "document": (
        permissions.searchable_documents,
        Document,
        lambda u, d: _sees(u, d.meeting) and permissions.can_read_document(u, d),
    ),
    "action": (permissions.searchable_actions, Action, _opens_action),
    "progress_update": (
        permissions.searchable_progress_updates,
        ProgressUpdate,
        lambda u, p: _opens_action(u, p.action),
    ),
    "report": (permissions.searchable_reports, Report, permissions.can_open_report),
    "report_narrative": (permissions.searchable_report_narratives, Report, _reads_report),
    "statement": (permissions.searchable_statements, PublicStatement, _opens_statement),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", sorted(RULES))
def test_the_search_rule_agrees_with_the_page_rule(world, role, kind):  # noqa: F811
    user = world[role]
    rule, model, page_rule = RULES[kind]
    found = set(rule(user).values_list("pk", flat=True))
    rows = list(model.objects.all())
    assert rows
    expected = {row.pk for row in rows if page_rule(user, row)}
    assert found == expected
    # The crafted data tells the roles apart: nobody but the secretariat opens everything.
    if role != "secretariat" and kind not in ("statement",):
        assert expected != {row.pk for row in rows}


def _expected(user) -> set[tuple[str, int]]:
    """What the pages let the person open, of the world's rows holding the word."""
    expected = {("meeting", m.pk) for m in Meeting.objects.all() if _sees(user, m)}
    for kind, (_, model, page_rule) in RULES.items():
        if kind == "report":
            continue
        key = "report" if kind == "report_narrative" else kind
        expected |= {(key, row.pk) for row in model.objects.all() if page_rule(user, row)}
    return expected


@pytest.mark.parametrize("role", ROLES)
def test_a_search_finds_exactly_what_the_pages_let_the_person_open(world, role):  # noqa: F811
    user = world[role]
    hits = search(user, WORD)[0:1000]
    assert {(hit.kind.key, hit.thing.pk) for hit in hits} == _expected(user)
