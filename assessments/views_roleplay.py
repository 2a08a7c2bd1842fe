"""Role-play pages: the agent's scenarios, the runner, my submissions; the mentor's grading
queue and grading page.

Every submission is fetched through a permission-checked selector: the runner and its
reply URL only for the agent (``can_run``), the grading URLs only where ``can_grade``;
anyone else gets the same 404 as for a missing submission. Spoken replies and recordings
are served by views that check the same, never from a public media URL.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget

from courses.permissions import can_author
from lms.exports import FORMATS, table_response
from lms.models import Role, User

from . import calibration, roleplay
from . import roleplay_selectors as selectors
from .disputes import can_arbitrate
from .models import Criterion, CriterionLevel, Dispute, Grade, Scenario, Submission, SubmissionTurn
from .roleplay_permissions import can_run


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _visible_or_404(user: User, pk: int) -> Submission:
    try:
        return selectors.submission_get_for(user, pk)
    except Submission.DoesNotExist as exc:
        raise Http404 from exc


def _own_open_or_404(user: User, pk: int) -> Submission:
    submission = _visible_or_404(user, pk)
    if not can_run(user, submission):
        raise Http404
    return submission


def _gradeable_or_404(user: User, pk: int) -> Submission:
    try:
        return selectors.submission_get_gradeable(user, pk)
    except Submission.DoesNotExist as exc:
        raise Http404 from exc


# --- The agent's side -------------------------------------------------------------------


@login_required
def scenario_list(request: HttpRequest) -> HttpResponse:
    summaries = selectors.scenarios_for_agent(request.user)
    return render(request, "assessments/roleplay/list.html", {"summaries": summaries})


@login_required
@require_POST
def scenario_start(request: HttpRequest, pk: int) -> HttpResponse:
    """Start (or resume) a scenario; a redo after a return starts a fresh submission."""
    scenario = get_object_or_404(Scenario, pk=pk, status=Scenario.Status.PUBLISHED)
    try:
        submission = roleplay.submission_start(scenario=scenario, agent=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("assessments:roleplay-list")
    return redirect("assessments:roleplay-submission", pk=submission.pk)


def _runner_context(submission: Submission) -> dict:
    turns = list(submission.turns.order_by("order"))
    waiting = next((t for t in turns if t.replied_at is None), None)
    return {
        "submission": submission,
        "scenario": submission.scenario,
        "turns": turns,
        "waiting": waiting,
        "ended": waiting is None,
        "replied": any(t.replied_at is not None for t in turns),
    }


def _rows(detail: selectors.SubmissionDetail, grade: selectors.GradeView | None) -> list:
    """Each rubric criterion with its levels and the grade's score for it, if any."""
    return [
        {"rc": rc, "score": grade.scores.get(rc.criterion.pk) if grade else None}
        for rc in detail.criteria
    ]


@login_required
def submission_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The runner while the agent works on it (the agent only); afterwards the transcript,
    the quality findings and the grade, for everyone who may see the submission."""
    submission = _visible_or_404(request.user, pk)
    if submission.status == Submission.Status.IN_PROGRESS:
        if not can_run(request.user, submission):
            raise Http404
        return render(request, "assessments/roleplay/runner.html", _runner_context(submission))
    detail = selectors.submission_detail(submission, viewer=request.user)
    # Calibration: a final primary grade shows only once the submission is graded, so a
    # second grader never reads it before finishing their own.
    final = detail.final_grade if submission.status == Submission.Status.GRADED else None
    disputes = selectors.disputes_of(submission) if final else []
    by_criterion = {d.criterion_id: d for d in disputes}
    rows = [
        {**row, "dispute": by_criterion.get(row["rc"].criterion.pk)} for row in _rows(detail, final)
    ]
    is_own = submission.agent_id == request.user.pk
    open_dispute = any(d.status == Dispute.Status.OPEN for d in disputes)
    window_open = (
        final is not None
        and submission.acknowledged_at is None
        and submission.respond_by is not None
        and timezone.now() <= submission.respond_by
    )
    return render(
        request,
        "assessments/roleplay/submission.html",
        {
            "submission": submission,
            "scenario": submission.scenario,
            "detail": detail,
            "is_own": is_own,
            "final": final,
            "graded_rows": rows,
            "critical_failed": _critical_failed(rows),
            "disputes": disputes,
            "open_dispute": open_dispute,
            "may_decide": open_dispute and can_arbitrate(request.user, submission),
            "window_open": window_open,
            "can_respond": window_open and is_own,
            "second_candidates": (
                second_grader_candidates(submission)
                if can_author(request.user) and submission.status in selectors.WAITING
                else []
            ),
        },
    )


def _critical_failed(rows: list[dict]) -> bool:
    """Whether a critical criterion failed in the primary grade, with the levels that
    arbitration decided in place of the grader's."""
    for row in rows:
        dispute, score = row["dispute"], row["score"]
        if dispute is not None and dispute.status == Dispute.Status.UPHELD:
            level = dispute.new_level
        else:
            level = score.level if score else None
        if row["rc"].criterion.critical and level is not None and level.fails:
            return True
    return False


