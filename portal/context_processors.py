from portal import permissions


def navigation(request):
    """What the page header needs: whether to show the secretariat's links."""
    user = getattr(request, "user", None)
    return {"show_admin_link": bool(user and permissions.is_secretariat(user))}
