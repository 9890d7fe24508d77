"""PostgreSQL's full-text search for the search page: accents folded by unaccent, and one
GIN index per searched table over the very expression portal/search/expressions.py writes
(``SearchDocument``), so that a search reads the index rather than every row.

Nothing happens on another database: SQLite searches with LIKE (see expressions.py).
"""

from django.db import migrations

# (index, table, columns searched, the query it serves)
INDEXES = [
    ("search_meeting", "meetings_meeting", ["title", "objectives", "venue", "city"],
     "meetings by title, objectives, venue and city"),
    ("search_agenda_item", "meetings_agendaitem", ["title", "description"],
     "agenda items by title and description (never their speakers)"),
    ("search_outcome", "meetings_outcome", ["text"],
     "a meeting's outcomes by their text"),
    ("search_document", "meetings_document", ["title"],
     "papers by title only (never their content)"),
    ("search_action", "workplans_action", ["description", "status_note"],
     "work-plan actions by description and status note"),
    ("search_progress_update", "workplans_progressupdate", ["text"],
     "progress updates by their text"),
    ("search_report", "reports_report",
     ["summary", "issues_for_direction", "co_chairs_remarks", "next_steps"],
     "reports by their narrative, for those who read it as it stands"),
    ("search_statement", "reports_publicstatement", ["title", "text"],
     "public statements by title and text"),
]


def document(columns) -> str:
    joined = " || ' ' || ".join(f"coalesce({column}, '')" for column in columns)
    return f"to_tsvector('simple'::regconfig, portal_unaccent({joined}))"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public")
    # unaccent() is only STABLE (its dictionary could change); naming the dictionary makes
    # the result depend on the text alone, which an index expression requires.
    schema_editor.execute(
        "CREATE OR REPLACE FUNCTION portal_unaccent(text) RETURNS text"
        " LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT"
        " AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$"
    )
    for name, table, columns, serves in INDEXES:
        schema_editor.execute(f"CREATE INDEX {name} ON {table} USING gin ({document(columns)})")
        comment = f"The search page: {serves}.".replace("'", "''")
        schema_editor.execute(f"COMMENT ON INDEX {name} IS '{comment}'")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, *_ in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute("DROP FUNCTION IF EXISTS portal_unaccent(text)")
    # The unaccent extension stays: other schemas' objects may have come to use it.


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("groups", "0005_silence_procedure_subjects"),
        ("meetings", "0004_invitation_answers_reminders_packs"),
        ("reports", "0005_public_statements"),
        ("workplans", "0005_attachments"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
