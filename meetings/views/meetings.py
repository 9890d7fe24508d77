from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_POST

from meetings import forms, selectors, services
from meetings.filters import MeetingFilter
from meetings.models import Meeting
from portal import dates, paging, permissions, versions
from portal.forms import add_service_errors
from portal.submissions import answered_once


@login_required
def meeting_list(request):
    visible = permissions.visible_meetings(request.user)
    # A meeting saved before dates were bounded (year 1, 9999) has no date a page can show:
    # it is left out, and the secretariat is told where to correct it.
    meetings = (
        dates.showable(visible, "starts_at", "ends_at")
        .select_related("group")
        # The id settles meetings that start together, so that none moves between pages.
        .order_by("-starts_at", "-pk")
    )
    # The page number is the pager's, not a filter: with only it, the list is unfiltered.
    query = request.GET.copy()
    query.pop("page", None)
    finder = MeetingFilter(
        query or None, queryset=meetings, groups=permissions.visible_groups(request.user)
    )
    can_plan = permissions.can_plan_meetings(request.user)
    if can_plan:
        for meeting in visible.exclude(pk__in=meetings.values("pk")):
            messages.warning(
                request,
                f"{meeting.title} has a date outside {dates.EARLIEST_YEAR}-{dates.LATEST_YEAR} "
                f"and is not listed: correct it at {reverse('meeting_edit', args=[meeting.pk])}.",
            )
    listing = paging.page_of(request, finder.qs if finder.is_bound else meetings)
    return render(
        request,
        "meetings/meeting_list.html",
        {"filter": finder, "listing": listing, "meetings": listing.rows, "can_plan": can_plan},
    )


@login_required
def meeting_detail(request, meeting_id):
    meeting = permissions.get_meeting_for_user(request.user, meeting_id)
    if not dates.is_showable(meeting.starts_at, meeting.ends_at):
        # Saved before dates were bounded: no page can show it until its dates are corrected.
        if not permissions.can_change_meeting(request.user, meeting):
            raise Http404("No such meeting")
        messages.warning(
            request, f"Correct the dates of {meeting.title}: {dates.DATE_RANGE_MESSAGE}"
        )
        return redirect("meeting_edit", meeting.pk)
    page = selectors.meeting_page(request.user, meeting)
    # A held or cancelled meeting's invitations are no longer answered.
    answers = [
        (i, forms.AnswerForm(invitation=i)) for i in page.answerable if not meeting.is_closed
    ]
    context = {"page": page, "can_change": page.access.can_change, "answers": answers}
    return render(request, "meetings/meeting_detail.html", context)


@login_required
@answered_once
def meeting_edit(request, meeting_id=None):
    if meeting_id is None:
        if not permissions.can_plan_meetings(request.user):
            raise Http404("No such page")
        meeting = Meeting()
        # Planned from a group's page: the meeting is the group's, under its Chatham House default.
        # An address with a group that is not a visible group's id plans a meeting of no group.
        group_id = request.GET.get("group", "")
        group = permissions.visible_groups(request.user).filter(
            pk=int(group_id) if group_id.isascii() and group_id.isdigit() else 0
        )
        for found in group:
            meeting.group = found
            meeting.chatham_house = found.chatham_house_default
    else:
        meeting = permissions.get_meeting_for_user(request.user, meeting_id, to_change=True)
    form = forms.MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            reopened = services.meeting_save(form.instance, version=form.version)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved {meeting.title}.")
            if reopened:
                messages.info(
                    request,
                    f"The dates or place changed: {reopened} answered invitation"
                    f"{pluralize(reopened)} returned to pending and the invited were told.",
                )
            return redirect("meeting_detail", meeting.pk)
    return render(request, "meetings/meeting_form.html", {"form": form, "meeting": meeting})


