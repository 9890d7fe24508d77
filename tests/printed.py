"""Reading printed documents back in tests: the last line of each page's content area
and the headings of the HTML a PDF was made from, to tell a heading left alone at the foot
of a page."""

import io
from html.parser import HTMLParser

import pypdf

MM = 72 / 25.4
# The page's margins (static/css/print-base.css): the running title above, the running
# footer and "Page X of Y" below are not the page's content.
TOP_MARGIN, BOTTOM_MARGIN = 22 * MM, 20 * MM


def _lines(page) -> list[tuple[float, str]]:
    """The page's lines of text inside its content area, as (height from the foot, text)."""
    pieces: dict[int, list[tuple[float, str]]] = {}
    top = float(page.mediabox.top) - TOP_MARGIN

    def visit(text, cm, tm, font_dict, font_size):
        # Text drawn inside a form (an SVG chart) comes without the form's matrix, at no
        # true position: left out; WeasyPrint scales every page's own content.
        if not text.strip() or tuple(cm) == (1, 0, 0, 1, 0, 0):
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if BOTTOM_MARGIN < y < top:
            pieces.setdefault(round(y), []).append((x, text))

    page.extract_text(visitor_text=visit)
    lines = []
    for y, parts in pieces.items():
        text = " ".join(" ".join(t for _, t in sorted(parts)).split())
        lines.append((y, text))
    return sorted(lines, reverse=True)


def last_lines(pdf_bytes: bytes) -> list[str]:
    """Per page, the last line of text inside the page's content area ("" for none)."""
    reader = pypdf.PdfReader(io.BytesIO(pdf_bytes))
    return [(lines[-1][1] if (lines := _lines(page)) else "") for page in reader.pages]


def page_lines(pdf_bytes: bytes) -> list[list[str]]:
    """Per page, its lines of text inside the content area, from the top."""
    reader = pypdf.PdfReader(io.BytesIO(pdf_bytes))
    return [[text for _, text in _lines(page)] for page in reader.pages]


class _Headings(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found, self.depth, self.text = [], 0, []

    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "h2", "h3", "h4"):
            self.depth += 1
            self.text = []

    def handle_endtag(self, tag):
        if tag in ("h1", "h2", "h3", "h4") and self.depth:
            self.depth -= 1
            self.found.append(" ".join("".join(self.text).split()))

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)


def headings(html: str) -> list[str]:
    """The texts of the h1–h4 headings of the HTML, in order."""
    parser = _Headings()
    parser.feed(html)
    return [text for text in parser.found if text]


def is_heading(line: str, heading_texts: list[str]) -> bool:
    """Whether a printed line is a heading, or the last line of one that wraps."""
    return bool(line) and any(line == text or text.endswith(" " + line) for text in heading_texts)


def pages_ending_with_a_heading(pdf_bytes: bytes, html: str) -> list[tuple[int, str]]:
    """The pages (numbered from 1) whose last line is a heading, with that line."""
    texts = headings(html)
    return [
        (number, line)
        for number, line in enumerate(last_lines(pdf_bytes), start=1)
        if is_heading(line, texts)
    ]
