"""Fakes for the report's content and renderer, so that approval and job tests do not
depend on the real assembly and PDF; the real ones are tested on their own."""

import hashlib
import json

import pytest
from django.utils.html import format_html

from reports import assembly, pdf


class FakeRendering:
    """Content from the narrative plus a piece of portal data tests can change."""

    def __init__(self):
        self.data = "two meetings held"
        self.fail_with = None  # an exception the next renderings raise
        self.renderings = 0

    def report_content(self, report):
        return {
            "group": report.group.short_name,
            "kind": report.kind,
            "year": report.year,
            "summary": report.summary,
            "issues_for_direction": report.issues_for_direction,
            "data": self.data,
        }

    def content_hash(self, content):
        canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    def report_html(self, report, content, **options):
        # Safe HTML with the text escaped, as the real template renders it.
        heading = f"{content['group']} {content['year']}"
        return format_html("<!doctype html><h1>{}</h1><p>{}</p>", heading, content["summary"])

    def report_pdf(self, report, content):
        return self.report_printed(self.printed_context(report, content), content)

    def printed_context(self, report, content, **options):
        # Read in the worker before the printing child starts: counted and failed here.
        if self.fail_with:
            raise self.fail_with
        self.renderings += 1
        return {}

    def report_printed(self, context, content):
        return b"%PDF-1.7\n% " + json.dumps(content, sort_keys=True).encode() + b"\n%%EOF\n"


@pytest.fixture(autouse=True)
def rendering(monkeypatch):
    fake = FakeRendering()
    monkeypatch.setattr(assembly, "report_content", fake.report_content)
    monkeypatch.setattr(assembly, "content_hash", fake.content_hash)
    monkeypatch.setattr(pdf, "report_html", fake.report_html)
    monkeypatch.setattr(pdf, "report_pdf", fake.report_pdf)
    monkeypatch.setattr(pdf, "printed_context", fake.printed_context)
    monkeypatch.setattr(pdf, "report_printed", fake.report_printed)
    return fake
