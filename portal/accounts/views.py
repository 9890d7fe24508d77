from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from groups.selectors import current_participations
from portal import permissions


@login_required
def profile(request):
    participations = (
        current_participations()
        .filter(person=request.user, group__in=permissions.visible_groups(request.user))
        .select_related("group", "member")
        .order_by("group__short_name")
    )
    return render(request, "accounts/profile.html", {"participations": participations})
