from django.contrib import admin

from portal.admin import ReadOnlyAdmin
from portal.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """Who was told what, and when: made by the portal's services, read here."""

    list_display = ["created_at", "person", "kind", "subject", "emailed_at", "read_at"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter)]
    list_select_related = ["person"]
    search_fields = ["subject", "person__username", "person__last_name"]
