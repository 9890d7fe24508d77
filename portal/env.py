"""Small typed readers of the environment that fail loudly on a bad value.

An empty (or blank) variable counts as unset everywhere, so that ``NAME=`` in an
env file or a compose file means "use the default", never "false", "0" or "none".
"""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str) -> str | None:
    """The variable's value, or None when it is unset, empty or only blanks."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return None
    return raw


def envstr(name: str, default: str | None = None) -> str | None:
    """The variable as a string, or the default when it is unset or empty."""
    raw = _raw(name)
    return default if raw is None else raw


def envbool(name: str, default: bool) -> bool:
    """The variable as a boolean; anything but a clear yes or no is an error."""
    raw = _raw(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def envint(name: str, default: int) -> int:
    """The variable as an integer."""
    raw = _raw(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def envlist(name: str, default: list[str]) -> list[str]:
    """The variable as a comma-separated list, blanks dropped."""
    raw = _raw(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]
