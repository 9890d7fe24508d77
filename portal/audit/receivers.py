"""Sign-ins, sign-outs and failed sign-ins, which Django (and axes) report only by signal.

Each receiver is one call of ``record``; connected in ``AuditConfig.ready``.
"""

from portal.audit.services import Event, record


def signed_in(sender, request, user, **kwargs):
    record(Event.SIGNED_IN, request=request, person=user)


def signed_out(sender, request, user, **kwargs):
    # user is None when the session had already ended.
    if request is not None:
        record(Event.SIGNED_OUT, request=request, person=user)


def sign_in_failed(sender, credentials, request=None, **kwargs):
    # An attempt axes refuses (a locked-out name or address) is recorded once, as refused,
    # by ``sign_in_refused``. ``credentials`` comes with the password already masked, and
    # only the name is kept of it.
    if request is not None and getattr(request, "axes_locked_out", False):
        return
    username = str(credentials.get("username") or "")
    record(Event.SIGN_IN_FAILED, request=request, username=username)


def sign_in_refused(sender, request, username=None, **kwargs):
    record(Event.SIGN_IN_REFUSED, request=request, username=str(username or ""))
