from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Search over what a person may read; owns the database's search indexes."""

    name = "portal.search"
    label = "search"
    verbose_name = "Search"
