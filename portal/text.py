"""Text that must stay on one line: titles, names, e-mail subjects."""

import re

# Line breaks and the other control characters (C0, DEL, C1, and the Unicode line and
# paragraph separators): in an e-mail header they end the header (Django then refuses to
# send), and in a title they have no meaning.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def single_line(text: str) -> str:
    """The text with line breaks and control characters replaced by one space each run."""
    return _CONTROL.sub(" ", text)
