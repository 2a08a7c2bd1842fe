from .permissions import can_manage_mentorships, can_view_heatmap
from .selectors import notifications_unread_count


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_heatmap": can_view_heatmap(user),
        "nav_mentorships": can_manage_mentorships(user),
        "nav_unread": notifications_unread_count(user),
    }
