import django_filters
from django import forms
from django.db.models import Q

from portal import dates
from portal.audit.models import AccessRecord


class DayFilter(django_filters.DateFilter):
    """A day typed in the list's filters: 1900 to 2100, picked in the browser's calendar."""

    field_class = dates.DateField


class AccessRecordFilter(django_filters.FilterSet):
    """Finding lines of the access log: by event, person, days and kind of object."""

    event = django_filters.ChoiceFilter(
        choices=AccessRecord.Event.choices, empty_label="Every event"
    )
    person = django_filters.CharFilter(label="Person (user name or name)", method="by_person")
    since = DayFilter(
        field_name="at__date",
        lookup_expr="gte",
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = DayFilter(
        field_name="at__date",
        lookup_expr="lte",
        label="Until",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    object_kind = django_filters.ChoiceFilter(
        label="Kind of object", choices=[], empty_label="Every kind"
    )

    class Meta:
        model = AccessRecord
        fields = ["event", "person", "since", "until", "object_kind"]

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["object_kind"].extra["choices"] = [(kind, kind) for kind in kinds]

    def by_person(self, queryset, name, value):
        return queryset.filter(
            Q(username__icontains=value)
            | Q(person__username__icontains=value)
            | Q(person__first_name__icontains=value)
            | Q(person__last_name__icontains=value)
        )
