"""Search: one box over meetings, agenda items, outcomes, papers, actions, progress
updates, reports and public statements, showing only what the person may open.

Each kind's rows come from its rule in portal/permissions.py (the Search section), the
same rule as its pages. The kinds are searched in one query (a UNION ALL of each kind's
matches: kind, id, group, date and rank), counted per kind in another, and only the rows
of the page shown are read in full, at most one query per kind: a search asks the same
few queries however many rows match and however many groups the person takes part in.

PostgreSQL matches words with its full-text search (the ``simple`` configuration, accents
folded by unaccent, the last word also as the start of a longer one) through the GIN
indexes of the search migration, and ranks by ``ts_rank``. SQLite, the embedded default,
looks for each word anywhere in the same columns, accents and case folded, and ranks a
match in the title first; newest first after the rank on both.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    DateTimeField,
    F,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse
from django.utils.safestring import SafeString

from meetings.models import AgendaItem, Document, Meeting, Outcome
from portal import permissions
from portal.search.expressions import SearchDocument, SearchedText
from portal.search.highlight import SNIPPET_LENGTH, highlight
from portal.search.text import words_of
from reports.models import NARRATIVE_FIELDS, PublicStatement, Report
from reports.narrative import plain_text
from workplans.models import Action, ProgressUpdate

# A longer search is refused with a message, not cut: what was typed is not what is read.
MAX_LENGTH = 200


@dataclass(frozen=True)
class Kind:
    """One kind of thing search finds, and how."""

    key: str
    label: str
    model: type
    # The person's rows of this kind: the rule of its pages, from portal.permissions.
    rows: Callable[[object], QuerySet]
    # The columns searched, exactly as the search migration indexes them.
    columns: tuple[str, ...]
    # The column whose match ranks first on SQLite, if the kind has a title of its own.
    title_column: str | None
    group: str
    date: object
    related: tuple[str, ...]


KINDS = [
    Kind(
        key="meeting",
        label="Meetings",
        model=Meeting,
        rows=permissions.visible_meetings,
        columns=("title", "objectives", "venue", "city"),
        title_column="title",
        group="group_id",
        date=F("starts_at"),
        related=("group",),
    ),
    Kind(
        key="agenda_item",
        label="Agenda items",
        model=AgendaItem,
        rows=permissions.searchable_agenda_items,
        columns=("title", "description"),
        title_column="title",
        group="meeting__group_id",
        date=F("meeting__starts_at"),
        related=("meeting__group",),
    ),
    Kind(
        key="outcome",
        label="Outcomes",
        model=Outcome,
        rows=permissions.searchable_outcomes,
        columns=("text",),
        title_column=None,
        group="meeting__group_id",
        date=F("meeting__starts_at"),
        related=("meeting__group",),
    ),
    Kind(
        key="document",
        label="Papers",
        model=Document,
        rows=permissions.searchable_documents,
        columns=("title",),
        title_column="title",
        group="meeting__group_id",
        date=F("meeting__starts_at"),
        related=("meeting__group",),
    ),
    Kind(
        key="action",
        label="Actions",
        model=Action,
        rows=permissions.searchable_actions,
        columns=("description", "status_note"),
        title_column=None,
        group="plan__group_id",
        date=Value(None, output_field=DateTimeField()),
        related=("plan__group",),
    ),
    Kind(
        key="progress_update",
        label="Progress updates",
        model=ProgressUpdate,
        rows=permissions.searchable_progress_updates,
        columns=("text",),
        title_column=None,
        group="action__plan__group_id",
        date=Cast("reported_on", DateTimeField()),
        related=("action__plan__group",),
    ),
    Kind(
        key="report",
        label="Reports",
        model=Report,
        rows=permissions.searchable_report_narratives,
        columns=NARRATIVE_FIELDS,
        title_column=None,
        group="group_id",
        date=Coalesce("approved_at", "submitted_at"),
        related=("group", "meeting"),
    ),
    Kind(
        key="statement",
        label="Public statements",
        model=PublicStatement,
        rows=permissions.searchable_statements,
        columns=("title", "text"),
        title_column="title",
        group="group_id",
        date=Coalesce("published_at", "created_at"),
        related=("group",),
    ),
]
KINDS_BY_KEY = {kind.key: kind for kind in KINDS}
KIND_CHOICES = [(kind.key, kind.label) for kind in KINDS]


@dataclass
class Hit:
    """One result as the page shows it."""

    kind: Kind
    thing: object
    title: SafeString
    url: str
    # What it belongs to ("Agenda of …", "Forward Work Plan 2024-2026"), if anything.
    context: str
    group: object | None
    held_by: str
    when: str
    snippet: SafeString | None


def _tsquery(words: list[str]) -> str:
    """The words as a tsquery: every one must occur, the last also as a word's start.
    Each is quoted, and holds letters and digits only, so no input is read as syntax."""
    quoted = [f"'{word}'" for word in words]
    return " & ".join(quoted) + ":*"


def _matches(kind: Kind, user, words: list[str], group) -> QuerySet:
    """The person's rows of a kind that hold the words: kind, id, group, date, rank."""
    rows = kind.rows(user).order_by()
    if group is not None:
        rows = rows.filter(**{kind.group: group.pk})
    if connection.vendor == "postgresql":
        query = SearchQuery(_tsquery(words), search_type="raw", config="simple")
        rows = rows.annotate(search_document=SearchDocument(*kind.columns)).filter(
            search_document=query
        )
        rank = SearchRank(F("search_document"), query)
    else:
        rows = rows.annotate(searched_text=SearchedText(*kind.columns))
        for word in words:
            rows = rows.filter(searched_text__contains=word)
        rank = Value(1.0)
        if kind.title_column:
            in_title = Q()
            for word in words:
                in_title &= Q(searched_title__contains=word)
            rows = rows.annotate(searched_title=SearchedText(kind.title_column))
            rank = Case(When(in_title, then=Value(2.0)), default=Value(1.0))
    return rows.annotate(
        result_kind=Value(kind.key, output_field=CharField()),
        result_id=F("pk"),
        result_group=Cast(kind.group, IntegerField()),
        result_date=Cast(kind.date, DateTimeField()),
        result_rank=Cast(rank, FloatField()),
    ).values("result_kind", "result_id", "result_group", "result_date", "result_rank")


