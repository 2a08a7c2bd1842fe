"""The agent's quiz pages: my quizzes, a quiz, taking an attempt, its result, history.

Answer-key secrecy: the pages of an open attempt load it without its key
(``selectors.attempt_get_own``) and show ``selectors.attempt_paper``. Only the result page
of a submitted attempt reads ``selectors.attempt_report``, and only when
``permissions.can_review`` says so; the attempt itself never enters that page's context.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reswap, retarget

from lms.models import User

from . import selectors, services
from .models import Attempt, Quiz
from .permissions import can_review

HISTORY_PAGE_SIZE = 20


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _quiz_or_404(user: User, pk: int) -> Quiz:
    try:
        return selectors.quiz_get_for(user, pk)
    except Quiz.DoesNotExist as exc:
        raise Http404 from exc


def _own_attempt_or_404(user: User, pk: int) -> Attempt:
    """Only the agent answers their attempt: a mentor or HR who may see it gets a 404 too."""
    try:
        return selectors.attempt_get_own(user, pk)
    except Attempt.DoesNotExist as exc:
        raise Http404 from exc


def _is_expired(attempt: Attempt, now: datetime.datetime) -> bool:
    return attempt.deadline is not None and now >= attempt.deadline


def _submit_expired(request: HttpRequest, attempt: Attempt, now: datetime.datetime):
    services.attempt_submit(attempt=attempt, now=now)
    messages.info(
        request, _("Time was up: your attempt was scored with the answers saved before then.")
    )
    return redirect("assessments:attempt-result", pk=attempt.pk)


# --- My quizzes and a quiz's page -----------------------------------------------------


@login_required
def my_quizzes(request: HttpRequest) -> HttpResponse:
    summaries = selectors.quizzes_for_agent(request.user)
    return render(request, "assessments/my_quizzes.html", {"summaries": summaries})


@login_required
@vary_on_headers("HX-Request")
def course_quizzes(request: HttpRequest, course_id: int) -> HttpResponse:
    """The quizzes block of a course page, loaded by htmx (courses never import assessments).
    Without htmx the page's own link leads to My quizzes; so does this URL."""
    if not request.htmx:
        return redirect("assessments:my-quizzes")
    summaries = [
        summary
        for summary in selectors.quizzes_for_agent(request.user)
        if summary.quiz.course_id == course_id
    ]
    return render(request, "components/quiz_course_block.html", {"summaries": summaries})


@login_required
def quiz_detail(request: HttpRequest, pk: int) -> HttpResponse:
    quiz = _quiz_or_404(request.user, pk)
    attempts = list(selectors.attempt_history(request.user, quiz=quiz))
    submitted = [a for a in attempts if not a.is_open]
    context = {
        "quiz": quiz,
        "attempts": attempts,
        "attempts_used": len(attempts),
        "attempts_left": (
            None if quiz.attempt_limit is None else max(quiz.attempt_limit - len(attempts), 0)
        ),
        "open_attempt": next((a for a in attempts if a.is_open), None),
        "best_percent": max((a.percent for a in submitted), default=None),
        "passed": any(a.passed for a in submitted),
        "question_count": selectors.quiz_question_count(quiz),
    }
    return render(request, "assessments/quiz_detail.html", context)


