from django.urls import path

from meetings.views import meetings

urlpatterns = [
    path("meetings/", meetings.meeting_list, name="meeting_list"),
    path("meetings/<int:meeting_id>/", meetings.meeting_detail, name="meeting_detail"),
    # -- planning, invitations, attendance and outcomes
    # -- agenda
    # -- papers and documents
    # -- calendar and printable agenda
]
