from django.urls import path

from groups import views

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
    path("members/", views.member_list, name="member_list"),
    path("members/<slug:slug>/", views.member_detail, name="member_detail"),
]
