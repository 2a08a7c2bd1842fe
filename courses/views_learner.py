"""The agent's pages: my learning, the catalogue, a course, its sessions, the lesson player."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRefresh

from lms import selectors as lms_selectors
from lms.files import file_response
from lms.models import User

from . import hooks, selectors, services
from .forms_learner import CatalogueFilterForm
from .models import SESSION_MODES, Course, CourseSession, Enrolment, Lesson, SessionRegistration
from .permissions import can_manage_enrolment


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _course_or_404(user: User, pk: int) -> Course:
    try:
        return selectors.course_get_for(user, pk)
    except Course.DoesNotExist as exc:
        raise Http404 from exc


def _own_enrolment_or_404(user: User, enrolment_id: int) -> Enrolment:
    """The enrolment if it is the user's own: a mentor or lead who may see it still gets
    a 404, because the player and its progress belong to the learner alone."""
    try:
        enrolment = selectors.enrolment_get_for(user, enrolment_id)
    except Enrolment.DoesNotExist as exc:
        raise Http404 from exc
    if enrolment.agent_id != user.pk:
        raise Http404
    return enrolment


# --- My learning ---------------------------------------------------------------------


@login_required
def my_learning(request: HttpRequest) -> HttpResponse:
    context = {
        **selectors.my_learning(request.user),
        "recommendations": selectors.recommendations_for(request.user),
        "today": timezone.localdate(),
    }
    return render(request, "courses/my_learning.html", context)


# --- Catalogue -----------------------------------------------------------------------


@login_required
@vary_on_headers("HX-Request")
def catalogue(request: HttpRequest) -> HttpResponse:
    form = CatalogueFilterForm(request.GET, competencies=lms_selectors.active_competencies())
    page = selectors.catalogue_for(
        request.user, **form.filters(), page_number=request.GET.get("page", 1)
    )
    courses = list(page.object_list)
    statuses = selectors.enrolment_statuses_for(request.user, courses)
    for course in courses:
        status = statuses.get(course.pk)
        course.my_status = status
        course.my_status_label = Enrolment.Status(status).label if status else ""
    context = {"form": form, "page": page, "courses": courses}
    partial = request.htmx and not request.htmx.history_restore_request
    template = "courses/catalogue.html#results" if partial else "courses/catalogue.html"
    return render(request, template, context)


# --- Course page ---------------------------------------------------------------------


def _sessions_context(user: User, course: Course) -> dict:
    sessions = selectors.sessions_for_course(course, agent=user)
    now = timezone.now()
    for session in sessions:
        session.is_open = session.starts_at > now
    return {"course": course, "sessions": sessions}


@login_required
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    course = _course_or_404(user, pk)
    enrolment = selectors.enrolment_current(user, course)
    active = enrolment is not None and enrolment.is_active
    followed = enrolment is not None and enrolment.status != Enrolment.Status.WITHDRAWN
    language = get_language()
    if followed:
        lessons = selectors.lessons_for(enrolment, language=language)
    else:
        lessons = selectors.course_outline(course, language=language)
    next_lesson = None
    if followed and lessons:
        next_lesson = next((lesson for lesson in lessons if not lesson.done), lessons[0])
    context = {
        "course": course,
        "enrolment": enrolment,
        "active": active,
        "followed": followed,
        "lessons": lessons,
        "next_lesson": next_lesson,
        "prerequisites": selectors.prerequisite_checks_for(user, course),
        "missing": services.prerequisites_missing(agent=user, course=course),
        "can_enrol": course.is_published and not active,
        "can_withdraw": active and can_manage_enrolment(user, enrolment),
        "show_sessions": course.delivery_mode in SESSION_MODES,
        # Blocks that higher apps add to the page (quizzes...), each loaded over htmx into
        # an element named after its URL ("assessments:course-quizzes" → "course-quizzes").
        "panels": [
            {"id": name.rsplit(":", 1)[-1], "url": reverse(name, args=[course.pk])}
            for name in hooks.course_panels()
        ],
        **_sessions_context(user, course),
    }
    return render(request, "courses/course_detail.html", context)


@login_required
@require_POST
def course_enrol(request: HttpRequest, pk: int) -> HttpResponse:
    """Self-enrolment: always the signed-in person, never someone named in the request."""
    course = _course_or_404(request.user, pk)
    try:
        services.enrolment_create(
            agent=request.user,
            course=course,
            source=Enrolment.Source.SELF,
            assigned_by=request.user,
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("You are enrolled in %(course)s.") % {"course": course})
    return redirect("courses:course-detail", pk=course.pk)


@login_required
@require_POST
def enrolment_withdraw(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    try:
        enrolment = selectors.enrolment_get_for(request.user, enrolment_id)
    except Enrolment.DoesNotExist as exc:
        raise Http404 from exc
    if not can_manage_enrolment(request.user, enrolment):
        raise Http404
    try:
        services.enrolment_withdraw(enrolment=enrolment)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Withdrawn from %(course)s.") % {"course": enrolment.course})
    return redirect("courses:course-detail", pk=enrolment.course_id)


# --- Sessions ------------------------------------------------------------------------


def _session_or_404(user: User, session_id: int) -> CourseSession:
    try:
        return selectors.session_get_for(user, session_id)
    except CourseSession.DoesNotExist as exc:
        raise Http404 from exc


def _sessions_response(
    request: HttpRequest, course: Course, *, error: str, success: str, was_enrolled: bool
) -> HttpResponse:
    """The sessions block for htmx, else back to the course page (PRG)."""
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, success)
        return redirect("courses:course-detail", pk=course.pk)
    if not error and not was_enrolled:
        # Registering enrolled the person too: the enrolment block above is stale.
        messages.success(request, success)
        return HttpResponseClientRefresh()
    context = {**_sessions_context(request.user, course), "show_sessions": True}
    context.update(session_error=error, session_message="" if error else success)
    return render(request, "courses/course_detail.html#sessions", context)


def _is_enrolled(user: User, course: Course) -> bool:
    enrolment = selectors.enrolment_current(user, course)
    return enrolment is not None and enrolment.is_active


@login_required
@require_POST
def session_register(request: HttpRequest, session_id: int) -> HttpResponse:
    """Register the signed-in person (a seat, or the waiting list when full)."""
    session = _session_or_404(request.user, session_id)
    was_enrolled = _is_enrolled(request.user, session.course)
    error = success = ""
    try:
        registration = services.session_register(session=session, agent=request.user)
    except ValidationError as exc:
        error = _error_text(exc)
    else:
        success = (
            _("You have a seat.")
            if registration.status == SessionRegistration.Status.REGISTERED
            else _("The session is full: you are on the waiting list.")
        )
    return _sessions_response(
        request, session.course, error=error, success=success, was_enrolled=was_enrolled
    )


@login_required
@require_POST
def session_cancel(request: HttpRequest, session_id: int) -> HttpResponse:
    """Cancel the signed-in person's own registration for the session."""
    session = _session_or_404(request.user, session_id)
    registration = selectors.session_registration_current(request.user, session)
    error = success = ""
    if registration is None:
        error = _("You are not registered for this session.")
    else:
        try:
            services.session_registration_cancel(registration=registration)
        except ValidationError as exc:
            error = _error_text(exc)
        else:
            success = _("Your registration is cancelled.")
    return _sessions_response(
        request, session.course, error=error, success=success, was_enrolled=True
    )


