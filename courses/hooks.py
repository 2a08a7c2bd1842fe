"""Extra conditions for completing a course, contributed by higher apps.

Courses only knows lessons and attendance. Assessments registers a check ("its required
quizzes are passed") from its AppConfig.ready(); a check returns the unmet conditions as
short, translated sentences, and the course completes only when every check returns none.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Enrolment

CompletionCheck = Callable[["Enrolment"], list[str]]

_completion_checks: list[CompletionCheck] = []


def completion_check_register(check: CompletionCheck) -> CompletionCheck:
    if check not in _completion_checks:
        _completion_checks.append(check)
    return check


def completion_conditions_unmet(enrolment: "Enrolment") -> list[str]:
    return [message for check in _completion_checks for message in check(enrolment)]
