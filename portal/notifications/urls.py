from django.urls import path

from portal.notifications import views

urlpatterns = [
    path("notifications/", views.notification_list, name="notification_list"),
    path(
        "notifications/<int:notification_id>/",
        views.notification_open,
        name="notification_open",
    ),
    path("notifications/read/", views.notifications_read_all, name="notifications_read_all"),
    path(
        "accounts/notifications/",
        views.notification_preferences,
        name="notification_preferences",
    ),
]
