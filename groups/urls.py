from django.urls import path

from groups import views

urlpatterns = [
    path("groups/", views.group_list, name="group_list"),
    path("groups/<slug:slug>/", views.group_detail, name="group_detail"),
    path(
        "groups/<slug:slug>/terms-of-reference/v<int:version>/",
        views.terms_of_reference_detail,
        name="terms_of_reference_detail",
    ),
    path("members/", views.member_list, name="member_list"),
    path("members/<slug:slug>/", views.member_detail, name="member_detail"),
]