@login_required
@require_POST
def turn_reply(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the reply to the waiting customer message (htmx: append it and the next one)."""
    submission = _own_open_or_404(request.user, pk)
    try:
        roleplay.turn_reply(submission=submission, reply=request.POST.get("reply", ""))
    except ValidationError as exc:
        error = _error_text(exc)
        if not request.htmx:
            messages.error(request, error)
            return redirect("assessments:roleplay-submission", pk=submission.pk)
        context = {**_runner_context(submission), "error": error}
        response = render(request, "assessments/roleplay/runner.html#reply-box", context)
        return reswap(retarget(response, "#reply-box"), "outerHTML")
    if not request.htmx:
        return redirect(
            reverse("assessments:roleplay-submission", args=[submission.pk]) + "#reply-box"
        )
    context = _runner_context(submission)
    turns = context["turns"]
    answered = next(t for t in reversed(turns) if t.replied_at is not None)
    context.update(answered=answered, oob=True)
    return render(request, "assessments/roleplay/runner.html#reply-response", context)


@login_required
@require_POST
def turn_audio_upload(request: HttpRequest, pk: int, order: int) -> HttpResponse:
    """Keep the spoken reply to one customer message of a phone role-play."""
    submission = _own_open_or_404(request.user, pk)
    audio = request.FILES.get("audio")
    if audio is None:
        messages.error(request, _("Choose an audio file to upload."))
    else:
        try:
            roleplay.turn_audio_attach(submission=submission, order=order, audio=audio)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("Your spoken reply is saved."))
    url = reverse("assessments:roleplay-submission", args=[submission.pk])
    return redirect(f"{url}#audio-{order}")


# --- Spoken replies and recordings, behind the submission's permission ----------------

# The types media_checks accepts; the browser plays what it is told the file is.
MEDIA_TYPES = {
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
    "aac": "audio/aac",
    "wav": "audio/wav",
    "ogg": "audio/ogg",
    "oga": "audio/ogg",
    "opus": "audio/ogg",
    "webm": "audio/webm",
    "mp4": "video/mp4",
    "mov": "video/quicktime",
}


def _listenable_or_404(user: User, pk: int) -> Submission:
    """A submission whose media the user may fetch: one they may see, or one whose
    dispute they may decide (the decision page plays the same files)."""
    try:
        return selectors.submission_get_for(user, pk)
    except Submission.DoesNotExist:
        pass
    submission = Submission.objects.filter(pk=pk, disputes__isnull=False).distinct().first()
    if submission is None or not can_arbitrate(user, submission):
        raise Http404
    return submission


def _media_response(stored: FieldFile, download_name: str, *, attachment: bool) -> FileResponse:
    if not stored:
        raise Http404
    extension = stored.name.rsplit(".", 1)[-1].lower()
    try:
        handle = stored.storage.open(stored.name, "rb")
    except OSError as exc:  # gone from storage: as if it were never uploaded
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=attachment,
        filename=f"{download_name}.{extension}",
        content_type=MEDIA_TYPES.get(extension, "application/octet-stream"),
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def turn_audio(request: HttpRequest, pk: int, order: int) -> HttpResponse:
    """Play the agent's spoken reply to one customer message."""
    submission = _listenable_or_404(request.user, pk)
    turn = get_object_or_404(SubmissionTurn, submission=submission, order=order)
    return _media_response(turn.audio, f"reply-{submission.pk}-{order}", attachment=False)


@login_required
@require_GET
def submission_recording(request: HttpRequest, pk: int) -> HttpResponse:
    """Download the recording of a live role-play."""
    submission = _listenable_or_404(request.user, pk)
    return _media_response(submission.recording, f"recording-{submission.pk}", attachment=True)


@login_required
@require_POST
def submission_submit(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _own_open_or_404(request.user, pk)
    if submission.status != Submission.Status.IN_PROGRESS:
        return redirect("assessments:roleplay-submission", pk=submission.pk)
    case_text = request.POST.get("case_text")
    try:
        roleplay.submission_submit(submission=submission, case_text=case_text)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        if case_text is not None:
            context = {**_runner_context(submission), "case_text": case_text}
            return render(request, "assessments/roleplay/runner.html", context)
    else:
        messages.success(request, _("Handed in: your mentor will grade it."))
    return redirect("assessments:roleplay-submission", pk=submission.pk)


@login_required
def my_submissions(request: HttpRequest) -> HttpResponse:
    submissions = selectors.submissions_of(request.user)
    return render(request, "assessments/roleplay/mine.html", {"submissions": submissions})


# --- The mentor's side ------------------------------------------------------------------


@login_required
def grading_queue(request: HttpRequest) -> HttpResponse:
    items = selectors.grading_queue(request.user)
    calibrator = can_author(request.user)
    if calibrator:
        selectors.second_grader_options(items)
    return render(
        request, "assessments/roleplay/queue.html", {"items": items, "calibrator": calibrator}
    )


def _own_draft(user: User, submission: Submission) -> Grade | None:
    return Grade.objects.filter(
        submission=submission, grader=user, status=Grade.Status.DRAFT
    ).first()


def _grade_context(request: HttpRequest, submission: Submission, **extra) -> dict:
    detail = selectors.submission_detail(submission, viewer=request.user)
    # Independence: the grading page holds the user's own grade only, never the other
    # grader's (even a final one) until the submission is graded.
    detail.grades = [g for g in detail.grades if g.grade.grader_id == request.user.pk]
    mine = detail.grade_by(request.user)
    rows = _rows(detail, mine)
    return {
        "submission": submission,
        "scenario": submission.scenario,
        "detail": detail,
        "mine": mine,
        "grade": mine.grade if mine else None,
        "rows": rows,
        **extra,
    }


@login_required
def grade_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The transcript and quality findings beside the rubric. Opening it starts (or
    continues) the user's draft grade, as ``roleplay.grade_start`` allows."""
    submission = _gradeable_or_404(request.user, pk)
    if submission.status not in selectors.WAITING:
        return redirect("assessments:roleplay-submission", pk=submission.pk)
    error = ""
    if Grade.objects.filter(
        submission=submission, grader=request.user, status=Grade.Status.FINAL
    ).exists():
        # The user's grade is final (a second grader waiting for the other grade).
        return redirect("assessments:roleplay-submission", pk=submission.pk)
    if _own_draft(request.user, submission) is None:
        try:
            roleplay.grade_start(submission=submission, grader=request.user)
        except ValidationError as exc:
            error = _error_text(exc)
        else:
            submission.refresh_from_db(fields=["status"])
    context = _grade_context(request, submission, start_error=error)
    return render(request, "assessments/roleplay/grade.html", context)


def _draft_or_404(user: User, submission: Submission) -> Grade:
    grade = _own_draft(user, submission)
    if grade is None:
        raise Http404
    return grade


@login_required
@require_POST
def score_set(request: HttpRequest, pk: int, criterion_id: int) -> HttpResponse:
    """Save one criterion's level and comment (htmx on every change) and re-render the
    weighted total."""
    submission = _gradeable_or_404(request.user, pk)
    grade = _draft_or_404(request.user, submission)
    criterion = get_object_or_404(
        Criterion, pk=criterion_id, version_id=submission.rubric_version_id
    )
    raw = request.POST.get("level", "")
    error = ""
    level = None
    if raw != "na":
        level = CriterionLevel.objects.filter(
            criterion=criterion, pk=raw if raw.isdigit() else 0
        ).first()
        if level is None:
            error = _("Choose a level.")
    if not error:
        try:
            roleplay.grade_score_set(
                grade=grade,
                criterion=criterion,
                level=level,
                comment=request.POST.get("comment", ""),
            )
        except ValidationError as exc:
            error = _error_text(exc)
    if not request.htmx:
        if error:
            messages.error(request, error)
        url = reverse("assessments:roleplay-grade", args=[submission.pk])
        return redirect(f"{url}#criterion-{criterion.pk}")
    grade.refresh_from_db(fields=["score", "critical_failed"])
    context = {
        "submission": submission,
        "grade": grade,
        "criterion": criterion,
        "error": error,
        "saved": not error,
        "oob": True,
    }
    return render(request, "assessments/roleplay/grade.html#score-response", context)


@login_required
@require_POST
def grade_finalise(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _gradeable_or_404(request.user, pk)
    grade = _draft_or_404(request.user, submission)
    feedback = request.POST.get("feedback", "")
    # The feedback is kept even when finalising is refused (a criterion left ungraded).
    roleplay.grade_feedback_set(grade=grade, feedback=feedback)
    try:
        roleplay.grade_finalise(grade=grade, feedback=feedback)
    except ValidationError as exc:
        context = _grade_context(
            request, submission, finalise_error=_error_text(exc), feedback=feedback
        )
        return render(request, "assessments/roleplay/grade.html", context, status=400)
    submission.refresh_from_db(fields=["status"])
    if submission.status == Submission.Status.GRADED:
        messages.success(request, _("The grade is final; the agent can read it now."))
    else:
        messages.success(request, _("Your grade is final; waiting for the other grader."))
    return redirect("assessments:roleplay-queue")


@login_required
@require_POST
def submission_return(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _gradeable_or_404(request.user, pk)
    grade = _draft_or_404(request.user, submission)
    comment = request.POST.get("comment", "")
    try:
        roleplay.submission_return(grade=grade, comment=comment)
    except ValidationError as exc:
        context = _grade_context(
            request, submission, return_error=_error_text(exc), return_comment=comment
        )
        return render(request, "assessments/roleplay/grade.html", context, status=400)
    messages.success(request, _("Returned to the agent for a redo."))
    return redirect("assessments:roleplay-queue")


# --- Calibration (HR and authors) -----------------------------------------------------


def _calibrator_or_404(user: User) -> None:
    if not can_author(user):
        raise Http404


def second_grader_candidates(submission: Submission) -> list[User]:
    """Authors, HR and the agent's active mentors, minus the agent and the grades' owners:
    one query."""
    taken = Grade.objects.filter(submission=submission).values("grader")
    return list(
        User.objects.filter(is_active=True)
        .filter(
            Q(groups__name__in=[Role.TRAINER, Role.HR, Role.ADMIN])
            | Q(is_superuser=True)
            | Q(
                mentorships_as_mentor__mentee_id=submission.agent_id,
                mentorships_as_mentor__ended_on__isnull=True,
            )
        )
        .exclude(pk=submission.agent_id)
        .exclude(pk__in=taken)
        .distinct()
        .order_by("username")
    )


@login_required
@require_POST
def second_grader_request(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask another grader for a second, independent grade (HR and authors only)."""
    _calibrator_or_404(request.user)
    submission = _visible_or_404(request.user, pk)
    raw = request.POST.get("grader", "")
    grader = get_object_or_404(User, pk=raw if raw.isdigit() else 0, is_active=True)
    try:
        roleplay.second_grader_request(
            submission=submission, grader=grader, requested_by=request.user
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("%(grader)s will grade it a second time.") % {"grader": grader})
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect("assessments:roleplay-submission", pk=submission.pk)


@login_required
def calibration_report(request: HttpRequest) -> HttpResponse:
    _calibrator_or_404(request.user)
    report = calibration.agreement_report()
    fmt = request.GET.get("format", "")
    table = request.GET.get("table", "")
    if fmt in FORMATS and table in {"rubric", "grader"}:
        rows = report.by_rubric if table == "rubric" else report.by_grader
        label = _("Rubric") if table == "rubric" else _("Grader")
        headers = [
            label,
            _("Submissions"),
            _("Double-graded criteria"),
            _("Same level (%)"),
            _("Kappa"),
            _("Score difference"),
        ]
        return table_response(
            fmt,
            headers,
            (
                [
                    row.label,
                    row.submissions,
                    row.criteria,
                    row.exact_percent,
                    None if row.kappa is None else round(row.kappa, 2),
                    row.mean_score_difference,
                ]
                for row in rows
            ),
            f"grader-agreement-by-{table}",
        )
    return render(request, "assessments/roleplay/calibration.html", {"report": report})