class SearchResults:
    """What a search found: counted per kind, and read a page at a time by slicing
    (``portal.paging.page_of`` does), each page's rows read in full only then."""

    def __init__(self, user, text: str, kinds: list[str] | None = None, group=None):
        self.user = user
        self.words = words_of(text)
        self.kinds = [KINDS_BY_KEY[k] for k in kinds if k in KINDS_BY_KEY] if kinds else []
        self.kinds = self.kinds or KINDS
        self.group = group
        self._counts: dict[str, int] | None = None

    def _union(self, kinds: list[Kind]):
        parts = [_matches(kind, self.user, self.words, self.group) for kind in kinds]
        return parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]

    @property
    def counts(self) -> dict[str, int]:
        """How many rows of each kind match (whichever kinds are chosen), in one query."""
        if self._counts is None:
            self._counts = dict.fromkeys(KINDS_BY_KEY, 0)
            if self.words:
                sql, params = self._union(KINDS).query.sql_with_params()
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT found.result_kind, COUNT(*) FROM "
                        f"({sql}) AS found GROUP BY found.result_kind",
                        params,
                    )
                    self._counts.update(dict(cursor.fetchall()))
        return self._counts

    def count(self) -> int:
        return sum(self.counts[kind.key] for kind in self.kinds)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("Search results are read a page at a time.")
        if not self.words or not self.count():
            return []
        ordered = self._union(self.kinds).order_by(
            F("result_rank").desc(),
            F("result_date").desc(nulls_last=True),
            "result_kind",
            F("result_id").desc(),
        )
        found = list(ordered[index])
        return _hits(found, self.words, permissions.group_access(self.user))


def search(user, text: str, *, kinds: list[str] | None = None, group=None) -> SearchResults:
    """What this person may open that holds the words of ``text`` (of the chosen kinds and
    group, when given), best match first."""
    return SearchResults(user, text, kinds, group)


# --- Each kind as a result ------------------------------------------------------------


def _hits(found: list[dict], words: list[str], access) -> list[Hit]:
    """The found rows read in full (one query per kind shown) and made results."""
    wanted: dict[str, list[int]] = {}
    for row in found:
        wanted.setdefault(row["result_kind"], []).append(row["result_id"])
    objects = {}
    for key, ids in wanted.items():
        kind = KINDS_BY_KEY[key]
        for thing in kind.model.objects.select_related(*kind.related).filter(pk__in=ids):
            objects[key, thing.pk] = thing
    hits = []
    for row in found:
        thing = objects.get((row["result_kind"], row["result_id"]))
        if thing is not None:
            kind = KINDS_BY_KEY[row["result_kind"]]
            hits.append(_SHOWN[kind.key](kind, thing, words, access))
    return hits


def _snippet(words: list[str], *texts: str) -> SafeString | None:
    text = " ".join(t for t in texts if t)
    return highlight(text, words, length=SNIPPET_LENGTH) if text else None


