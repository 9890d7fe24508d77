from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PortalConfig(AppConfig):
    default = True
    name = "portal"
    verbose_name = "Portal"


class PortalAdminConfig(admin_apps.AdminConfig):
    """The admin, with the site whose access the permissions module decides."""

    default = False
    default_site = "portal.admin.PortalAdminSite"
