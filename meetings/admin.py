from django.contrib import admin

from meetings.models import Meeting
from portal.admin import SecretariatAdmin


@admin.register(Meeting)
class MeetingAdmin(SecretariatAdmin):
    list_display = ["title", "kind", "status", "starts_at", "city", "group", "body"]
    list_filter = ["kind", "group", "body"]
    search_fields = ["title", "city", "venue"]
    date_hierarchy = "starts_at"
