from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from groups import selectors
from portal import permissions


@login_required
def group_list(request):
    groups = selectors.with_current_co_chairs(permissions.visible_groups(request.user))
    return render(request, "groups/group_list.html", {"groups": groups})


@login_required
def group_detail(request, slug):
    group = permissions.get_group_for_user(request.user, slug)
    context = {
        "page": selectors.group_page(group),
        "role": permissions.Role.LABELS[permissions.role_in_group(request.user, group)],
        "can_change": permissions.can_change_group(request.user, group),
    }
    return render(request, "groups/group_detail.html", context)


@login_required
def terms_of_reference_detail(request, slug, version):
    tor = permissions.get_terms_of_reference_for_user(request.user, slug, version)
    return render(request, "groups/terms_of_reference_detail.html", {"tor": tor})


@login_required
def member_list(request):
    members = permissions.visible_members(request.user)
    return render(
        request,
        "groups/member_list.html",
        {
            "ahg_members": [m for m in members if m.is_ahg_member],
            "other_members": [m for m in members if not m.is_ahg_member and not m.is_observer],
            "observers": [m for m in members if m.is_observer],
        },
    )


@login_required
def member_detail(request, slug):
    member = permissions.get_member_for_user(request.user, slug)
    groups = selectors.member_groups(member, permissions.visible_groups(request.user))
    return render(request, "groups/member_detail.html", {"member": member, "groups": groups})
