from django.urls import path

from reports import views

report = "groups/<slug:slug>/reports/<str:kind>/<int:year>/"

urlpatterns = [
    path("groups/<slug:slug>/reports/", views.report_list, name="report_list"),
    path("groups/<slug:slug>/reports/new/", views.report_start, name="report_start"),
    path(report, views.report_detail, name="report_detail"),
    path(report + "edit/", views.report_edit, name="report_edit"),
    path(report + "submit/", views.report_submit, name="report_submit"),
    path(report + "decide/", views.report_decide, name="report_decide"),
    path(report + "mark/", views.report_mark, name="report_mark"),
    path(report + "render/", views.report_render, name="report_render"),
    path(report + "job/", views.report_job_status, name="report_job_status"),
    path(report + "jobs/<int:job_id>/retry/", views.report_job_retry, name="report_job_retry"),
    path(report + "jobs/<int:job_id>/pdf/", views.report_job_pdf, name="report_job_pdf"),
    path(report + "pdf/", views.report_pdf, name="report_pdf"),
]
