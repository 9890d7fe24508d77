"""The public statements panel of a group's page, which the group's own view leaves to
the statements' selectors."""

from django import template

from portal import permissions
from reports import selectors

register = template.Library()


@register.inclusion_tag("reports/statement_panel.html", takes_context=True)
def statements_panel(context, group):
    """``{% statements_panel group %}``: the group's statements this person may open."""
    user = context["request"].user
    return {
        "group": group,
        "statements": selectors.group_statements(user, group),
        "can_draft": permissions.can_change_group(user, group),
    }
