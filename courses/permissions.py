"""Who may see and change courses, enrolments and sessions (pages and API alike)."""

from django.db.models import Q, QuerySet

from lms.models import Mentorship, Role, Team, User
from lms.permissions import people_visible_to

from .models import Course, CourseSession, Enrolment, LearningPath, SessionRegistration


def can_author(user: User) -> bool:
    """Trainers write courses, lessons, paths and sessions; HR and admin may too."""
    return user.is_authenticated and user.has_role(Role.TRAINER, Role.HR, Role.ADMIN)


def courses_visible_to(user: User) -> QuerySet[Course]:
    """Published courses for everyone; drafts and archived ones for authors."""
    if can_author(user):
        return Course.objects.all()
    return Course.objects.filter(status=Course.Status.PUBLISHED)


def paths_visible_to(user: User) -> QuerySet[LearningPath]:
    if can_author(user):
        return LearningPath.objects.all()
    return LearningPath.objects.filter(is_published=True)


def enrolments_visible_to(user: User) -> QuerySet[Enrolment]:
    """Own enrolments; the people the user may see (mentees, team, everyone for HR)."""
    return Enrolment.objects.filter(agent__in=people_visible_to(user).values("pk"))


def assignable_people_for(user: User) -> QuerySet[User]:
    """Whom the user may assign training to: HR everyone, team leads their teams, mentors
    their active mentees. Nobody assigns to themselves (they enrol themselves)."""
    if not user.is_authenticated:
        return User.objects.none()
    people = User.objects.filter(is_active=True).exclude(pk=user.pk)
    if user.is_superuser or user.has_role(Role.HR, Role.ADMIN):
        return people
    rule = Q(pk__in=[])
    if user.has_role(Role.TEAM_LEAD):
        rule |= Q(team__lead=user)
    if user.has_role(Role.MENTOR):
        rule |= Q(
            pk__in=Mentorship.objects.filter(mentor=user, ended_on__isnull=True).values("mentee")
        )
    return people.filter(rule)


def can_assign(user: User) -> bool:
    return user.is_authenticated and (
        user.is_superuser or user.has_role(Role.HR, Role.ADMIN, Role.TEAM_LEAD, Role.MENTOR)
    )


def assignment_source_for(user: User, agent: User) -> str:
    """How an assignment by this user is recorded: HR, team lead or mentor."""
    if user.is_superuser or user.has_role(Role.HR, Role.ADMIN):
        return Enrolment.Source.HR
    if user.has_role(Role.TEAM_LEAD) and agent.team_id and agent.team.lead_id == user.pk:
        return Enrolment.Source.TEAM_LEAD
    return Enrolment.Source.MENTOR


def can_manage_enrolment(user: User, enrolment: Enrolment) -> bool:
    """Withdraw or change: the agent themselves, or whoever may assign them work."""
    if enrolment.agent_id == user.pk:
        return True
    return assignable_people_for(user).filter(pk=enrolment.agent_id).exists()


def can_take_attendance(user: User, session: CourseSession) -> bool:
    return user.is_authenticated and (session.instructor_id == user.pk or can_author(user))


def registrations_visible_to(user: User) -> QuerySet[SessionRegistration]:
    if can_author(user):
        return SessionRegistration.objects.all()
    return SessionRegistration.objects.filter(
        Q(agent__in=people_visible_to(user).values("pk")) | Q(session__instructor=user)
    )


def assign_teams_for(viewer: User) -> QuerySet:
    """Teams the viewer may assign training to as a whole: HR any team, team leads the
    teams they lead, mentors none (they assign to their mentees one by one)."""

    if not viewer.is_authenticated:
        return Team.objects.none()
    if viewer.is_superuser or viewer.has_role(Role.HR, Role.ADMIN):
        return Team.objects.order_by("code")
    if viewer.has_role(Role.TEAM_LEAD):
        return Team.objects.filter(lead=viewer).order_by("code")
    return Team.objects.none()
