"""Who may see and change banks, quizzes and attempts (pages and API alike)."""

from django.db.models import QuerySet

from courses.permissions import can_author
from lms.models import User
from lms.permissions import people_visible_to

from .models import Attempt, Question, QuestionBank, Quiz

__all__ = ["can_author"]


def banks_visible_to(user: User) -> QuerySet[QuestionBank]:
    """Question banks (and their answer keys) are for authors only."""
    return QuestionBank.objects.all() if can_author(user) else QuestionBank.objects.none()


def questions_visible_to(user: User) -> QuerySet[Question]:
    return Question.objects.all() if can_author(user) else Question.objects.none()


def quizzes_visible_to(user: User) -> QuerySet[Quiz]:
    """Published quizzes for everyone signed in; drafts and archived ones for authors."""
    if can_author(user):
        return Quiz.objects.all()
    if not user.is_authenticated:
        return Quiz.objects.none()
    return Quiz.objects.filter(status=Quiz.Status.PUBLISHED)


def attempts_visible_to(user: User) -> QuerySet[Attempt]:
    """Own attempts; those of the people the user looks after; all for authors and HR."""
    if can_author(user):
        return Attempt.objects.all()
    return Attempt.objects.filter(agent__in=people_visible_to(user).values("pk"))


def can_see_results(user: User) -> bool:
    """Results per quiz and per person: mentors, team leads, HR and authors."""
    return user.is_authenticated and (
        can_author(user) or user.has_role("mentor", "team_lead", "hr", "admin")
    )


def can_review(user: User, attempt: Attempt) -> bool:
    """The question-by-question report with answers and explanations.

    Never before submission, for anyone. The agent sees it when the quiz allows review;
    trainers and HR always; mentors and team leads never (they see scores).
    """
    if attempt.is_open:
        return False
    if attempt.agent_id == user.pk:
        return attempt.quiz.allow_review or can_author(user)
    # Mentors and team leads are often agents who take the same quizzes: they see the
    # score, not the key. Authors and HR see the whole report.
    return can_author(user)