@login_required
@require_POST
def quiz_start(request: HttpRequest, pk: int) -> HttpResponse:
    """Start an attempt, or resume the open one; a refusal (no attempts left, quiz closed)
    is shown on the quiz page and nothing is created."""
    quiz = _quiz_or_404(request.user, pk)
    try:
        attempt = services.attempt_start(quiz=quiz, agent=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("assessments:quiz-detail", pk=quiz.pk)
    return redirect("assessments:attempt", pk=attempt.pk)


# --- Taking an attempt ----------------------------------------------------------------


def _question_number(raw: str | None, total: int) -> int:
    try:
        number = int(raw or 1)
    except ValueError:
        number = 1
    return min(max(number, 1), max(total, 1))


def _remaining(attempt: Attempt, now: datetime.datetime) -> str:
    seconds = max(int((attempt.deadline - now).total_seconds()), 0)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def _attempt_context(attempt: Attempt, *, page: str | None, now: datetime.datetime) -> dict:
    """Everything the attempt page and its partials show: the paper (never the key)."""
    paper = selectors.attempt_paper(attempt, language=get_language())
    one_per_page = attempt.quiz.one_per_page
    current = _question_number(page, len(paper)) if one_per_page and paper else None
    answered = sum(1 for question in paper if question.answered)
    context = {
        "attempt": attempt,
        "quiz": attempt.quiz,
        "paper": paper,
        "questions": [paper[current - 1]] if current else paper,
        "one_per_page": one_per_page,
        "current": current,
        "previous": current - 1 if current and current > 1 else None,
        "next": current + 1 if current and current < len(paper) else None,
        "answered_count": answered,
        "unanswered": len(paper) - answered,
    }
    if attempt.deadline is not None:
        context.update(
            deadline_iso=attempt.deadline.isoformat(timespec="milliseconds"),
            now_iso=now.isoformat(timespec="milliseconds"),
            remaining=_remaining(attempt, now),
        )
    return context


@login_required
def attempt(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = _own_attempt_or_404(request.user, pk)
    if not attempt.is_open:
        return redirect("assessments:attempt-result", pk=attempt.pk)
    now = timezone.now()
    if _is_expired(attempt, now):
        return _submit_expired(request, attempt, now)
    context = _attempt_context(attempt, page=request.GET.get("q"), now=now)
    return render(request, "assessments/attempt.html", context)


def _attempt_url(attempt: Attempt, *, one_per_page: bool, go: str | None, number: int) -> str:
    url = reverse("assessments:attempt", args=[attempt.pk])
    if one_per_page:
        return f"{url}?q={_question_number(go, len(attempt.paper)) if go else number}"
    return f"{url}#q-{number}"


@login_required
@require_POST
def answer_save(request: HttpRequest, pk: int, question_id: int) -> HttpResponse:
    """Autosave one question (htmx, on every change) or save it from the plain form."""
    attempt = _own_attempt_or_404(request.user, pk)
    number = next(
        (n for n, item in enumerate(attempt.paper, start=1) if item["id"] == question_id), None
    )
    if number is None:
        raise Http404
    error = ""
    try:
        selected = [int(value) for value in request.POST.getlist("selected")]
    except ValueError:
        error = _("Choose among the question's options.")
    else:
        try:
            services.answer_save(attempt=attempt, question_id=question_id, selected=selected)
        except ValidationError as exc:
            error = _error_text(exc)
    one_per_page = attempt.quiz.one_per_page
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _("Answer saved."))
        return redirect(
            _attempt_url(
                attempt, one_per_page=one_per_page, go=request.POST.get("go"), number=number
            )
        )
    page = str(number) if one_per_page else None
    context = _attempt_context(attempt, page=page, now=timezone.now())
    context.update(q=context["paper"][number - 1], error=error, saved=not error, oob=True)
    response = render(request, "assessments/attempt.html#answer-response", context)
    if error:
        # Show what is really stored, not the refused change.
        response = reswap(retarget(response, f"#q-{number}"), "outerHTML")
    return response


@login_required
@require_POST
def attempt_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit and score (idempotent). After the deadline, what was saved before it counts."""
    attempt = _own_attempt_or_404(request.user, pk)
    if attempt.is_open:
        services.attempt_submit(attempt=attempt)
        messages.success(request, _("Your answers are submitted."))
    return redirect("assessments:attempt-result", pk=attempt.pk)


# --- Result and history ---------------------------------------------------------------


@login_required
def attempt_result(request: HttpRequest, pk: int) -> HttpResponse:
    """The score; the question-by-question report only when ``can_review``. Mentors, leads,
    HR and authors who may see the attempt read the same page."""
    try:
        attempt = selectors.attempt_get_for(request.user, pk)
    except Attempt.DoesNotExist as exc:
        raise Http404 from exc
    is_own = attempt.agent_id == request.user.pk
    if attempt.is_open and is_own:
        return redirect("assessments:attempt", pk=attempt.pk)
    review = can_review(request.user, attempt)
    report = selectors.attempt_report(attempt, language=get_language()) if review else None
    # The page gets these facts, not the attempt: its key stays out of the context.
    result = {
        "pk": attempt.pk,
        "number": attempt.number,
        "quiz": attempt.quiz,
        "agent": attempt.agent,
        "is_own": is_own,
        "is_open": attempt.is_open,
        "started_at": attempt.started_at,
        "submitted_at": attempt.submitted_at,
        "score": attempt.score,
        "max_score": attempt.max_score,
        "percent": attempt.percent,
        "passed": attempt.passed,
    }
    return render(
        request,
        "assessments/attempt_result.html",
        {"result": result, "quiz": attempt.quiz, "report": report},
    )


@login_required
def history(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.attempt_history(request.user), HISTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "assessments/history.html", {"page": page})
