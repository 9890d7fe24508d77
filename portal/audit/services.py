"""Writing the log of who signed in, who was refused and who downloaded restricted material."""

import ipaddress
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from portal.audit.models import AccessRecord

Event = AccessRecord.Event

# Route arguments that are secrets in themselves (the calendar feed's token, a password
# reset link's parts): the stored path names them instead of holding them.
_SECRET_ARGUMENTS = ("token", "uidb64", "key", "secret")


def record(
    event: str,
    *,
    request=None,
    person=None,
    username: str = "",
    obj=None,
    object_kind: str = "",
    label: str = "",
) -> AccessRecord:
    """Write one line of the access log and return it.

    ``event`` is one of ``AccessRecord.Event``. With ``request``, the signed-in person (or
    ``person`` when given), the client's address and the path are taken from it; the
    query string is never stored and a secret in the path (the calendar feed's token) is
    replaced by its name. ``username`` is the name typed at a sign-in that matched nobody.
    ``obj`` is what was downloaded or refused: its kind defaults to its model's name and
    its label to its text; ``object_kind`` and ``label`` say it in other words, or stand
    alone when there is no object. Never pass a password, a token or a session key.
    """
    if person is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            person = user
    if person is not None and not getattr(person, "pk", None):
        person = None
    if not username and person is not None:
        username = person.get_username()
    if obj is not None:
        object_kind = object_kind or obj._meta.verbose_name
        label = label or str(obj)
    return AccessRecord.objects.create(
        event=event,
        person=person,
        username=(username or "")[:150],
        address=client_address(request) if request is not None else None,
        path=_safe_path(request) if request is not None else "",
        object_kind=object_kind[:60],
        object_id=str(obj.pk)[:64] if obj is not None and obj.pk is not None else "",
        object_label=(label or "")[:300],
    )


def record_download(request, obj, *, kind: str, group=None, restricted: bool = False) -> None:
    """Record the download of ``obj`` when it is restricted material: when ``restricted``
    (a paper not marked "Public") or when ``group`` requires a security clearance.

    ``kind`` names what was downloaded in the secretariat's words ("paper", "report PDF").
    Other downloads (a public paper of an open group) are not recorded.
    """
    if restricted or (group is not None and group.clearance_required):
        record(Event.DOWNLOADED, request=request, obj=obj, object_kind=kind)


def client_address(request) -> str | None:
    """The address the request came from, as far as it can be trusted.

    Behind proxies that the settings trust (``AUDIT_TRUST_X_FORWARDED_FOR``), the client
    is the address the first trusted proxy added to X-Forwarded-For: the last one behind
    one proxy, the one before it behind two (``SIGN_IN_PROXY_COUNT``, as for throttling).
    Addresses before it were sent by the client and prove nothing.
    """
    raw = request.META.get("REMOTE_ADDR", "")
    if settings.AUDIT_TRUST_X_FORWARDED_FOR:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        trusted = max(1, settings.AXES_IPWARE_PROXY_COUNT or 1)
        if len(hops) >= trusted:
            raw = hops[-trusted]
    try:
        return str(ipaddress.ip_address(raw.strip()))
    except ValueError:
        return None


def _safe_path(request) -> str:
    # request.path never holds the query string, where tokens may travel.
    path = request.path
    match = getattr(request, "resolver_match", None)
    if match is not None:
        for name, value in match.kwargs.items():
            if any(secret in name for secret in _SECRET_ARGUMENTS) and str(value):
                path = path.replace(str(value), f"<{name}>")
    return path[:500]


def access_log_purge(*, now=None) -> int:
    """Delete the lines older than ``AUDIT_RETENTION_DAYS``; return how many went."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    deleted, _ = AccessRecord.objects.filter(at__lt=cutoff).delete()
    return deleted
