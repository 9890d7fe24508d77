"""Text that must stay on one line: titles, names, e-mail subjects."""

import re

# Line breaks and the other control characters (C0, DEL, C1, and the Unicode line and
# paragraph separators): in an e-mail header they end the header (Django then refuses to
# send), and in a title they have no meaning.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def single_line(text: str) -> str:
    """The text with line breaks and control characters replaced by one space each run."""
    return _CONTROL.sub(" ", text)


# The longest texts the portal takes, in characters. Every form (the back office's too)
# refuses a longer one with a message, so no page or printed document is ever asked to lay
# out more than these. A Terms of Reference, a report's section, a statement, a text put
# under silence: some 8,000 words, twenty printed pages (the longest seed is 12,694).
LONG_TEXT_MAX_LENGTH = 50_000
# A description, an objective, a purpose, a background, an outcome, a progress update.
TEXT_MAX_LENGTH = 10_000
# A comment, a reason, a note with a decision.
COMMENT_MAX_LENGTH = 2_000
