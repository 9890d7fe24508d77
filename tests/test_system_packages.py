"""`make test` installs the system packages it needs when it can, or says how."""

import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.processes import ROOT

SCRIPT = ROOT / "bin" / "ensure-system-packages"
STUBS = {
    # Nothing is installed, and apt-get installs nothing: every package stays missing.
    "dpkg-query": "#!/bin/sh\nexit 1\n",
    "npm": "#!/bin/sh\nexit 0\n",
    "apt-get": '#!/bin/sh\necho "apt-get $*" >> "$STUB_LOG"\n',
    "sudo": (
        "#!/bin/sh\n"
        'if [ "$1" = -n ] && [ "$2" = true ]; then [ -n "$SUDO_OK" ]; exit; fi\n'
        '[ "$1" = -n ] && shift\n'
        'echo "sudo $*" >> "$STUB_LOG"\n'
        'exec "$@"\n'
    ),
}


@pytest.fixture
def stub_dir():
    """A folder an ordinary user can reach (pytest's own is private to whoever runs it)."""
    with tempfile.TemporaryDirectory() as folder:
        Path(folder).chmod(0o777)
        yield Path(folder)


def run_as_a_developer(
    folder, *, passwordless_sudo: bool
) -> tuple[subprocess.CompletedProcess, str]:
    """Run `ensure-system-packages --install` as an ordinary user with stub system tools."""
    for name, text in STUBS.items():
        (folder / name).write_text(text)
        (folder / name).chmod(0o755)
    log = folder / "log"
    env = {
        "PATH": f"{folder}:/usr/bin:/bin",
        "STUB_LOG": str(log),
        "SUDO_OK": "yes" if passwordless_sudo else "",
    }
    command = [str(SCRIPT), "--install"]
    if os.geteuid() == 0:
        command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    return result, log.read_text() if log.exists() else ""


def test_without_root_or_sudo_it_prints_the_exact_command_and_installs_nothing(stub_dir):
    result, log = run_as_a_developer(stub_dir, passwordless_sudo=False)
    assert result.returncode == 1
    assert "needs root or" in result.stderr
    assert result.stdout.strip() == (
        "sudo apt-get update && sudo apt-get install -y chromium chromium-driver "
        "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"
    )
    assert log == ""


def test_with_passwordless_sudo_it_installs_the_missing_packages_itself(stub_dir):
    result, log = run_as_a_developer(stub_dir, passwordless_sudo=True)
    assert "Installing missing system packages: chromium" in result.stdout
    calls = log.splitlines()
    assert calls[0].startswith("sudo env DEBIAN_FRONTEND=noninteractive apt-get")
    assert calls[1].endswith(" update -q")
    assert calls[-1].endswith(
        "install -y -q chromium chromium-driver libpango-1.0-0 libpangoft2-1.0-0 "
        "libharfbuzz-subset0 fonts-dejavu-core"
    )
    # The stubs installed nothing, so it says so rather than claim success.
    assert result.returncode == 1
    assert "Still missing after apt-get install" in result.stderr
