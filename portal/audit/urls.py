from django.urls import path

from portal.audit import views

urlpatterns = [
    path("audit/", views.access_log, name="access_log"),
]
