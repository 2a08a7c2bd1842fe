"""Who may see and grade role-play and case-review submissions (pages and API alike).

The queryset faces (``*_visible_to``, ``gradeable_submissions_for``) serve lists; the
predicates (``can_*``) single objects. A forbidden submission answers like a missing one.
"""

from django.db.models import Q, QuerySet

from courses.permissions import can_author
from lms.models import Mentorship, User
from lms.permissions import people_visible_to

from .models import Submission


def _grades_everything(user: User) -> bool:
    """Trainers, HR and admin may grade any submission (but never their own)."""
    return user.is_authenticated and (user.is_superuser or can_author(user))


def submissions_visible_to(user: User) -> QuerySet[Submission]:
    """Own submissions; mentees' for mentors; the team's for leads; all for authors/HR."""
    if not user.is_authenticated:
        return Submission.objects.none()
    if _grades_everything(user):
        return Submission.objects.all()
    return Submission.objects.filter(agent__in=people_visible_to(user).values("pk"))


def gradeable_submissions_for(user: User) -> QuerySet[Submission]:
    """The submissions ``can_grade`` allows, as one queryset: an active mentee's work for a
    mentor, anyone's for authors and HR; never the user's own."""
    if not user.is_authenticated:
        return Submission.objects.none()
    if _grades_everything(user):
        return Submission.objects.exclude(agent=user)
    mentees = Mentorship.objects.filter(mentor=user, ended_on__isnull=True).values("mentee")
    return Submission.objects.filter(Q(agent__in=mentees)).exclude(agent=user)


def can_grade(user: User, submission: Submission) -> bool:
    if not user.is_authenticated or submission.agent_id == user.pk:
        return False
    if _grades_everything(user):
        return True
    return Mentorship.objects.filter(
        mentor=user, mentee_id=submission.agent_id, ended_on__isnull=True
    ).exists()


def can_run(user: User, submission: Submission) -> bool:
    """Only the agent answers their own role-play: a mentor who may see it gets a 404."""
    return user.is_authenticated and submission.agent_id == user.pk
