from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Case, Q, When
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from groups import forms, roster, selectors, services
from groups.models import CoChairTerm
from meetings import selectors as meeting_selectors
from portal import paging, permissions
from portal.forms import add_service_errors

# The Bali Process has some fifty members and observers: one page holds them all today.
MEMBERS_PER_PAGE = 50


@login_required
def group_list(request):
    groups = selectors.with_current_co_chairs(permissions.visible_groups(request.user))
    return render(request, "groups/group_list.html", {"groups": groups})


@login_required
def group_detail(request, slug):
    group = permissions.get_group_for_user(request.user, slug)
    context = {
        "page": selectors.group_page(group),
        "meetings": meeting_selectors.group_meetings(request.user, group),
        "role": permissions.Role.LABELS[permissions.role_in_group(request.user, group)],
        "can_change": permissions.can_change_group(request.user, group),
        "can_run_silence": permissions.can_run_silence_procedure(request.user, group),
    }
    return render(request, "groups/group_detail.html", context)


@require_safe
def group_public(request, slug):
    """The group's public page: readable without signing in, showing only what it made
    public (the rule is in portal.permissions)."""
    group = permissions.get_public_group(slug)
    meetings = permissions.public_meetings().filter(group=group)
    page = selectors.public_group_page(group, meetings)
    return render(request, "groups/group_public.html", {"page": page, "group": group})


@login_required
def terms_of_reference_detail(request, slug, version):
    tor = permissions.get_terms_of_reference_for_user(request.user, slug, version)
    return render(request, "groups/terms_of_reference_detail.html", {"tor": tor})


@login_required
def member_list(request):
    today = timezone.localdate()
    # Paged in the order the page shows them: Ad Hoc Group members (Member.is_ahg_member),
    # then the other members, then the observers, each by name.
    in_ahg = Q(ahg_joined_on__lte=today) & (Q(ahg_left_on__isnull=True) | Q(ahg_left_on__gte=today))
    section = Case(When(in_ahg, then=0), When(is_observer=False, then=1), default=2)
    members = (
        permissions.visible_members(request.user)
        .annotate(section=section)
        .order_by("section", "name", "pk")
    )
    listing = paging.page_of(request, members, per_page=MEMBERS_PER_PAGE)
    rows = list(listing.rows)
    return render(
        request,
        "groups/member_list.html",
        {
            "listing": listing,
            "ahg_members": [m for m in rows if m.section == 0],
            "other_members": [m for m in rows if m.section == 1],
            "observers": [m for m in rows if m.section == 2],
        },
    )


@login_required
def member_detail(request, slug):
    member = permissions.get_member_for_user(request.user, slug)
    groups = selectors.member_groups(member, permissions.visible_groups(request.user))
    return render(request, "groups/member_detail.html", {"member": member, "groups": groups})


@login_required
def roster_detail(request, slug):
    group = permissions.get_group_for_user(request.user, slug)
    context = {
        "page": selectors.roster_page(group),
        "can_change": permissions.can_change_group(request.user, group),
    }
    return render(request, "groups/roster.html", context)


def _saved_with_warnings(request, message, warnings):
    messages.success(request, message)
    for warning in warnings:
        messages.warning(request, warning.message)


@login_required
def term_edit(request, slug, term_id=None):
    if term_id is None:
        group = permissions.get_group_for_user(request.user, slug, to_change=True)
        term = CoChairTerm(group=group)
    else:
        term = permissions.get_term_for_user(request.user, slug, term_id, to_change=True)
        group = term.group
    form = forms.CoChairTermForm(request.POST or None, instance=term)
    if request.method == "POST" and form.is_valid():
        try:
            warnings = services.term_save(form.instance, version=form.version)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _saved_with_warnings(request, f"Saved the co-chair term of {term.member}.", warnings)
            return redirect("roster", group.slug)
    return render(request, "groups/term_form.html", {"form": form, "group": group, "term": term})


@login_required
def nomination_create(request, slug):
    group = permissions.get_group_for_user(request.user, slug, to_change=True)
    form = forms.NominationForm(request.POST or None, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            nomination = services.nomination_record(group=group, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Recorded the nomination of {nomination.member}.")
            return redirect("roster", group.slug)
    return render(request, "groups/nomination_form.html", {"form": form, "group": group})


@login_required
def nomination_decide(request, slug, nomination_id):
    nomination = permissions.get_nomination_for_user(
        request.user, slug, nomination_id, to_change=True
    )
    group = nomination.group
    next_seat = roster.next_rotation(group, roster.load_terms(group), []).seat
    initial = {
        "seat": nomination.seat or next_seat,
        "starts_on": nomination.for_term_from,
        "planned_end_on": roster.last_day_of_tenure(
            nomination.for_term_from, group.co_chair_max_years
        ),
    }
    form = forms.NominationDecisionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            term, warnings = services.nomination_decide(nomination, **form.decision())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            message = f"{term.member} will co-chair from {roster.fmt(term.starts_on)}."
            if form.new_som is not None:
                som = term.decided_at
                message = (
                    f"Added the {som.title} of {roster.fmt(som.local_start.date())}. " + message
                )
            _saved_with_warnings(request, message, warnings)
            return redirect("roster", group.slug)
    context = {"form": form, "group": group, "nomination": nomination}
    return render(request, "groups/nomination_decide.html", context)


@login_required
@require_POST
def nomination_close(request, slug, nomination_id):
    nomination = permissions.get_nomination_for_user(
        request.user, slug, nomination_id, to_change=True
    )
    try:
        services.nomination_close(nomination, request.POST.get("outcome", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"The nomination of {nomination.member} is {nomination.get_outcome_display().lower()}.",
        )
    return redirect("roster", nomination.group.slug)
