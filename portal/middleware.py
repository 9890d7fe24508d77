"""Requests refused before any view reads them, sessions ended on time, and responses kept
out of caches."""

import datetime
from urllib.parse import unquote_to_bytes, urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.template.defaultfilters import pluralize
from django.urls import Resolver404, resolve, reverse
from django.utils import dateformat, timezone
from django.utils.cache import patch_cache_control
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY

from portal import permissions
from portal.accounts import services
from portal.accounts.services import SESSION_CONFIRMED_AT


class RefuseNulBytesMiddleware:
    """Answer 400 to a request with a NUL byte in its path or query string.

    No address or search of the portal has one, and PostgreSQL refuses a NUL in any text it
    is given, so a NUL reaching a query would end in a 500 rather than a clear answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raw = (request.path_info, request.META.get("QUERY_STRING", ""))
        if any("\x00" in part or b"\x00" in unquote_to_bytes(part) for part in raw):
            return HttpResponseBadRequest(
                "The address contains a NUL character.", content_type="text/plain"
            )
        return self.get_response(request)


# A session's own clock, as POSIX timestamps: when its person signed in, and when it was
# last used (written at most once a minute, so that reading a page is not a write).
SESSION_SIGNED_IN_AT = "portal_signed_in_at"
SESSION_SEEN_AT = "portal_seen_at"
SEEN_WRITTEN_EVERY_SECONDS = 60


def session_start(sender, request, user, **kwargs):
    """Stamp a session as signed in now (Django's ``user_logged_in``, sent by every way in:
    the sign-in page, the back office's, and the test client's ``force_login``)."""
    if request is not None and hasattr(request, "session"):
        _stamp(request.session, timezone.now())


def _stamp(session, now, *, signed_in_at=None):
    signed_in_at = signed_in_at or now
    session[SESSION_SIGNED_IN_AT] = session[SESSION_CONFIRMED_AT] = signed_in_at.timestamp()
    session[SESSION_SEEN_AT] = now.timestamp()
    # The cookie and the stored session go at the latest moment too, whatever happens here.
    session.set_expiry(signed_in_at + datetime.timedelta(hours=settings.SESSION_MAX_HOURS))


class SessionLifetimeMiddleware:
    """Sign the person out, with the reason, of a session that has been idle too long, is
    older than the longest session, was ended from elsewhere (``sessions_end_all``: signing
    out, a password change, deactivation) or began while a clearance that has since expired
    was still valid. Reads only the session and the person already loaded."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            now = timezone.now()
            reason = self._reason_to_end(request.session, user, now)
            if reason:
                logout(request)
                messages.info(request, reason)
                return redirect_to_login(request.get_full_path())
            if now.timestamp() - request.session[SESSION_SEEN_AT] >= SEEN_WRITTEN_EVERY_SECONDS:
                request.session[SESSION_SEEN_AT] = now.timestamp()
        return self.get_response(request)

    @staticmethod
    def _reason_to_end(session, user, now) -> str:
        if SESSION_SIGNED_IN_AT not in session:
            # A session signed in before sessions were stamped: it counts from the person's
            # last sign-in, so that one ended since then stays ended.
            _stamp(session, now, signed_in_at=min(user.last_login or now, now))
        signed_in_at = _moment(session[SESSION_SIGNED_IN_AT])
        confirmed_at = session.get(SESSION_CONFIRMED_AT, signed_in_at.timestamp())
        if user.sessions_valid_from and confirmed_at < user.sessions_valid_from.timestamp():
            return "You were signed out of this session from elsewhere; please sign in again."
        expires_on = user.clearance_expires_on
        if (
            user.clearance_level
            and expires_on is not None
            and timezone.localdate(signed_in_at) <= expires_on < timezone.localdate(now)
        ):
            return (
                f"Your security clearance expired on {dateformat.format(expires_on, 'j F Y')}, "
                "after you signed in; please sign in again."
            )
        if now - signed_in_at > datetime.timedelta(hours=settings.SESSION_MAX_HOURS):
            hours = settings.SESSION_MAX_HOURS
            return (
                f"Your session ended after {hours} hour{pluralize(hours)}, the longest one "
                "may last; please sign in again."
            )
        idle = datetime.timedelta(minutes=settings.SESSION_IDLE_MINUTES)
        if now - _moment(session[SESSION_SEEN_AT]) > idle:
            minutes = settings.SESSION_IDLE_MINUTES
            return (
                f"Your session ended after {minutes} minute{pluralize(minutes)} without "
                "activity; please sign in again."
            )
        return ""


def _moment(timestamp: float) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC)


class NoStoreMiddleware:
    """Ask browsers and proxies to keep no copy of any page or download: signed-in pages,
    restricted papers and packs, exports, job states, the calendar feed. A view that means
    a response to be cached says so with ``Cache-Control: public`` and is left alone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        directives = {
            part.split("=", 1)[0].strip().lower()
            for part in response.get("Cache-Control", "").split(",")
        }
        if "public" not in directives:
            patch_cache_control(response, no_store=True)
            response["Pragma"] = "no-cache"
        return response


class SecondFactorMiddleware:
    """Keep a session signed in with a password only away from every page until its
    person has passed their second factor, when they must use one or have set one up.

    Such a person is sent to set up an authenticator app (if they have none) or to enter a
    code; those pages, signing out and the health checks stay open."""

    OPEN = {"two_factor_setup", "two_factor_verify", "logout", "healthz", "livez"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified() and self._open(request):
            # The second factor's own pages: the header offers nothing else meanwhile.
            request.second_factor_pending = services.uses_second_factor(
                user
            ) or permissions.must_use_second_factor(user)
        elif user.is_authenticated and not user.is_verified():
            has_device = services.uses_second_factor(user)
            if has_device or permissions.must_use_second_factor(user):
                target = reverse("two_factor_verify" if has_device else "two_factor_setup")
                if request.method == "GET":
                    target += "?" + urlencode({"next": request.get_full_path()})
                return redirect(target)
        return self.get_response(request)

    def _open(self, request) -> bool:
        if request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return True
        try:
            return resolve(request.path_info).url_name in self.OPEN
        except Resolver404:
            return False


class SecondFactorPassedMiddleware:
    """Whether this session passed a second factor (``user.is_verified()``), read from the
    session alone, without loading the device on every request as django-otp's own
    middleware does. The session holds it from the moment the code is accepted
    (``django_otp.login``) until it ends; removing a person's app ends their sessions."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        passed = bool(request.session.get(DEVICE_ID_SESSION_KEY))
        user = request.user
        request.user = SimpleLazyObject(lambda: _with_second_factor(user, passed))
        return self.get_response(request)


def _with_second_factor(user, passed: bool):
    user.is_verified = lambda: bool(passed and user.is_authenticated)
    return user
