from .permissions import can_assign, can_author


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_progress": can_assign(user), "nav_authoring": can_author(user)}
