"""Fakes for the report's content and renderer, so that approval and job tests do not
depend on the real assembly and PDF; the real ones are tested on their own."""

import hashlib
import importlib.util
import json
import sys
import types

import pytest
from django.urls import NoReverseMatch, include, path, reverse

import reports


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

    def report_html(self, report, content):
        heading = f"{content['group']} {content['year']}"
        return f"<!doctype html><h1>{heading}</h1><p>{content['summary']}</p>"

    def report_pdf(self, report, content):
        if self.fail_with:
            raise self.fail_with
        self.renderings += 1
        return b"%PDF-1.7\n% " + json.dumps(content, sort_keys=True).encode() + b"\n%%EOF\n"


def _patch(monkeypatch, name, functions):
    full = f"reports.{name}"
    if importlib.util.find_spec(full) is not None:
        module = importlib.import_module(full)
    else:  # not written yet: stand a module in for it
        module = types.ModuleType(full)
        monkeypatch.setitem(sys.modules, full, module)
        monkeypatch.setattr(reports, name, module, raising=False)
    for attribute, function in functions.items():
        monkeypatch.setattr(module, attribute, function, raising=False)


@pytest.fixture(autouse=True)
def rendering(monkeypatch):
    fake = FakeRendering()
    _patch(
        monkeypatch,
        "assembly",
        {"report_content": fake.report_content, "content_hash": fake.content_hash},
    )
    _patch(monkeypatch, "pdf", {"report_html": fake.report_html, "report_pdf": fake.report_pdf})
    return fake


@pytest.fixture(autouse=True)
def report_urls(settings):
    """The report pages, also before the portal's URLs include them."""
    try:
        reverse("report_list", args=["any"])
    except NoReverseMatch:
        module = types.ModuleType("tests_reports_urlconf")
        module.urlpatterns = [path("", include("portal.urls")), path("", include("reports.urls"))]
        sys.modules[module.__name__] = module
        settings.ROOT_URLCONF = module.__name__
