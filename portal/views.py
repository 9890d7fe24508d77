from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from groups import selectors
from meetings import selectors as meeting_selectors
from portal import health, permissions
from reports import selectors as report_selectors
from workplans import selectors as workplan_selectors


@login_required
def home(request):
    """What this person must do next: a panel for each of their roles."""
    user = request.user
    today = timezone.localdate()
    groups = list(selectors.with_current_co_chairs(permissions.visible_groups(user)))
    secretariat = permissions.is_secretariat(user)
    context = {
        "groups": groups,
        "secretariat": secretariat,
        "reports_waiting": report_selectors.reports_waiting(user),
        "statements_waiting": report_selectors.statements_waiting(user),
        "under_silence": _under_silence(user),
    }
    if secretariat:
        context |= {
            "meetings_ahead": meeting_selectors.meetings_ahead(user),
            "attention": workplan_selectors.actions_needing_attention(
                permissions.visible_work_plans(user), today
            ),
            "failed_renderings": report_selectors.failed_renderings(),
            "proposals": workplan_selectors.proposals_to_decide(user),
            "alerts": selectors.secretariat_alerts(today),
        }
        return render(request, "portal/home.html", context)
    access = permissions.group_access(user)
    chaired = [g for g in groups if g.pk in access.co_chaired]
    meetings = meeting_selectors.my_next_meetings(user, groups=[g.pk for g in chaired])
    context |= {
        "co_chaired": _co_chaired(user, chaired, meetings, today) if chaired else [],
        "meetings": meetings.rows,
        "takes_part": bool(access.group_ids),
        "member_actions": workplan_selectors.member_actions(user, today)
        if access.group_ids
        else None,
    }
    return render(request, "portal/home.html", context)


@dataclass
class CoChaired:
    """What a co-chair deals with in one group: its next meeting, its actions that need
    chasing, and the proposals waiting for the co-chairs' decision."""

    group: object
    next_meeting: meeting_selectors.MyMeeting | None
    attention: workplan_selectors.GroupAttention | None
    proposals: list[workplan_selectors.ProposalsWaiting]


def _co_chaired(user, groups, meetings, today) -> list[CoChaired]:
    plans = permissions.visible_work_plans(user).filter(group__in=[g.pk for g in groups])
    attention = {
        row.group.pk: row for row in workplan_selectors.actions_needing_attention(plans, today)
    }
    proposals = workplan_selectors.proposals_to_decide(user)
    return [
        CoChaired(
            group,
            meetings.next_of.get(group.pk),
            attention.get(group.pk),
            [p for p in proposals if p.plan.group_id == group.pk],
        )
        for group in groups
    ]


def _under_silence(user) -> list[tuple[object, bool]]:
    """The texts under silence in this person's groups, each with whether they may break
    silence on it (as a member's focal point, before the deadline)."""
    procedures = selectors.under_silence(permissions.visible_silence_procedures(user))
    return [(p, bool(permissions.silence_breaking_members(user, p))) for p in procedures]


def healthz(request):
    """Readiness for the proxy and monitoring: the database and the broker answer."""
    down = health.problems()
    if down:
        return HttpResponse(f"down: {', '.join(down)}\n", content_type="text/plain", status=503)
    return HttpResponse("ok\n", content_type="text/plain")


def livez(request):
    """Liveness for the container's health check: the process answers, nothing more."""
    return HttpResponse("ok\n", content_type="text/plain")
