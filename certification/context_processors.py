from lms.models import Role


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_certification_hr": user.is_hr,
        "nav_register": user.is_hr or user.has_role(Role.TEAM_LEAD),
    }
