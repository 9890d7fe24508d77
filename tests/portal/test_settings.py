import os
import secrets

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.env import envbool, envint, envlist, envstr
from tests.processes import ROOT, manage


def production_env(tmp_path):
    return {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "portal.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }


def test_check_deploy_reports_nothing_under_production_settings(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "DEBUG", **production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_complains_when_production_hardening_is_switched_off(tmp_path):
    env = production_env(tmp_path) | {"SECURE_SSL_REDIRECT": "false"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode != 0
    assert "security.W008" in result.stderr


def test_check_deploy_warns_that_without_a_broker_requests_would_print(tmp_path):
    env = production_env(tmp_path)
    del env["REDIS_URL"]
    result = manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode != 0
    assert "portal.W001" in result.stderr and "REDIS_URL is not set" in result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    result = manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_a_misspelt_boolean_stops_the_portal(tmp_path):
    result = manage("check", **production_env(tmp_path) | {"DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG must be true or false, not 'maybe'" in result.stderr


@pytest.mark.parametrize(
    "raw, expected", [("1", True), ("Yes", True), ("off", False), (" NO ", False)]
)
def test_envbool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("FLAG", raw)
    assert envbool("FLAG", not expected) is expected


@pytest.mark.parametrize("raw", ["", "  "])
@pytest.mark.parametrize("default", [True, False])
def test_an_empty_variable_counts_as_unset_for_every_reader(monkeypatch, raw, default):
    for name in ("FLAG", "COUNT", "HOSTS", "NAME"):
        monkeypatch.setenv(name, raw)
    assert envbool("FLAG", default) is default
    assert envint("COUNT", 7) == 7
    assert envlist("HOSTS", ["a.org"]) == ["a.org"]
    assert envstr("NAME", "fallback") == "fallback"


def test_an_empty_secure_ssl_redirect_keeps_the_production_redirect_on(tmp_path):
    env = production_env(tmp_path) | {"SECURE_SSL_REDIRECT": "", "SESSION_COOKIE_SECURE": ""}
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE)"
    )
    result = manage("shell", "-v", "0", "-c", code, **env)
    assert result.stdout.split() == ["True", "True"], result.stderr
    result = manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_envint_and_envlist(monkeypatch):
    monkeypatch.setenv("COUNT", "12")
    monkeypatch.setenv("HOSTS", " a.org, ,b.org ")
    assert envint("COUNT", 1) == 12
    assert envint("UNSET_COUNT", 3) == 3
    assert envlist("HOSTS", []) == ["a.org", "b.org"]
    monkeypatch.setenv("COUNT", "twelve")
    with pytest.raises(ImproperlyConfigured, match="COUNT must be a whole number"):
        envint("COUNT", 1)


def test_database_and_broker_come_from_the_environment(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME']);"
        "print(s.CELERY_BROKER_URL, s.CELERY_TASK_ALWAYS_EAGER, s.USE_TZ)"
    )
    env = production_env(tmp_path) | {
        "DATABASE_URL": "postgres://portal@db.internal:5432/portaldb",
        "REDIS_URL": "redis://cache.internal:6379/1",
    }
    result = manage("shell", "-v", "0", "-c", code, **env)
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "portaldb",
        "redis://cache.internal:6379/1",
        "False",
        "True",
    ], result.stderr


def test_without_redis_jobs_run_in_process_and_sqlite_lives_under_var():
    result = manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['NAME'], s.CELERY_TASK_ALWAYS_EAGER)",
        DEBUG="true",
        DATABASE_URL="",
        REDIS_URL="",
    )
    name, eager = result.stdout.split()
    assert name == str(ROOT / "var" / "portal.sqlite3") and eager == "True", result.stderr


def test_models_and_migrations_agree(tmp_path):
    result = manage(
        "makemigrations",
        "--check",
        "--dry-run",
        DEBUG="true",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_cookies_and_sessions_are_strict(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE,"
        " s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_HTTPONLY, s.CSRF_COOKIE_SAMESITE,"
        " s.SESSION_IDLE_MINUTES, s.SESSION_MAX_HOURS, s.SESSION_COOKIE_AGE)"
    )
    result = manage("shell", "-v", "0", "-c", code, **production_env(tmp_path))
    expected = ["True", "True", "Lax", "True", "True", "Lax", "30", "12", "43200"]
    assert result.stdout.split() == expected, result.stderr
    env = production_env(tmp_path) | {"SESSION_IDLE_MINUTES": "15", "SESSION_MAX_HOURS": "8"}
    result = manage("shell", "-v", "0", "-c", code, **env)
    assert result.stdout.split()[-3:] == ["15", "8", "28800"], result.stderr
    result = manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_session_limit_of_zero_stops_the_portal(tmp_path):
    result = manage("check", **production_env(tmp_path) | {"SESSION_IDLE_MINUTES": "0"})
    assert result.returncode != 0
    assert "SESSION_IDLE_MINUTES and SESSION_MAX_HOURS must be at least 1" in result.stderr


def test_the_content_security_policy_allows_no_inline_code(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(sorted({v for vs in s.CONTENT_SECURITY_POLICY['DIRECTIVES'].values() for v in vs}))"
    )
    result = manage("shell", "-v", "0", "-c", code, **production_env(tmp_path))
    assert "unsafe" not in result.stdout and "'self'" in result.stdout, result.stderr


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="psycopg's pool is PostgreSQL's: set DATABASE_URL to a PostgreSQL database (CI does)",
)
def test_on_postgresql_a_process_can_keep_a_pool_of_connections(tmp_path):
    code = (
        "from django.db import connection;"
        "connection.ensure_connection();"
        "pool = connection.pool;"
        "print(pool.max_size, connection.settings_dict['CONN_MAX_AGE'])"
    )
    env = production_env(tmp_path) | {"DATABASE_URL": os.environ["DATABASE_URL"]}
    result = manage("shell", "-v", "0", "-c", code, **env, DATABASE_POOL_SIZE="3")
    assert result.stdout.split() == ["3", "0"], result.stderr
    # Without the setting, one persistent connection and no pool.
    code = "from django.db import connection; print(connection.pool)"
    result = manage("shell", "-v", "0", "-c", code, **env)
    assert result.stdout.split() == ["None"], result.stderr
