"""The signed-in person is loaded with their count of unread notifications, so that the
header shows it on every page without a query of its own."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from portal.notifications.selectors import unread_count_subquery


class NotificationCountBackend(ModelBackend):
    """Django's own sign-in, whose ``get_user`` also counts the unread notifications
    (``user.unread_notifications``), in the query that loads the person."""

    def get_user(self, user_id):
        user = (
            get_user_model()
            ._default_manager.annotate(unread_notifications=unread_count_subquery())
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
