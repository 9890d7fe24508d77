"""A search result's words marked where they occur, whatever their accents, in text that
is escaped before anything is marked: nothing typed or stored ever reaches the page as
HTML."""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from portal.search.text import fold_with_origins

# How much of a long text a result shows around its first match, in characters.
SNIPPET_LENGTH = 240
_BEFORE_MATCH = 60


def _spans(folded: str, words: list[str]) -> list[tuple[int, int]]:
    """Where the words occur in the folded text: each from a word's start to its end (the
    last word may be the start of a longer one), or anywhere inside a word when that is
    the only place (SQLite finds words inside others)."""
    found = []
    for word in words:
        escaped = re.escape(word)
        at_start = [m.span() for m in re.finditer(rf"(?<![^\W_]){escaped}[^\W_]*", folded)]
        found += at_start or [m.span() for m in re.finditer(escaped, folded)]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, words: list[str], *, length: int | None = None) -> SafeString:
    """The text (its first ``length`` characters around the first match, when given)
    escaped, with the words marked in ``<mark>``."""
    text = " ".join(text.split())
    folded, origins = fold_with_origins(text)
    spans = [(origins[s], origins[e - 1] + 1) for s, e in _spans(folded, words)]
    begin, finish = 0, len(text)
    if length is not None and len(text) > length:
        first = spans[0][0] if spans else 0
        begin = max(0, first - _BEFORE_MATCH)
        if begin:
            # Start at a word, not inside one.
            space = text.find(" ", begin)
            begin = space + 1 if 0 <= space < first else begin
        finish = min(len(text), begin + length)
    parts, at = ["…" if begin else ""], begin
    for start, end in spans:
        start, end = max(start, begin, at), min(end, finish)
        if start >= end:
            continue
        parts += [escape(text[at:start]), "<mark>", escape(text[start:end]), "</mark>"]
        at = end
    parts += [escape(text[at:finish]), "…" if finish < len(text) else ""]
    return mark_safe("".join(parts))  # every piece of text above is escaped
