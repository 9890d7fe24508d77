from django.urls import path

from meetings.views import agenda, exports, meetings, packs, papers, participants

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
        "meetings/<int:meeting_id>/invitations/group/",
        meetings.invite_group,
        name="invite_group",
    ),
    path(
        "meetings/<int:meeting_id>/invitations/remind/",
        meetings.invitations_remind,
        name="invitations_remind",
    ),
    path(
        "meetings/<int:meeting_id>/attendance/from-answers/",
        meetings.attendance_from_answers,
        name="attendance_from_answers",
    ),
    path(
        "meetings/<int:meeting_id>/invitations/<int:invitation_id>/answer/",
        meetings.invitation_answer,
        name="invitation_answer",
    ),
    path(
        "meetings/<int:meeting_id>/attendance/remove/",
        meetings.attendance_remove,
        name="attendance_remove",
    ),
    path("meetings/<int:meeting_id>/outcomes/", meetings.outcomes, name="meeting_outcomes"),
    path(
        "meetings/<int:meeting_id>/outcomes/<int:outcome_id>/delete/",
        meetings.outcome_delete,
        name="outcome_delete",
    ),
    # -- agenda
    path("meetings/<int:meeting_id>/agenda/", agenda.agenda_edit, name="agenda_edit"),
    path(
        "meetings/<int:meeting_id>/agenda/publish/",
        agenda.agenda_publish,
        name="agenda_publish",
    ),
    path(
        "meetings/<int:meeting_id>/agenda/<int:item_id>/",
        agenda.agenda_item_edit,
        name="agenda_item_edit",
    ),
    path(
        "meetings/<int:meeting_id>/agenda/<int:item_id>/move/",
        agenda.agenda_item_move,
        name="agenda_item_move",
    ),
    path(
        "meetings/<int:meeting_id>/agenda/<int:item_id>/delete/",
        agenda.agenda_item_delete,
        name="agenda_item_delete",
    ),
    path(
        "meetings/<int:meeting_id>/agenda/<int:item_id>/speakers/<int:speaker_id>/remove/",
        agenda.speaker_remove,
        name="speaker_remove",
    ),
    # -- papers and documents
    path(
        "meetings/<int:meeting_id>/documents/new/",
        papers.document_create,
        name="document_create",
    ),
    path(
        "meetings/<int:meeting_id>/documents/<int:document_id>/",
        papers.document_detail,
        name="document_detail",
    ),
    path(
        "meetings/<int:meeting_id>/documents/<int:document_id>/versions/new/",
        papers.version_create,
        name="document_version_create",
    ),
    path(
        "meetings/<int:meeting_id>/documents/<int:document_id>/v<int:number>/",
        papers.document_download,
        name="document_download",
    ),
    # -- the meeting pack: one reader's PDF of the agenda and the papers they may read
    path("meetings/<int:meeting_id>/pack/", packs.pack_request, name="meeting_pack_request"),
    path("meetings/<int:meeting_id>/pack/<int:pack_id>/", packs.pack_detail, name="meeting_pack"),
    path(
        "meetings/<int:meeting_id>/pack/<int:pack_id>/download/",
        packs.pack_download,
        name="meeting_pack_pdf",
    ),
    # -- calendar and printable agenda
    path(
        "meetings/<int:meeting_id>/calendar.ics",
        exports.meeting_calendar,
        name="meeting_calendar",
    ),
    path("meetings/<int:meeting_id>/agenda.pdf", exports.agenda_pdf, name="agenda_pdf"),
    # -- the list of participants: internal (names the delegates) and public (members only)
    path(
        "meetings/<int:meeting_id>/participants/",
        participants.participants_list,
        name="participants_list",
    ),
    path(
        "meetings/<int:meeting_id>/participants.csv",
        participants.participants_list_csv,
        name="participants_list_csv",
    ),
    path(
        "meetings/<int:meeting_id>/participants.pdf",
        participants.participants_list_pdf,
        name="participants_list_pdf",
    ),
    path(
        "meetings/<int:meeting_id>/participants/public/",
        participants.participants_public,
        name="participants_public",
    ),
    path(
        "meetings/<int:meeting_id>/participants-public.csv",
        participants.participants_public_csv,
        name="participants_public_csv",
    ),
    path(
        "meetings/<int:meeting_id>/participants-public.pdf",
        participants.participants_public_pdf,
        name="participants_public_pdf",
    ),
    path("calendar/", exports.calendar_page, name="calendar"),
    path("calendar/<str:feed_token>.ics", exports.calendar_feed, name="calendar_feed"),
]
