import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST

from groups.selectors import current_participations
from portal import permissions
from portal.accounts import services, tasks, two_factor
from portal.accounts.forms import SecondFactorCodeForm, TimeZoneForm
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
    context = {
        "participations": participations,
        "form": form,
        "uses_second_factor": services.uses_second_factor(request.user),
        "must_use_second_factor": permissions.must_use_second_factor(request.user),
        "recovery_codes_left": services.recovery_codes_left(request.user),
    }
    return render(request, "accounts/profile.html", context)


class PasswordResetRequestView(auth_views.PasswordResetView):
    """Hands the address to the worker and answers at once: the same page, in the same
    time, whether an account uses the address or not (the worker looks it up)."""

    form_class = PasswordResetForm

    def form_valid(self, form):
        portal_url = settings.PORTAL_URL or self.request.build_absolute_uri("/").rstrip("/")
        tasks.password_reset_queue(form.cleaned_data["email"], portal_url=portal_url)
        return redirect(self.get_success_url())


def _next_url(request) -> str:
    """Where to go once the second factor is passed: the page asked for, if it is ours."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return resolve_url("home")


def _second_factor_passed(request, device) -> None:
    # A new session key for the stronger session, as at any sign-in.
    request.session.cycle_key()
    django_otp.login(request, device)


@login_required
def two_factor_setup(request):
    if services.uses_second_factor(request.user) and not request.user.is_verified():
        return redirect(
            f"{resolve_url('two_factor_verify')}?{urlencode({'next': _next_url(request)})}"
        )
    device = services.second_factor_start(request.user)
    form = SecondFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.second_factor_confirm(request.user, device, form.cleaned_data["code"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _second_factor_passed(request, device)
            context = {"codes": codes, "next": _next_url(request), "first_time": True}
            return render(request, "accounts/recovery_codes.html", context)
    context = {
        "form": form,
        "next": _next_url(request),
        "qr_code": two_factor.qr_code_svg(device),
        "secret_groups": two_factor.secret_groups(device),
        "required": permissions.must_use_second_factor(request.user),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@login_required
def two_factor_verify(request):
    if request.user.is_verified():
        return redirect(_next_url(request))
    if not services.uses_second_factor(request.user):
        return redirect("two_factor_setup")
    form = SecondFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.second_factor_pass(request.user, form.cleaned_data["code"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _second_factor_passed(request, device)
            return redirect(_next_url(request))
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)}
    )


@login_required
@require_POST
def recovery_codes_new(request):
    try:
        codes = services.recovery_codes_renew(request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("profile")
    return render(
        request, "accounts/recovery_codes.html", {"codes": codes, "next": resolve_url("profile")}
    )


@login_required
@require_POST
def two_factor_off(request):
    try:
        services.second_factor_remove(request.user, keep=request.session)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Signing in no longer asks for a code from your app.")
    return redirect("profile")


class SignOutView(auth_views.LogoutView):
    """Django's sign-out, which also ends the person's sessions in other browsers."""

    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            services.sessions_end_all(request.user)
        return super().post(request, *args, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, which keeps this session and ends the person's others."""

    def form_valid(self, form):
        response = super().form_valid(form)
        services.sessions_end_all(self.request.user, keep=self.request.session)
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's new password from a reset link, which ends every session of the person."""

    def form_valid(self, form):
        response = super().form_valid(form)
        services.sessions_end_all(self.user)
        return response
