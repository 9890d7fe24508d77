from django.urls import path  # noqa: F401

urlpatterns = [
    # -- plans, revisions and comparisons
    # -- actions and progress updates
    # -- import and export
]
