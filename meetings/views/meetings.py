from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from meetings import selectors
from meetings.filters import MeetingFilter
from portal import permissions


@login_required
def meeting_list(request):
    meetings = (
        permissions.visible_meetings(request.user).select_related("group").order_by("-starts_at")
    )
    finder = MeetingFilter(
        request.GET or None, queryset=meetings, groups=permissions.visible_groups(request.user)
    )
    return render(
        request,
        "meetings/meeting_list.html",
        {"filter": finder, "meetings": finder.qs if finder.is_bound else meetings},
    )


@login_required
def meeting_detail(request, meeting_id):
    meeting = permissions.get_meeting_for_user(request.user, meeting_id)
    context = {
        "page": selectors.meeting_page(request.user, meeting),
        "can_change": permissions.can_change_meeting(request.user, meeting),
    }
    return render(request, "meetings/meeting_detail.html", context)
