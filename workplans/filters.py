import datetime

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from groups.models import Member, WorkingGroup
from workplans import selectors
from workplans.models import Action, RegionalPriority, WorkPlan


class ActionFilter(django_filters.FilterSet):
    """Finding actions across plans: by status, group, lead member, priority, type of
    initiative, target period, staleness, being overdue, and free text."""

    q = django_filters.CharFilter(label="Search", method="search")
    status = django_filters.ChoiceFilter(choices=Action.Status.choices, empty_label="Any status")
    group = django_filters.ModelChoiceFilter(
        field_name="plan__group",
        queryset=WorkingGroup.objects.none(),
        label="Group",
        empty_label="All groups",
    )
    lead_member = django_filters.ModelChoiceFilter(
        field_name="lead_members",
        queryset=Member.objects.none(),
        label="Lead member",
        empty_label="Any member",
    )
    priority = django_filters.ModelChoiceFilter(
        field_name="priorities",
        queryset=RegionalPriority.objects.none(),
        label="Regional priority",
        empty_label="Any priority",
    )
    initiative = django_filters.ChoiceFilter(
        choices=Action.Initiative.choices, label="Type of initiative", empty_label="Any type"
    )
    target_period = django_filters.ChoiceFilter(
        choices=[], label="Target period", empty_label="Any period"
    )
    stale = django_filters.BooleanFilter(
        label=f"No update for {selectors.STALE_AFTER_MONTHS} months",
        method="only_stale",
        widget=forms.CheckboxInput,
    )

    overdue = django_filters.BooleanFilter(
        label="Overdue: past its target period", method="only_overdue", widget=forms.CheckboxInput
    )

    class Meta:
        model = Action
        fields = [
            "q",
            "status",
            "group",
            "lead_member",
            "priority",
            "initiative",
            "target_period",
            "stale",
            "overdue",
        ]

    def __init__(
        self,
        *args,
        plans: QuerySet[WorkPlan],
        groups: QuerySet[WorkingGroup],
        today: datetime.date,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.today = today
        self.filters["group"].queryset = groups
        # Only the members and priorities that some visible action has, to keep lists short.
        self.filters["lead_member"].queryset = Member.objects.filter(
            actions_led__plan__in=plans
        ).distinct()
        self.filters["priority"].queryset = (
            RegionalPriority.objects.filter(group__in=groups)
            .select_related("group")
            .order_by("group__short_name", "order")
        )
        periods = (
            Action.objects.filter(plan__in=plans)
            .exclude(target_period="")
            .order_by("target_period")
            .values_list("target_period", flat=True)
            .distinct()
        )
        self.filters["target_period"].extra["choices"] = lambda: [(p, p) for p in periods]
        self.form.fields["priority"].label_from_instance = lambda p: (
            f"{p.group.short_name} {p.numeral}. {p.text[:60]}"
        )

    def search(self, queryset, name, value):
        return queryset.filter(Q(description__icontains=value) | Q(status_note__icontains=value))

    def only_stale(self, queryset, name, value):
        return selectors.stale(queryset, self.today) if value else queryset

    def only_overdue(self, queryset, name, value):
        return selectors.overdue(queryset, self.today) if value else queryset
