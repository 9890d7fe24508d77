from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from groups import selectors
from meetings import selectors as meeting_selectors
from portal import permissions
from reports import selectors as report_selectors


@login_required
def home(request):
    user = request.user
    groups = list(selectors.with_current_co_chairs(permissions.visible_groups(user)))
    context = {
        "groups": groups,
        "upcoming": meeting_selectors.upcoming_meetings(user),
        "reports_waiting": report_selectors.reports_waiting(user),
        "alerts": selectors.secretariat_alerts() if permissions.is_secretariat(user) else [],
    }
    return render(request, "portal/home.html", context)


def healthz(request):
    """Liveness probe for the load balancer and docker compose: no login, no database."""
    return HttpResponse("ok", content_type="text/plain")
