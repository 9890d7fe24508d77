from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.accounts import services
from portal.accounts.models import User
from portal.admin import SecretariatAdmin


@admin.register(User)
class PersonAdmin(SecretariatAdmin, UserAdmin):
    """Kept here (a person edits only their own password), with history. Rights come from
    the permissions module, so Django's permission groups and flags are not offered."""

    list_display = ["username", "first_name", "last_name", "affiliation", "is_secretariat"]
    list_filter = ["is_secretariat", "affiliation", "is_active"]
    search_fields = ["username", "first_name", "last_name", "email"]
    actions = ["reset_second_factor"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        ("Sign-in", {"fields": ("is_active", "last_login", "date_joined")}),
        (
            "Secretariat portal",
            {
                "fields": (
                    "is_secretariat",
                    "affiliation",
                    "job_title",
                    "clearance_level",
                    "clearance_expires_on",
                )
            },
        ),
    )

    def has_delete_permission(self, request, obj=None):
        # A person is deactivated (above), never deleted: the history, the approvals and
        # the progress updates name them, and the history cannot be rewritten.
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A person deactivated here is also signed out wherever they are signed in.
        if change and "is_active" in form.changed_data and not obj.is_active:
            services.sessions_end_all(obj)

    @admin.action(description="Reset the second factor (a lost phone)")
    def reset_second_factor(self, request, queryset):
        for person in queryset:
            services.second_factor_reset(person)
        messages.success(
            request,
            f"{queryset.count()} people will set up an authenticator app at their next sign-in "
            "if their role requires one.",
        )


# Rights come from the permissions module, not from Django's permission groups.
admin.site.unregister(Group)
# A second factor is set up and reset through the services (the profile page, the action
# above), never edited here: its secret must not be shown to anyone else.
for device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(device_model):
        admin.site.unregister(device_model)
