from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group

from portal.accounts.models import User
from portal.admin import SecretariatAdmin


@admin.register(User)
class PersonAdmin(SecretariatAdmin, UserAdmin):
    list_display = ["username", "first_name", "last_name", "affiliation", "is_secretariat"]
    list_filter = ["is_secretariat", "affiliation", "is_active"]
    search_fields = ["username", "first_name", "last_name", "email"]
    fieldsets = UserAdmin.fieldsets + (
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
