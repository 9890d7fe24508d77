"""Requests refused before any view reads them."""

from urllib.parse import unquote_to_bytes

from django.http import HttpResponseBadRequest


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
