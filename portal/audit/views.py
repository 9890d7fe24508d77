from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from portal import paging, permissions
from portal.audit import selectors
from portal.audit.filters import AccessRecordFilter


@login_required
@require_safe
def access_log(request):
    """Who signed in, who was refused, and who downloaded restricted material: for the
    secretariat alone."""
    if not permissions.is_secretariat(request.user):
        raise permissions.Refused("No such page")
    # The page number is the pager's, not a filter: with only it, the list is unfiltered.
    query = request.GET.copy()
    query.pop("page", None)
    records = selectors.access_records()
    finder = AccessRecordFilter(query or None, queryset=records, kinds=selectors.object_kinds())
    if finder.is_bound:
        # A filter typed wrong lists nothing beside its error, rather than everything.
        records = finder.qs if finder.is_valid() else records.none()
    listing = paging.page_of(request, records)
    context = {
        "filter": finder,
        "listing": listing,
        "retention_days": settings.AUDIT_RETENTION_DAYS,
    }
    return render(request, "audit/access_log.html", context)
