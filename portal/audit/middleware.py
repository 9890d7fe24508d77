"""Recording every page an access helper refused, without changing the 404 page."""

from portal.audit.services import Event, record
from portal.permissions import Refused


class RefusalLogMiddleware:
    """Writes one access-log line for each ``permissions.Refused`` raised by a view; Django
    then answers the usual 404."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Refused):
            record(Event.REFUSED, request=request, label=str(exception))
        return None
