"""Running the portal's own commands in separate processes, as an operator would."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def shell_env(**env: str) -> dict[str, str]:
    """A shell's environment with the production settings module and the given variables.

    The test settings put their own values in os.environ, so nothing else is passed on.
    """
    base = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    return base | {"DJANGO_SETTINGS_MODULE": "portal.settings"} | env


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """Run manage.py with the given environment; output captured as text."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=shell_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )
