"""Atom feeds of the published public statements: one per group, and one of every group.

Only what ``portal.permissions.public_statements`` allows is ever in a feed; a draft, a
statement waiting for the co-chairs or one sent back never is.
"""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from portal import permissions
from reports import selectors
from reports.narrative import render_markdown

# The most recent statements a feed carries; older ones stay on the public page.
FEED_LENGTH = 50
AUTHOR = "Regional Support Office of the Bali Process"


class StatementAtomFeed(Atom1Feed):
    """Atom, each statement's whole text as the entry's content (Django's Atom feed gives
    only a summary): a reader shows the statement without opening the page."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        handler.addQuickElement("content", item["description"], {"type": "html"})


class StatementsFeed(Feed):
    """The statements of every group with a public page, latest first."""

    feed_type = StatementAtomFeed
    title = "Public statements of the Bali Process working groups"
    subtitle = "Statements the working groups published, approved by their co-chairs."
    author_name = AUTHOR

    def link(self):
        return reverse("statements_feed")

    def items(self):
        return selectors.published_statements()[:FEED_LENGTH]

    def item_title(self, statement):
        return f"{statement.group.short_name}: {statement.title}"

    def item_description(self, statement):
        return render_markdown(statement.text)

    def item_link(self, statement):
        return reverse("statement_public", args=[statement.group.slug, statement.pk])

    def item_pubdate(self, statement):
        return statement.published_at

    def item_updateddate(self, statement):
        # A published statement never changes: it was last updated when published.
        return statement.published_at

    def item_author_name(self, statement):
        return f"{statement.group.name} ({statement.group.short_name})"

    def item_categories(self, statement):
        return [statement.group.short_name]


class GroupStatementsFeed(StatementsFeed):
    """The statements of one group, latest first."""

    def get_object(self, request, slug):
        return permissions.get_public_group(slug)

    def title(self, group):
        return f"Public statements of the {group.name} ({group.short_name})"

    def subtitle(self, group):
        return f"Statements {group.short_name} published, approved by its co-chairs."

    def link(self, group):
        return reverse("group_public", args=[group.slug])

    def feed_url(self, group):
        return reverse("group_statements_feed", args=[group.slug])

    def items(self, group):
        return selectors.published_statements(group)[:FEED_LENGTH]

    def item_title(self, statement):
        return statement.title
