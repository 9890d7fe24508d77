"""The admin site: the secretariat's back office, guarded by the permissions module."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from portal import permissions


class PortalAdminSite(admin.AdminSite):
    site_header = "Secretariat Portal administration"
    site_title = "Secretariat Portal"
    index_title = "Back office"

    def has_permission(self, request):
        return permissions.is_secretariat(request.user)


class SecretariatOnly:
    """The secretariat may do everything in the back office, nobody else anything."""

    def has_module_permission(self, request):
        return permissions.is_secretariat(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.is_secretariat(request.user)

    def has_add_permission(self, request):
        return permissions.is_secretariat(request.user)

    def has_change_permission(self, request, obj=None):
        return permissions.is_secretariat(request.user)

    def has_delete_permission(self, request, obj=None):
        return permissions.is_secretariat(request.user)


class SecretariatAdmin(SecretariatOnly, SimpleHistoryAdmin):
    """The admin of a model that keeps its history."""
