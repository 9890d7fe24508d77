from django.contrib import admin
from django.urls import include, path

from portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("livez", views.livez, name="livez"),
    path("accounts/", include("portal.accounts.urls")),
    path("", include("groups.urls")),
    path("", include("meetings.urls")),
    path("", include("workplans.urls")),
    path("", include("reports.urls")),
    path("", include("portal.notifications.urls")),
    path("", include("portal.search.urls")),
    path("", include("portal.audit.urls")),
    path("admin/", admin.site.urls),
]
