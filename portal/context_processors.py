from portal import permissions


def navigation(request):
    """What the page header needs: whether to show the secretariat's links, and whether the
    session still owes its second factor (then the header offers only signing out)."""
    user = getattr(request, "user", None)
    return {
        "show_admin_link": bool(user and permissions.is_secretariat(user)),
        "second_factor_pending": getattr(request, "second_factor_pending", False),
    }
