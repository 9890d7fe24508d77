import django_filters
from django.db.models import Q
from django_countries import countries

from groups.models import WorkingGroup
from meetings.models import Meeting
from portal import dates


class YearFilter(django_filters.NumberFilter):
    """A year typed in a search: a whole number from 1900 to 2100, or the form says so."""

    field_class = dates.YearField


class MeetingFilter(django_filters.FilterSet):
    """Finding meetings: by group, kind, year, status, place, and free text."""

    q = django_filters.CharFilter(label="Search", method="search")
    group = django_filters.ModelChoiceFilter(
        queryset=WorkingGroup.objects.none(), empty_label="All groups and bodies"
    )
    kind = django_filters.ChoiceFilter(choices=Meeting.Kind.choices, empty_label="All kinds")
    year = YearFilter(field_name="starts_at__year", label="Year")
    status = django_filters.ChoiceFilter(choices=Meeting.Status.choices, empty_label="Any status")
    location = django_filters.CharFilter(label="Place", method="at_place")

    class Meta:
        model = Meeting
        fields = ["q", "group", "kind", "year", "status", "location"]

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["group"].queryset = groups

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value) | Q(objectives__icontains=value) | Q(city__icontains=value)
        )

    def at_place(self, queryset, name, value):
        codes = [code for code, country in countries if value.lower() in country.lower()]
        return queryset.filter(
            Q(city__icontains=value) | Q(venue__icontains=value) | Q(country__in=codes)
        )
