from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PortalConfig(AppConfig):
    default = True
    name = "portal"
    verbose_name = "Portal"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from portal import checks  # noqa: F401 (registers the deploy checks)
        from portal.middleware import session_start

        # Every way of signing in sends this: the one place to stamp a session's start.
        user_logged_in.connect(session_start, dispatch_uid="portal.session_start")


class PortalAdminConfig(admin_apps.AdminConfig):
    """The admin, with the site whose access the permissions module decides."""

    default = False
    default_site = "portal.admin.PortalAdminSite"
