from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from groups import selectors
from meetings import selectors as meeting_selectors
from portal import health, permissions
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
    """Readiness for the proxy and monitoring: the database and the broker answer."""
    down = health.problems()
    if down:
        return HttpResponse(f"down: {', '.join(down)}\n", content_type="text/plain", status=503)
    return HttpResponse("ok\n", content_type="text/plain")


def livez(request):
    """Liveness for the container's health check: the process answers, nothing more."""
    return HttpResponse("ok\n", content_type="text/plain")
