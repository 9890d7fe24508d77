"""Several requests or service calls at the same moment, each in its own database
connection, for the tests of row locks (PostgreSQL only)."""

import threading

import pytest
from django.db import connection, connections


def needs_row_locks() -> None:
    """Skip the test unless the database has real row locks."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL's row locks: set DATABASE_URL to a PostgreSQL database (CI does)"
        )


def at_once(work, arguments, *, timeout: float = 60) -> None:
    """Call ``work(argument)`` for every argument in a thread of its own, all released
    together; an exception raised in any of them fails the test."""
    start = threading.Barrier(len(arguments))
    errors = []

    def run(argument):
        try:
            start.wait()
            work(argument)
        except Exception as error:  # reported below, with the thread's own traceback
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(argument,)) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not errors, errors
