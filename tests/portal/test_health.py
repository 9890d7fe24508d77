"""The readiness check names what is down; the liveness check only says the process runs."""

import pytest

from tests.processes import closed_port_url, free_port, manage, redis_url

# Asks the portal's own /healthz and /livez, in a process with the given environment.
ASK = (
    "from django.test import Client; c = Client();"
    "h = c.get('/healthz'); l = c.get('/livez');"
    "print(h.status_code, h.content.decode().strip(), '|', l.status_code, l.content.decode())"
)


def ask(tmp_path, **env) -> str:
    env = {
        "DEBUG": "true",
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        **env,
    }
    result = manage("shell", "-v", "0", "-c", ASK, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def database_down() -> str:
    return f"postgres://portal:x@127.0.0.1:{free_port()}/portal"


@pytest.mark.django_db
def test_healthz_answers_ok_when_the_database_and_the_broker_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok\n"


def test_healthz_answers_503_naming_the_database_when_it_is_down(tmp_path):
    assert ask(tmp_path, DATABASE_URL=database_down()) == "503 down: database | 200 ok"


def test_healthz_answers_503_naming_the_broker_when_it_is_down(tmp_path):
    assert ask(tmp_path, REDIS_URL=closed_port_url()) == "503 down: broker | 200 ok"


def test_healthz_names_both_when_both_are_down_and_livez_still_answers(tmp_path):
    answer = ask(tmp_path, DATABASE_URL=database_down(), REDIS_URL=closed_port_url())
    assert answer == "503 down: database, broker | 200 ok"


def test_healthz_answers_ok_with_a_real_redis(tmp_path):
    assert ask(tmp_path, REDIS_URL=redis_url()) == "200 ok | 200 ok"
