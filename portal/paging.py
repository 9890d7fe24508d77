"""Long lists a page at a time, with the filters of the list kept from page to page."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator

# A screenful of rows on every list, unless the list says otherwise.
PER_PAGE = 25
# Longer page numbers are not read (nobody pages that far; reading them costs time).
MAX_DIGITS = 9


@dataclass
class ListPage:
    """One page of a list: its rows, where it stands in the whole list, and the address of
    every other page (the list's filters kept, only the page number changed)."""

    page: Page
    # The list's query string without its page number, e.g. "status=ongoing&group=3".
    query: str

    @property
    def rows(self):
        return self.page.object_list

    @property
    def count(self) -> int:
        """How many rows the whole list has, on every page."""
        return self.page.paginator.count

    @property
    def first(self) -> int:
        """The position of the page's first row in the whole list (0 when it is empty)."""
        return self.page.start_index()

    @property
    def last(self) -> int:
        return self.page.end_index()

    @property
    def is_paged(self) -> bool:
        """Whether the list needs more than one page (and so a pager)."""
        return self.page.paginator.num_pages > 1

    def link(self, number: int) -> str:
        """The query string of page `number` of the same list."""
        return "?" + "&".join(part for part in [self.query, f"page={number}"] if part)

    @property
    def previous_link(self) -> str | None:
        return self.link(self.page.previous_page_number()) if self.page.has_previous() else None

    @property
    def next_link(self) -> str | None:
        return self.link(self.page.next_page_number()) if self.page.has_next() else None

    @property
    def first_link(self) -> str:
        return self.link(1)

    @property
    def last_link(self) -> str:
        return self.link(self.page.paginator.num_pages)


def page_of(request, items, per_page: int = PER_PAGE) -> ListPage:
    """The page of `items` (an ordered queryset or a list) the request asks for.

    A page number that is not a number (``abc``, a NUL, a number too long to read) gives
    the first page, and one past either end the last page: an old bookmark on a list that
    has since grown shorter still opens the list.
    """
    paginator = Paginator(items, per_page)
    number = request.GET.get("page", "")
    try:
        wanted = int(number) if number.isascii() and len(number) <= MAX_DIGITS else 1
    except ValueError:
        wanted = 1
    # get_page answers the last page for 0 and below; the first is what was meant.
    page = paginator.get_page(max(wanted, 1))
    query = request.GET.copy()
    query.pop("page", None)
    return ListPage(page=page, query=query.urlencode())
