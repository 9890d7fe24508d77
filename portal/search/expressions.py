"""The searched text of a row, written exactly as the database's search indexes are.

On PostgreSQL a row's document is
``to_tsvector('simple'::regconfig, portal_unaccent(coalesce(a, '') || ' ' || ...))`` over
the columns its kind searches, the expression of the GIN index made by
portal/search/migrations/0001_initial.py, so that the planner uses the index. The SQL is
written here rather than composed from Django's ``SearchVector`` (which adds casts of its
own) so that it stays, character for character, the indexed expression.

On SQLite the same ``portal_unaccent`` is a Python function registered on each connection
(``register_sqlite_functions``); it also folds case, so a plain ``LIKE`` over its result
finds words whatever their accents.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db.models import F, Func, TextField

from portal.search.text import fold


def _joined(compiler, connection, expressions) -> tuple[str, list]:
    sqls, params = [], []
    for expression in expressions:
        sql, more = compiler.compile(expression)
        sqls.append(f"coalesce({sql}, '')")
        params.extend(more)
    return "portal_unaccent(" + " || ' ' || ".join(sqls) + ")", params


class SearchedText(Func):
    """The columns a kind searches, joined and folded (accents off; on SQLite, case too)."""

    output_field = TextField()

    def __init__(self, *columns: str):
        super().__init__(*[F(column) for column in columns])

    def as_sql(self, compiler, connection, **extra):
        return _joined(compiler, connection, self.get_source_expressions())


class SearchDocument(Func):
    """A row's text-search document on PostgreSQL: the expression its GIN index holds."""

    output_field = SearchVectorField()

    def __init__(self, *columns: str):
        super().__init__(*[F(column) for column in columns])

    def as_sql(self, compiler, connection, **extra):
        sql, params = _joined(compiler, connection, self.get_source_expressions())
        return f"to_tsvector('simple'::regconfig, {sql})", params


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """Give an SQLite connection the ``portal_unaccent`` that PostgreSQL has from the
    search migration (here folding case as well: SQLite's LIKE folds ASCII only)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "portal_unaccent",
            1,
            lambda text: None if text is None else fold(text),
            deterministic=True,
        )
