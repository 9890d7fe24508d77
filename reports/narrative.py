"""The narrative parts of a report: Markdown written by the secretariat, made safe to show.

Whatever the parser produces, raw HTML of the Markdown included, is
cleaned to a short list of formatting tags: no image, style, script, frame or event handler
survives, so nothing from a narrative can run script or load anything.
"""

import html

import nh3
from django.utils.html import strip_tags
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p",
    "br",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "h3",
    "h4",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
URL_SCHEMES = {"https", "mailto"}

# Raw HTML passes the parser and is then removed by the cleaner, tag by tag.
_parser = MarkdownIt("commonmark", {"html": True}).enable("table")


def render_markdown(text: str) -> str:
    """Markdown to HTML with only harmless formatting tags; links only to https and mailto."""
    tokens = _parser.parse(text or "")
    for token in tokens:
        # A narrative sits under the report's own headings: its headings start at level 3.
        if token.type in ("heading_open", "heading_close"):
            token.tag = "h3" if token.tag in ("h1", "h2", "h3") else "h4"
    html = _parser.renderer.render(tokens, _parser.options, {})
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener",
        url_relative="deny",
    ).strip()


def plain_text(text: str) -> str:
    """The words of a Markdown text without its markup, as a search result quotes them."""
    return html.unescape(strip_tags(render_markdown(text)))