@login_required
def invitations(request, meeting_id):
    meeting = permissions.get_meeting_for_user(request.user, meeting_id, to_change=True)
    invite = forms.InvitationForm(
        request.POST if "invite" in request.POST else None, meeting=meeting
    )
    attendance = forms.AttendanceForm(
        request.POST if "attendance" in request.POST else None,
        meeting=meeting,
        initial={"attended": _attended_invitations(meeting)},
    )
    walk_in = forms.WalkInForm(request.POST if "walk_in" in request.POST else None)
    if walk_in.is_bound and walk_in.is_valid():
        try:
            row = services.attendance_add(meeting, **walk_in.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(walk_in, error)
        else:
            messages.success(request, f"Recorded {row.person or row.member.display_name}.")
            return redirect("meeting_invitations", meeting.pk)
    if invite.is_bound and invite.is_valid():
        try:
            created = services.invitations_send(meeting, **invite.cleaned_data)
        except ValidationError as error:
            add_service_errors(invite, error)
        else:
            messages.success(
                request, f"Sent {len(created)} new invitation{pluralize(len(created))}."
            )
            for invitation, skipped in _not_told(meeting, created):
                invited = invitation.person or invitation.member.display_name
                reasons = "; ".join(reason for _, reason in skipped)
                messages.warning(
                    request,
                    f"{invited} is invited, but not everyone who answers for it is told: "
                    f"{reasons}.",
                )
            return redirect("meeting_invitations", meeting.pk)
    if attendance.is_bound and attendance.is_valid():
        try:
            rows = services.attendance_record(meeting, list(attendance.cleaned_data["attended"]))
        except ValidationError as error:
            add_service_errors(attendance, error)
        else:
            messages.success(request, f"Recorded the attendance of {len(rows)}.")
            return redirect("meeting_invitations", meeting.pk)
    context = {
        "meeting": meeting,
        "invite": invite,
        "attendance": attendance,
        "walk_in": walk_in,
        **vars(selectors.invitations_page(meeting)),
    }
    return render(request, "meetings/invitation_list.html", context)


@login_required
@require_POST
def attendance_remove(request, meeting_id):
    meeting = permissions.get_meeting_for_user(request.user, meeting_id, to_change=True)
    form = forms.AttendanceRemoveForm(request.POST)
    if not form.is_valid():
        raise Http404("No such attendance")
    row = get_object_or_404(meeting.attendance, pk=form.cleaned_data["attendance"])
    services.attendance_remove(row, by=request.user)
    messages.success(request, f"Removed {row.person or row.member.display_name}.")
    return redirect("meeting_invitations", meeting.pk)


def _not_told(meeting, invitations):
    """The invitations some of whose readers may not see the meeting, with those left out."""
    audiences = permissions.invitation_audiences(meeting, invitations)
    return [(i, audiences[i.pk].skipped) for i in invitations if audiences[i.pk].skipped]


def _attended_invitations(meeting):
    attended = {(a.member_id, a.person_id) for a in meeting.attendance.all()}
    return [
        i
        for i in meeting.invitations.select_related("person")
        if (i.member_id or (i.person.affiliation_id if i.person else None), i.person_id) in attended
    ]


@login_required
@require_POST
def invitation_answer(request, meeting_id, invitation_id):
    meeting = permissions.get_meeting_for_user(request.user, meeting_id)
    invitation = get_object_or_404(meeting.invitations, pk=invitation_id)
    invitation.meeting = meeting
    if not permissions.can_answer_invitation(request.user, invitation):
        raise Http404("No such invitation")
    form = forms.AnswerForm(request.POST, invitation=invitation)
    if form.is_valid():
        try:
            services.invitation_answer(
                invitation,
                form.cleaned_data["response"],
                request.user,
                note=form.cleaned_data["note"],
                delegates=form.cleaned_data.get("delegates", ()),
                version=form.version,
            )
        except versions.EditConflict as conflict:
            changes = "; ".join(f"{label}: {old} → {new}" for label, old, new in conflict.changes)
            messages.error(
                request,
                f"{', '.join(conflict.editors) or 'Someone'} answered since you opened the page"
                f"{f' ({changes})' if changes else ''}. Your answer is not saved: read the "
                "current answer below and answer again.",
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, f"Your answer is recorded: {invitation.get_response_display().lower()}."
            )
    else:
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
    return redirect("meeting_detail", meeting.pk)


@login_required
def invite_group(request, meeting_id):
    meeting = permissions.get_meeting_for_user(request.user, meeting_id, to_change=True)
    if request.method == "POST":
        try:
            created = services.invitations_send_to_group(meeting, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                f"Invited the working group: {len(created)} new invitation"
                f"{pluralize(len(created))}.",
            )
        return redirect("meeting_invitations", meeting.pk)
    invitees = permissions.group_invitees(meeting)
    new = [i for i in invitees if not i.already_invited]
    context = {
        "meeting": meeting,
        "told": [i for i in new if not i.skipped],
        "skipped": [i for i in new if i.skipped],
        "already": [i for i in invitees if i.already_invited],
        "closed": meeting.is_closed,
    }
    return render(request, "meetings/invite_group.html", context)


@login_required
@require_POST
def invitations_remind(request, meeting_id):
    meeting = permissions.get_meeting_for_user(request.user, meeting_id, to_change=True)
    try:
        count = services.remind_now(meeting, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Reminded {count}.")
    return redirect("meeting_invitations", meeting.pk)


@login_required
@require_POST
def attendance_from_answers(request, meeting_id):
    meeting = permissions.get_meeting_for_user(request.user, meeting_id, to_change=True)
    try:
        rows = services.attendance_from_answers(meeting, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Recorded the attendance of {len(rows)} from the answers.")
    return redirect("meeting_invitations", meeting.pk)


@login_required
@answered_once
def outcomes(request, meeting_id):
    meeting = permissions.get_meeting_for_user(request.user, meeting_id, to_change=True)
    form = forms.OutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.outcome_add(meeting, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Added outcome {outcome.number}.")
            return redirect("meeting_outcomes", meeting.pk)
    record = getattr(meeting, "outcome_record", None) if meeting.group_id else None
    context = {
        "meeting": meeting,
        "form": form,
        "outcomes": meeting.outcomes.order_by("number"),
        "record": record,
        "locked": bool(record and record.is_approved),
    }
    return render(request, "meetings/outcome_list.html", context)


@login_required
@require_POST
def outcome_delete(request, meeting_id, outcome_id):
    meeting = permissions.get_meeting_for_user(request.user, meeting_id, to_change=True)
    outcome = get_object_or_404(meeting.outcomes, pk=outcome_id)
    try:
        services.outcome_delete(outcome)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Removed outcome {outcome.number}; the rest are renumbered.")
    return redirect("meeting_outcomes", meeting.pk)
