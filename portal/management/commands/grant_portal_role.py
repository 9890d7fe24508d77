"""Give the portal's database role what it needs, and no right to rewrite history.

The tables are created by their owner (the role that runs ``migrate``); the portal itself
runs as another role, given here: every right on its own tables, but on the history
tables only reading and adding rows, so that no bug, no back-office slip and no stolen
password of the application can change or remove what the history says. On the access
log it may add, read and purge old lines, and clear a person's name when that person is
removed; never rewrite one. Run it again after every ``migrate``: a new table has no
rights until then.
"""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from simple_history.models import HistoricalChanges

from portal.audit.models import AccessRecord

EVERYTHING = "SELECT, INSERT, UPDATE, DELETE"
# History is added to, never changed.
HISTORY = "SELECT, INSERT"


def history_tables() -> set[str]:
    """The tables of every historical model (simple-history's, many-to-many ones included)."""
    return {m._meta.db_table for m in apps.get_models() if issubclass(m, HistoricalChanges)}


def access_log_grants(quote) -> list[str]:
    """Adding, reading and purging lines; of a line, only its person may be cleared (when
    the person is removed, as the foreign key's SET NULL does)."""
    person = quote(AccessRecord._meta.get_field("person").column)
    return ["SELECT, INSERT, DELETE", f"UPDATE ({person})"]


class Command(BaseCommand):
    help = (
        "Grant a PostgreSQL role the rights the portal runs with: reading and writing its "
        "tables, only reading and adding to the history tables. Run as the tables' owner, "
        "after every migrate."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="The role the portal connects as (it must exist).")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, role, database, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError("Database roles and grants are PostgreSQL's: nothing to do here.")
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                raise CommandError(f"There is no role {role!r}: create it first.")
            cursor.execute("SELECT current_schema(), current_user")
            schema, owner = cursor.fetchone()
            cursor.execute(
                "SELECT 1 FROM pg_tables WHERE schemaname = %s AND tableowner = %s",
                [schema, role],
            )
            if role == owner or cursor.fetchone() is not None:
                # An owner keeps every right on its tables whatever is granted or revoked.
                raise CommandError(
                    f"{role} owns the portal's tables: the portal must connect as another role."
                )
        tables = set(connection.introspection.django_table_names(only_existing=True))
        if "django_migrations" in connection.introspection.table_names():
            # Read only: `migrate --check` as the portal's role; migrations run as the owner.
            tables.add("django_migrations")
        history = history_tables() & tables
        log = AccessRecord._meta.db_table
        grantee = quote(role)
        counts = {"tables": 0, "history": 0}
        with transaction.atomic(using=database), connection.cursor() as cursor:
            cursor.execute(f"GRANT USAGE ON SCHEMA {quote(schema)} TO {grantee}")
            for table in sorted(tables):
                # From nothing, so that a right given earlier by hand does not linger.
                cursor.execute(f"REVOKE ALL ON TABLE {quote(table)} FROM {grantee}")
                if table in history:
                    rights, counts["history"] = [HISTORY], counts["history"] + 1
                elif table == log:
                    rights = access_log_grants(quote)
                elif table == "django_migrations":
                    rights = ["SELECT"]
                else:
                    rights, counts["tables"] = [EVERYTHING], counts["tables"] + 1
                for right in rights:
                    cursor.execute(f"GRANT {right} ON TABLE {quote(table)} TO {grantee}")
            cursor.execute(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {quote(schema)} TO {grantee}")
        self.stdout.write(
            f"{role} may now read and write {counts['tables']} tables, only read and add to "
            f"{counts['history']} history tables, and add to, read and purge the access log."
        )
