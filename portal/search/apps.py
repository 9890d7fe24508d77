from django.apps import AppConfig
from django.db.backends.signals import connection_created


class SearchConfig(AppConfig):
    """Search over what a person may read; owns the database's search indexes."""

    name = "portal.search"
    label = "search"
    verbose_name = "Search"

    def ready(self):
        from portal.search.expressions import register_sqlite_functions

        # The one hook: a new SQLite connection learns the folding function that the
        # search migration creates in PostgreSQL.
        connection_created.connect(register_sqlite_functions, dispatch_uid="portal_unaccent")
