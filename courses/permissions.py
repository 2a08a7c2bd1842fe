"""Who may see and change courses, enrolments and sessions (pages and API alike)."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from lms.models import Mentorship, Role, Team, User
from lms.permissions import people_visible_to

from .models import Course, CourseSession, Enrolment, LearningPath, SessionRegistration


def can_author(user: User) -> bool:
    """Trainers write courses, lessons, paths and sessions; HR and admin may too."""
    return user.is_authenticated and user.has_role(Role.TRAINER, Role.HR, Role.ADMIN)


def courses_visible_to(user: User) -> QuerySet[Course]:
    """Published courses for everyone; drafts and archived ones for authors; an archived
    course also for the people still following it (an enrolment not withdrawn), who carry
    on with their version and keep their course page, lessons and sessions."""
    if can_author(user):
        return Course.objects.all()
    if not user.is_authenticated:
        return Course.objects.filter(status=Course.Status.PUBLISHED)
    followed = (
        Enrolment.objects.filter(agent=user)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .values("course_id")
    )
    return Course.objects.filter(Q(status=Course.Status.PUBLISHED) | Q(pk__in=followed))


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


@dataclass(frozen=True)
class Assignees:
    """Whom an assignment reaches: the team's members (recorded with the team), the other
    people named one by one, and those among them the assigner may not assign to."""

    members: list[User]
    others: list[User]
    refused: list[User]

    @property
    def everyone(self) -> list[User]:
        return [*self.members, *self.others]


def assignees_for(user: User, *, team: Team | None, people: Iterable[User]) -> Assignees:
    """The team's active members and the other people named, each once, in a stable order
    (members by name, then the people as given), and whom of them the user may not assign
    training to (``assignable_people_for``). Two queries at most, whatever the numbers."""
    members: list[User] = []
    if team is not None:
        # Whoever assigns does not assign to themselves, even in their own team.
        members = list(
            team.members.filter(is_active=True)
            .exclude(pk=user.pk)
            .select_related("team")
            .order_by("display_name", "username")
        )
    member_ids = {m.pk for m in members}
    others = list({p.pk: p for p in people if p.pk not in member_ids}.values())
    everyone = members + others
    assignable = set(
        assignable_people_for(user)
        .filter(pk__in=[p.pk for p in everyone])
        .values_list("pk", flat=True)
    )
    refused = [p for p in everyone if p.pk not in assignable]
    return Assignees(members=members, others=others, refused=refused)


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


# Who may withdraw work depends on where it came from: each source has a rank, and a
# person may withdraw work up to the rank they hold over the agent.
_SELF, _MENTOR, _TEAM_LEAD, _HR = 0, 1, 2, 3
SOURCE_RANK = {
    Enrolment.Source.SELF: _SELF,
    Enrolment.Source.MENTOR: _MENTOR,
    Enrolment.Source.TEAM_LEAD: _TEAM_LEAD,
    Enrolment.Source.HR: _HR,
    Enrolment.Source.PATH: _HR,
    Enrolment.Source.RECERTIFICATION: _HR,
}


def withdraw_ranks_for(user: User, agent_ids: set[int]) -> dict[int, int]:
    """For each of these agents, the highest source rank of work the user may withdraw
    (an agent left out: none). At most one query, whatever the number of agents.

    The agent withdraws their own self-enrolments; a mentor their mentee's work assigned
    by a mentor or self; a team lead their team's work up to a team lead's; HR and admin
    anything (paths and recertification are HR's alone).
    """
    if not user.is_authenticated or not agent_ids:
        return {}
    if user.is_superuser or user.has_role(Role.HR, Role.ADMIN):
        return dict.fromkeys(agent_ids, _HR)
    ranks = {user.pk: _SELF} if user.pk in agent_ids else {}
    if user.has_role(Role.TEAM_LEAD, Role.MENTOR):
        leads = user.has_role(Role.TEAM_LEAD)
        rows = (
            assignable_people_for(user).filter(pk__in=agent_ids).values_list("pk", "team__lead_id")
        )
        for pk, lead_id in rows:
            # Assignable and not led by the user: a mentee.
            ranks[pk] = _TEAM_LEAD if leads and lead_id == user.pk else _MENTOR
    return ranks


def can_withdraw(rank: int | None, enrolment: Enrolment) -> bool:
    return rank is not None and SOURCE_RANK.get(enrolment.source, _HR) <= rank


def can_manage_enrolment(user: User, enrolment: Enrolment) -> bool:
    """Withdraw: see ``withdraw_ranks_for``; pages and the API ask this alone."""
    ranks = withdraw_ranks_for(user, {enrolment.agent_id})
    return can_withdraw(ranks.get(enrolment.agent_id), enrolment)


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
