from lms.models import Role

from .permissions import can_author, can_see_results


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_results": can_see_results(user),
        "nav_grading": can_author(user) or user.has_role(Role.MENTOR),
    }
