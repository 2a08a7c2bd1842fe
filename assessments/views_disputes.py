"""After a grade: the agent acknowledges it or disputes a criterion (from the submission
page); mentors, trainers and HR decide disputes of work they did not grade.

The agent's POSTs answer 404 for a submission that is not theirs; the arbitration pages
answer 404 to anyone who may not arbitrate (the list) or may not decide this dispute.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lms.models import User

from . import disputes as services
from . import roleplay_selectors as selectors
from .models import Criterion, CriterionLevel, Dispute, Submission

DISPUTES_PAGE_SIZE = 20


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _own_or_404(user: User, pk: int) -> Submission:
    """The user's own submission; anyone else's answers like a missing one."""
    try:
        submission = selectors.submission_get_for(user, pk)
    except Submission.DoesNotExist as exc:
        raise Http404 from exc
    if submission.agent_id != user.pk:
        raise Http404
    return submission


# --- The agent ------------------------------------------------------------------------


@login_required
@require_POST
def submission_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _own_or_404(request.user, pk)
    try:
        services.submission_acknowledge(submission=submission, agent=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("You acknowledged the grade."))
    return redirect("assessments:roleplay-submission", pk=submission.pk)


@login_required
@require_POST
def dispute_raise(request: HttpRequest, pk: int, criterion_id: int) -> HttpResponse:
    submission = _own_or_404(request.user, pk)
    criterion = get_object_or_404(
        Criterion, pk=criterion_id, version_id=submission.rubric_version_id
    )
    try:
        services.dispute_raise(
            submission=submission,
            criterion=criterion,
            agent=request.user,
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request, _("Your dispute is sent: another mentor or a trainer will decide it.")
        )
    url = reverse("assessments:roleplay-submission", args=[submission.pk])
    return redirect(f"{url}#criterion-{criterion.pk}")


# --- Arbitration ------------------------------------------------------------------------


@login_required
def dispute_list(request: HttpRequest) -> HttpResponse:
    """Open disputes the user may decide, oldest first."""
    if not services.may_arbitrate(request.user):
        raise Http404
    page = Paginator(services.disputes_to_arbitrate(request.user), DISPUTES_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "assessments/roleplay/disputes/list.html", {"page": page})


def _decide_context(user: User, dispute: Dispute, **extra) -> dict:
    submission = dispute.submission
    detail = selectors.submission_detail(submission, viewer=user)
    rubric_criterion = next(
        (rc for rc in detail.criteria if rc.criterion.pk == dispute.criterion_id), None
    )
    final = detail.final_grade
    return {
        "dispute": dispute,
        "submission": submission,
        "scenario": submission.scenario,
        "detail": detail,
        "rc": rubric_criterion,
        "final": final,
        "given": final.scores.get(dispute.criterion_id) if final else None,
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def dispute_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The transcript, the criterion with its levels, the grader's level and comment and
    the agent's reason; the form upholds (with a level) or rejects."""
    try:
        dispute = services.dispute_get_for(request.user, pk)
    except Dispute.DoesNotExist as exc:
        raise Http404 from exc
    template = "assessments/roleplay/disputes/decide.html"
    if request.method != "POST":
        return render(request, template, _decide_context(request.user, dispute))
    outcome = request.POST.get("outcome", "")
    decision = request.POST.get("decision", "")
    raw_level = request.POST.get("level", "")
    error = ""
    if outcome not in ("uphold", "reject"):
        error = _("Choose to uphold or to reject the dispute.")
    else:
        new_level = (
            CriterionLevel.objects.filter(
                criterion_id=dispute.criterion_id, pk=raw_level if raw_level.isdigit() else 0
            ).first()
            if outcome == "uphold"
            else None
        )
        try:
            services.dispute_decide(
                dispute=dispute,
                arbiter=request.user,
                uphold=outcome == "uphold",
                decision=decision,
                new_level=new_level,
            )
        except ValidationError as exc:
            error = _error_text(exc)
    if error:
        messages.error(request, error)
        dispute.refresh_from_db()
        context = _decide_context(request.user, dispute, decision=decision, chosen_level=raw_level)
        return render(request, template, context, status=400)
    if outcome == "uphold":
        messages.success(request, _("Dispute upheld: the submission is scored again."))
    else:
        messages.success(request, _("Dispute rejected: the grade stands."))
    return redirect("assessments:roleplay-disputes")
