"""The meeting page lists, beside each outcome, the actions it led to."""

from django import template

from workplans import selectors

register = template.Library()


@register.simple_tag
def outcomes_with_actions(outcomes, user) -> list[tuple]:
    """(outcome, links) pairs: the actions each outcome was made into or recorded on, of the
    plans the person may see; a fixed number of queries for any number of outcomes."""
    links = selectors.outcome_links(user, outcomes)
    return [(outcome, links.get(outcome.pk, [])) for outcome in outcomes]
