from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The log of who signed in, who was refused, and who saw restricted material."""

    name = "portal.audit"
    label = "audit"
    verbose_name = "Who saw what"

    def ready(self):
        # Django and axes report sign-ins only by signal; everything else is recorded by a
        # plain call of portal.audit.services.record where it happens.
        from axes.signals import user_locked_out
        from django.contrib.auth import signals

        from portal.audit import receivers

        signals.user_logged_in.connect(receivers.signed_in, dispatch_uid="audit-signed-in")
        signals.user_logged_out.connect(receivers.signed_out, dispatch_uid="audit-signed-out")
        signals.user_login_failed.connect(
            receivers.sign_in_failed, dispatch_uid="audit-sign-in-failed"
        )
        user_locked_out.connect(receivers.sign_in_refused, dispatch_uid="audit-sign-in-refused")
