from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from portal import paging, permissions
from portal.search.forms import SearchForm
from portal.search.selectors import KINDS, search

# Results with snippets are longer than a list's rows: fewer to a page.
PER_PAGE = 20


@login_required
def search_page(request):
    form = SearchForm(request.GET or None, groups=permissions.visible_groups(request.user))
    found = listing = None
    if form.is_bound and form.is_valid() and form.cleaned_data["q"].strip():
        data = form.cleaned_data
        found = search(request.user, data["q"], kinds=data["kind"], group=data["group"])
        if found.words:
            listing = paging.page_of(request, found, per_page=PER_PAGE)
    return render(
        request,
        "search/search_page.html",
        {
            "form": form,
            "found": found,
            "listing": listing,
            "hits": listing.rows if listing else [],
            "kinds": [(kind, found.counts[kind.key]) for kind in KINDS] if listing else [],
        },
    )
