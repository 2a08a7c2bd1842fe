"""What higher apps add to courses, registered from their AppConfig.ready().

Completion checks: courses only knows lessons and attendance. Assessments registers a
check ("its required quizzes are passed"); a check returns the unmet conditions as short,
translated sentences, and the course completes only when every check returns none.

Course page panels: a URL name taking the course id, whose page is a block of the
course page (assessments' quizzes of the course). The course page loads each one over
htmx, so that courses never names a higher app's URLs.
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


_course_panels: list[str] = []


def course_panel_register(url_name: str) -> str:
    """Add a block to the course page: ``url_name`` reverses with the course id."""
    if url_name not in _course_panels:
        _course_panels.append(url_name)
    return url_name


def course_panels() -> list[str]:
    return list(_course_panels)
