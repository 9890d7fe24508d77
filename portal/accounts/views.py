from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from groups.selectors import current_participations
from portal import permissions
from portal.accounts.forms import TimeZoneForm


@login_required
def profile(request):
    participations = (
        current_participations()
        .filter(person=request.user, group__in=permissions.visible_groups(request.user))
        .select_related("group", "member")
        .order_by("group__short_name")
    )
    form = TimeZoneForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Meeting times are now also shown in {form.instance.time_zone}.")
        return redirect("profile")
    context = {"participations": participations, "form": form}
    return render(request, "accounts/profile.html", context)
