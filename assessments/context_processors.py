from lms.models import Role

from .disputes import may_arbitrate
from .live import can_host
from .permissions import can_author, can_see_results
from .plans import can_see_plans


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_results": can_see_results(user),
        "nav_grading": can_author(user) or user.has_role(Role.MENTOR),
        "nav_disputes": may_arbitrate(user),
        "nav_live_host": can_host(user),
        "nav_plans": can_see_plans(user),
    }