def _day(moment, zone=None) -> str:
    """A date as the lists show it; nothing for one no calendar can show (the year 1 in a
    time zone behind UTC)."""
    if moment is None:
        return ""
    try:
        if isinstance(moment, datetime.datetime):
            moment = moment.astimezone(zone) if zone else moment
        return f"{moment:%-d %b %Y}"
    except (OverflowError, ValueError):
        return ""


def _held_by(meeting: Meeting) -> str:
    return meeting.group.short_name if meeting.group_id else meeting.get_body_display()


def _meeting(kind, meeting: Meeting, words, access) -> Hit:
    return Hit(
        kind,
        meeting,
        highlight(meeting.title, words),
        reverse("meeting_detail", args=[meeting.pk]),
        meeting.location,
        meeting.group,
        _held_by(meeting),
        _day(meeting.starts_at, meeting.zone),
        _snippet(words, meeting.objectives, meeting.venue, meeting.city),
    )


def _agenda_item(kind, item: AgendaItem, words, access) -> Hit:
    meeting = item.meeting
    return Hit(
        kind,
        item,
        highlight(item.title, words),
        reverse("meeting_detail", args=[meeting.pk]) + "#agenda-heading",
        f"Agenda of {meeting.title}",
        meeting.group,
        _held_by(meeting),
        _day(meeting.starts_at, meeting.zone),
        _snippet(words, item.description),
    )


def _outcome(kind, outcome: Outcome, words, access) -> Hit:
    meeting = outcome.meeting
    return Hit(
        kind,
        outcome,
        highlight(f"{outcome.get_kind_display()} ({outcome.number})", words),
        reverse("meeting_detail", args=[meeting.pk]) + "#outcomes-heading",
        f"Outcomes of {meeting.title}",
        meeting.group,
        _held_by(meeting),
        _day(meeting.starts_at, meeting.zone),
        _snippet(words, outcome.text),
    )


def _document(kind, document: Document, words, access) -> Hit:
    meeting = document.meeting
    return Hit(
        kind,
        document,
        highlight(document.title, words),
        reverse("document_detail", args=[meeting.pk, document.pk]),
        f"A paper of {meeting.title}",
        meeting.group,
        _held_by(meeting),
        _day(meeting.starts_at, meeting.zone),
        None,
    )


def _action_url(action: Action) -> str:
    plan = action.plan
    return reverse("action_detail", args=[plan.group.slug, plan.slug, action.number])


def _action(kind, action: Action, words, access) -> Hit:
    plan = action.plan
    return Hit(
        kind,
        action,
        highlight(f"Action {action.number}", words),
        _action_url(action),
        f"{plan.title} ({plan.period})",
        plan.group,
        plan.group.short_name,
        action.target_period,
        _snippet(words, action.description, action.status_note),
    )


def _progress_update(kind, update: ProgressUpdate, words, access) -> Hit:
    action = update.action
    plan = action.plan
    return Hit(
        kind,
        update,
        highlight(f"Progress update on action {action.number}", words),
        _action_url(action) + "#updates-heading",
        f"{plan.title} ({plan.period})",
        plan.group,
        plan.group.short_name,
        _day(update.reported_on),
        _snippet(words, update.text),
    )


def _report(kind, report: Report, words, access) -> Hit:
    return Hit(
        kind,
        report,
        highlight(report.title, words),
        reverse("report_detail", kwargs=report.url_kwargs()),
        report.get_status_display(),
        report.group,
        report.group.short_name,
        str(report.year),
        _snippet(words, *(plain_text(getattr(report, name)) for name in NARRATIVE_FIELDS)),
    )


def _statement_url(statement: PublicStatement, access) -> str:
    """The statement's page in the portal for those who see its group; its public page for
    the others, who find it only once published."""
    kwargs = {"slug": statement.group.slug, "statement_id": statement.pk}
    if access.sees(statement.group_id):
        return reverse("statement_detail", kwargs=kwargs)
    return reverse("statement_public", kwargs=kwargs)


def _statement(kind, statement: PublicStatement, words, access) -> Hit:
    return Hit(
        kind,
        statement,
        highlight(statement.title, words),
        _statement_url(statement, access),
        statement.get_status_display(),
        statement.group,
        statement.group.short_name,
        _day(statement.published_at or statement.created_at),
        _snippet(words, plain_text(statement.text)),
    )


_SHOWN = {
    "meeting": _meeting,
    "agenda_item": _agenda_item,
    "outcome": _outcome,
    "document": _document,
    "action": _action,
    "progress_update": _progress_update,
    "report": _report,
    "statement": _statement,
}
