from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from groups.selectors import current_participations
from portal import permissions
from portal.accounts import services
from portal.accounts.forms import TimeZoneForm
from portal.accounts.models import User
from portal.forms import add_service_errors


@login_required
def profile(request):
    participations = (
        current_participations()
        .filter(person=request.user, group__in=permissions.visible_groups(request.user))
        .select_related("group", "member")
        .order_by("group__short_name")
    )
    form = TimeZoneForm(request.POST or None, instance=User.objects.get(pk=request.user.pk))
    if request.method == "POST" and form.is_valid():
        zone = form.cleaned_data["time_zone"]
        try:
            services.time_zone_set(request.user, zone, version=form.version)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Meeting times are now also shown in {zone}.")
            return redirect("profile")
    context = {"participations": participations, "form": form}
    return render(request, "accounts/profile.html", context)
