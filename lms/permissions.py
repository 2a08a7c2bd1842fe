"""Who may see and change what: one policy per object kind, for pages and API alike.

Each policy has a queryset face (``*_visible_to``) for lists and a predicate face
(``can_*``) for single objects. A forbidden object is answered like a missing one (404).
"""

from django.contrib.auth.models import Group
from django.db.models import Q, QuerySet

from .models import Evidence, Mentorship, Role, Team, User


def _sees_everyone(user: User) -> bool:
    return user.is_superuser or user.has_role(Role.HR, Role.ADMIN)


def people_visible_to(user: User) -> QuerySet[User]:
    """Self; members of teams the user leads; active mentees; everyone for HR and admin."""
    people = User.objects.filter(is_active=True)
    if not user.is_authenticated:
        return people.none()
    if _sees_everyone(user):
        return people
    rule = Q(pk=user.pk)
    if user.has_role(Role.TEAM_LEAD):
        rule |= Q(team__lead=user)
    if user.has_role(Role.MENTOR):
        rule |= Q(
            pk__in=Mentorship.objects.filter(mentor=user, ended_on__isnull=True).values("mentee")
        )
    return people.filter(rule)


def can_view_person(user: User, person: User) -> bool:
    return people_visible_to(user).filter(pk=person.pk).exists()


def teams_visible_to(user: User) -> QuerySet[Team]:
    if not user.is_authenticated:
        return Team.objects.none()
    if _sees_everyone(user):
        return Team.objects.all()
    rule = Q(pk=user.team_id) if user.team_id else Q(pk__in=[])
    if user.has_role(Role.TEAM_LEAD):
        rule |= Q(lead=user)
    return Team.objects.filter(rule)


def can_view_heatmap(user: User) -> bool:
    return user.is_authenticated and (_sees_everyone(user) or user.has_role(Role.TEAM_LEAD))


def heatmap_teams_for(user: User) -> QuerySet[Team]:
    """The teams whose people the user may put on the heatmap."""
    if _sees_everyone(user):
        return Team.objects.all()
    if user.has_role(Role.TEAM_LEAD):
        return Team.objects.filter(lead=user)
    return Team.objects.none()


def heatmap_people_for(user: User) -> QuerySet[User]:
    """Agents only: HR, trainers and leads have no competency profile to show."""
    agents = User.objects.filter(
        is_active=True, pk__in=Group.objects.filter(name=Role.AGENT).values("user")
    )
    if _sees_everyone(user):
        return agents
    return agents.filter(team__in=heatmap_teams_for(user))


def mentorships_visible_to(user: User) -> QuerySet[Mentorship]:
    if not user.is_authenticated:
        return Mentorship.objects.none()
    if _sees_everyone(user):
        return Mentorship.objects.all()
    rule = Q(mentor=user) | Q(mentee=user)
    if user.has_role(Role.TEAM_LEAD):
        rule |= Q(mentee__team__lead=user) | Q(mentor__team__lead=user)
    return Mentorship.objects.filter(rule)


def can_manage_mentorships(user: User) -> bool:
    return user.is_authenticated and _sees_everyone(user)


def evidence_visible_to(user: User) -> QuerySet[Evidence]:
    return Evidence.objects.filter(agent__in=people_visible_to(user).values("pk"))


def can_record_assessment(user: User) -> bool:
    """HR assessments are HR's (and admin's) to record."""
    return user.is_authenticated and _sees_everyone(user)
