from django.urls import path

from groups import views, views_silence

urlpatterns = [
    path("groups/", views.group_list, name="group_list"),
    path("groups/<slug:slug>/", views.group_detail, name="group_detail"),
    path("public/groups/<slug:slug>/", views.group_public, name="group_public"),
    path(
        "groups/<slug:slug>/terms-of-reference/v<int:version>/",
        views.terms_of_reference_detail,
        name="terms_of_reference_detail",
    ),
    path("groups/<slug:slug>/roster/", views.roster_detail, name="roster"),
    path("groups/<slug:slug>/roster/terms/new/", views.term_edit, name="term_create"),
    path("groups/<slug:slug>/roster/terms/<int:term_id>/", views.term_edit, name="term_edit"),
    path(
        "groups/<slug:slug>/roster/nominations/new/",
        views.nomination_create,
        name="nomination_create",
    ),
    path(
        "groups/<slug:slug>/roster/nominations/<int:nomination_id>/decide/",
        views.nomination_decide,
        name="nomination_decide",
    ),
    path(
        "groups/<slug:slug>/roster/nominations/<int:nomination_id>/close/",
        views.nomination_close,
        name="nomination_close",
    ),
    path(
        "groups/<slug:slug>/silence/new/",
        views_silence.silence_procedure_create,
        name="silence_procedure_create",
    ),
    path(
        "groups/<slug:slug>/silence/<int:procedure_id>/",
        views_silence.silence_procedure_detail,
        name="silence_procedure_detail",
    ),
    path(
        "groups/<slug:slug>/silence/<int:procedure_id>/break/",
        views_silence.silence_break,
        name="silence_break",
    ),
    path(
        "groups/<slug:slug>/silence/<int:procedure_id>/withdraw/",
        views_silence.silence_procedure_withdraw,
        name="silence_procedure_withdraw",
    ),
    path("members/", views.member_list, name="member_list"),
    path("members/<slug:slug>/", views.member_detail, name="member_detail"),
]
