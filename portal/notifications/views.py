from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from portal import paging, permissions
from portal.notifications import selectors, services
from portal.notifications.forms import PreferencesForm


@login_required
@require_safe
def notification_list(request):
    listing = paging.page_of(request, selectors.notifications_of(request.user))
    return render(request, "notifications/notification_list.html", {"listing": listing})


@login_required
@require_safe
def notification_open(request, notification_id: int):
    notification = permissions.get_notification_for_user(request.user, notification_id)
    services.notification_read(notification)
    # The link is a path of the portal, written by the services: never another site.
    return redirect(notification.link or "notification_list")


@login_required
@require_POST
def notifications_read_all(request):
    count = services.notifications_read_all(request.user)
    if count:
        messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked read.")
    return redirect("notification_list")


@login_required
def notification_preferences(request):
    current = services.preferences_of(request.user)
    form = PreferencesForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        services.preferences_save(request.user, form.by_email())
        messages.success(request, "Your choices of how you are told are saved.")
        return redirect("notification_preferences")
    return render(request, "notifications/preferences.html", {"form": form})
