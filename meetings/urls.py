from django.urls import path

from meetings.views import meetings

urlpatterns = [
    path("meetings/", meetings.meeting_list, name="meeting_list"),
    path("meetings/<int:meeting_id>/", meetings.meeting_detail, name="meeting_detail"),
    # -- planning, invitations, attendance and outcomes
    path("meetings/new/", meetings.meeting_edit, name="meeting_create"),
    path("meetings/<int:meeting_id>/edit/", meetings.meeting_edit, name="meeting_edit"),
    path(
        "meetings/<int:meeting_id>/invitations/",
        meetings.invitations,
        name="meeting_invitations",
    ),
    path(
        "meetings/<int:meeting_id>/invitations/<int:invitation_id>/answer/",
        meetings.invitation_answer,
        name="invitation_answer",
    ),
    path("meetings/<int:meeting_id>/outcomes/", meetings.outcomes, name="meeting_outcomes"),
    path(
        "meetings/<int:meeting_id>/outcomes/<int:outcome_id>/delete/",
        meetings.outcome_delete,
        name="outcome_delete",
    ),
    # -- agenda
    # -- papers and documents
    # -- calendar and printable agenda
]
