from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group

from portal.accounts.models import User
from portal.admin import SecretariatAdmin


@admin.register(User)
class PersonAdmin(SecretariatAdmin, UserAdmin):
    """Kept here (a person edits only their own password), with history. Rights come from
    the permissions module, so Django's permission groups and flags are not offered."""

    list_display = ["username", "first_name", "last_name", "affiliation", "is_secretariat"]
    list_filter = ["is_secretariat", "affiliation", "is_active"]
    search_fields = ["username", "first_name", "last_name", "email"]
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


# Rights come from the permissions module, not from Django's permission groups.
admin.site.unregister(Group)
