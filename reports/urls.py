from django.urls import path, register_converter

from reports import feeds, views, views_brief, views_statements


class KindConverter:
    """A report's kind in its address: lower-case words, never anything a query would choke
    on (the view answers 404 for a kind that does not exist)."""

    regex = "[a-z_]{1,20}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class YearConverter:
    """A report's year: at most four digits, so no overlong number reaches a query."""

    regex = "[0-9]{1,4}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(KindConverter, "report_kind")
register_converter(YearConverter, "report_year")

# A report's pages, under two addresses that share their names: a group's annual report
# or brief by kind and year, and a meeting's outcome record by its meeting.
PAGES = [
    ("", views.report_detail, "report_detail"),
    ("edit/", views.report_edit, "report_edit"),
    ("submit/", views.report_submit, "report_submit"),
    ("decide/", views.report_decide, "report_decide"),
    ("mark/", views.report_mark, "report_mark"),
    ("render/", views.report_render, "report_render"),
    ("job/", views.report_job_status, "report_job_status"),
    ("jobs/<int:job_id>/retry/", views.report_job_retry, "report_job_retry"),
    ("jobs/<int:job_id>/pdf/", views.report_job_pdf, "report_job_pdf"),
    ("pdf/", views.report_pdf, "report_pdf"),
    ("new-version/", views.report_new_version, "report_new_version"),
]
# The oral-update brief's own pages, under its address only.
BRIEF_PAGES = [
    ("speaking-points/", views_brief.brief_points, "brief_points"),
    ("speaking-points/redraft/", views_brief.brief_points_redraft, "brief_points_redraft"),
]
REPORT = "groups/<slug:slug>/reports/<report_kind:kind>/<report_year:year>/"
OUTCOME_RECORD = "meetings/<int:meeting_id>/outcome-record/"
STATEMENT = "groups/<slug:slug>/statements/<int:statement_id>/"

urlpatterns = [
    path("groups/<slug:slug>/reports/", views.report_list, name="report_list"),
    path("groups/<slug:slug>/reports/new/", views.report_start, name="report_start"),
    path(
        "meetings/<int:meeting_id>/outcome-record/new/",
        views.outcome_record_start,
        name="outcome_record_start",
    ),
    *[path(REPORT + suffix, view, name=name) for suffix, view, name in PAGES],
    *[path(REPORT + suffix, view, name=name) for suffix, view, name in BRIEF_PAGES],
    *[path(OUTCOME_RECORD + suffix, view, name=name) for suffix, view, name in PAGES],
    # A group's public statements: drafted and approved here, read by anyone once published.
    path(
        "groups/<slug:slug>/statements/new/",
        views_statements.statement_create,
        name="statement_create",
    ),
    *[
        path(STATEMENT + suffix, view, name=name)
        for suffix, view, name in [
            ("", views_statements.statement_detail, "statement_detail"),
            ("edit/", views_statements.statement_edit, "statement_edit"),
            ("submit/", views_statements.statement_submit, "statement_submit"),
            ("decide/", views_statements.statement_decide, "statement_decide"),
        ]
    ],
    path(
        "public/groups/<slug:slug>/statements/<int:statement_id>/",
        views_statements.statement_public,
        name="statement_public",
    ),
    path(
        "public/groups/<slug:slug>/statements.atom",
        feeds.GroupStatementsFeed(),
        name="group_statements_feed",
    ),
    path("public/statements.atom", feeds.StatementsFeed(), name="statements_feed"),
]