# --- Lesson player -------------------------------------------------------------------


def _player_context(enrolment: Enrolment, lesson_id: int) -> dict:
    lessons = selectors.lessons_for(enrolment, language=get_language())
    index = next((i for i, lesson in enumerate(lessons) if lesson.id == lesson_id), None)
    if index is None:
        raise Http404
    return {
        "enrolment": enrolment,
        "course": enrolment.course,
        "lessons": lessons,
        "lesson": lessons[index],
        "kind_label": Lesson.Kind(lessons[index].kind).label,
        "position": index + 1,
        "previous": lessons[index - 1] if index > 0 else None,
        "next": lessons[index + 1] if index + 1 < len(lessons) else None,
    }


@login_required
def lesson(request: HttpRequest, enrolment_id: int, lesson_id: int) -> HttpResponse:
    enrolment = _own_enrolment_or_404(request.user, enrolment_id)
    context = _player_context(enrolment, lesson_id)
    context["locked"] = (
        services.prerequisites_missing(agent=request.user, course=enrolment.course)
        if enrolment.is_active
        else []
    )
    return render(request, "courses/lesson.html", context)


@login_required
@require_POST
def lesson_done(request: HttpRequest, enrolment_id: int, lesson_id: int) -> HttpResponse:
    enrolment = _own_enrolment_or_404(request.user, enrolment_id)
    _player_context(enrolment, lesson_id)  # 404 for a lesson outside the enrolment's version
    error = ""
    try:
        enrolment = services.lesson_complete(enrolment=enrolment, lesson_id=lesson_id)
    except ValidationError as exc:
        error = _error_text(exc)
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect("courses:lesson", enrolment_id=enrolment.pk, lesson_id=lesson_id)
    context = {**_player_context(enrolment, lesson_id), "error": error, "oob": True}
    return render(request, "courses/lesson.html#status", context)


@login_required
def lesson_file(request: HttpRequest, enrolment_id: int, lesson_id: int) -> HttpResponse:
    """The file of a lesson, as published in the learner's own version; 404 for anyone
    else (media files are never served publicly) and while the course is locked."""
    enrolment = _own_enrolment_or_404(request.user, enrolment_id)
    if enrolment.is_active and services.prerequisites_missing(
        agent=request.user, course=enrolment.course
    ):
        raise Http404  # the lessons of a locked course open with the course
    try:
        storage_name, file_name = selectors.lesson_file_for(enrolment, lesson_id)
    except LookupError as exc:
        raise Http404 from exc
    return file_response(storage_name, file_name)
