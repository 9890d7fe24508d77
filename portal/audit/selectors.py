from django.db.models import QuerySet

from portal.audit.models import AccessRecord


def access_records() -> QuerySet[AccessRecord]:
    """The whole access log, newest first, with each person loaded alongside."""
    return AccessRecord.objects.select_related("person").order_by("-at", "-pk")


def object_kinds() -> list[str]:
    """The kinds of object the log names (for the list's filter), in one query."""
    kinds = (
        AccessRecord.objects.exclude(object_kind="")
        .order_by("object_kind")
        .values_list("object_kind", flat=True)
        .distinct()
    )
    return list(kinds)
