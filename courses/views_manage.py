"""Pages for mentors, team leads, HR and trainers: the progress table, assigning work,
authoring courses, lessons, paths and sessions, and taking attendance.

Each view checks who may use it first (a refusal is a 404, like a missing object),
reads through a selector, validates a form and calls a service.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.exports import FORMATS, table_response
from lms.selectors import active_competencies

from . import selectors, services, validators
from .forms_manage import (
    AssignForm,
    CourseForm,
    LearningPathForm,
    LessonForm,
    ProgressFilterForm,
    SessionForm,
    add_service_errors,
)
from .markdown import markdown_to_html
from .models import (
    LESSON_FILE_EXTENSIONS,
    SESSION_MODES,
    Course,
    CourseSession,
    Enrolment,
    LearningPath,
    Lesson,
    SessionRegistration,
)
from .permissions import (
    assign_teams_for,
    can_assign,
    can_author,
    can_manage_enrolment,
)
from .views_learner import file_response


def _safe_next(request: HttpRequest, default: str) -> str:
    next_url = request.POST.get("next") or ""
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return default


# --- Progress table ------------------------------------------------------------------


def _progress_headers() -> list[str]:
    return [
        _("Person"),
        _("Team"),
        _("Course"),
        _("Status"),
        _("Overdue"),
        _("Progress"),
        _("Due date"),
        _("Assigned by"),
        _("Source"),
    ]


def _progress_rows(enrolments):
    yes, no = _("Yes"), _("No")
    for e in enrolments:
        yield [
            str(e.agent),
            str(e.agent.team) if e.agent.team else "",
            str(e.course),
            e.get_status_display(),
            # ``is_late`` comes from the selector (``overdue_now_q``), as in the reports.
            yes if e.is_late else no,
            e.progress,
            e.due_on,
            str(e.assigned_by) if e.assigned_by else "",
            e.get_source_display(),
        ]


@login_required
def progress(request: HttpRequest) -> HttpResponse:
    """Enrolments of the people the user looks after, overdue first."""
    user = request.user
    if not can_assign(user):
        raise Http404
    form = ProgressFilterForm(
        request.GET or None,
        teams=selectors.progress_teams_for(user),
        courses=selectors.progress_courses(),
    )
    page = selectors.progress_for(user, page_number=request.GET.get("page", 1), **form.filters())
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        # The paginator's queryset is the whole filtered table, not just this page.
        return table_response(
            fmt, _progress_headers(), _progress_rows(page.paginator.object_list), "progress"
        )
    rows = list(page.object_list)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "withdrawable": selectors.progress_withdrawable_ids(user, rows),
    }
    template = "courses/progress.html#table" if request.htmx else "courses/progress.html"
    return render(request, template, context)


@login_required
@require_POST
def progress_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    if not can_assign(user):
        raise Http404
    try:
        enrolment = selectors.enrolment_get_for(user, pk)
    except Enrolment.DoesNotExist as exc:
        raise Http404 from exc
    if enrolment.agent_id == user.pk or not can_manage_enrolment(user, enrolment):
        raise Http404
    try:
        services.enrolment_withdraw(enrolment=enrolment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(agent)s no longer has to take %(course)s.")
            % {"agent": enrolment.agent, "course": enrolment.course},
        )
    return redirect(_safe_next(request, reverse("courses:progress")))


# --- Assigning courses and paths -----------------------------------------------------


@login_required
def assign(request: HttpRequest) -> HttpResponse:
    """Assign a course or a learning path to people and/or a whole team."""
    user = request.user
    if not can_assign(user):
        raise Http404
    teams = assign_teams_for(user)
    initial = {key: request.GET[key] for key in ("course", "path") if request.GET.get(key)}
    form = AssignForm(request.POST or None, user=user, teams=teams, initial=initial)
    result = None
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["course"]:
            result = _assign_course(request, form)
        else:
            result = _assign_path(request, form)
        if result is not None:
            form = AssignForm(user=user, teams=teams)
    return render(request, "courses/manage/assign.html", {"form": form, "result": result})


def _assign_course(request: HttpRequest, form: AssignForm) -> dict | None:
    try:
        result = services.course_assign_to_people(
            course=form.cleaned_data["course"],
            assigned_by=request.user,
            team=form.cleaned_data.get("team"),
            people=form.cleaned_data["people"],
            due_on=form.cleaned_data["due_on"],
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    return {
        "kind": "course",
        "target": form.cleaned_data["course"],
        "enrolled": result.enrolled,
        "already": result.already,
        "failed": result.failed,
    }


def _assign_path(request: HttpRequest, form: AssignForm) -> dict | None:
    path = form.cleaned_data["path"]
    try:
        assignments = services.path_assign_to_people(
            path=path,
            assigned_by=request.user,
            team=form.cleaned_data.get("team"),
            people=form.cleaned_data["people"],
            due_on=form.cleaned_data["due_on"],
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    new_counts = dict(
        Enrolment.objects.filter(path_assignment__in=assignments)
        .values_list("path_assignment_id")
        .annotate(n=Count("id"))
    )
    steps = path.steps.count()
    rows = []
    for assignment in assignments:
        new = new_counts.get(assignment.pk, 0)
        rows.append({"person": assignment.agent, "new": new, "skipped": steps - new})
    return {"kind": "path", "target": path, "rows": rows, "steps": steps}


# --- Authoring: courses --------------------------------------------------------------


def _author_or_404(request: HttpRequest) -> None:
    if not can_author(request.user):
        raise Http404


def _authoring_course(request: HttpRequest, pk: int) -> Course:
    _author_or_404(request)
    try:
        return selectors.course_for_authoring(request.user, pk)
    except Course.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def course_list(request: HttpRequest) -> HttpResponse:
    _author_or_404(request)
    status = request.GET.get("status", "")
    if status not in Course.Status.values:
        status = ""
    page = selectors.authoring_courses(
        request.user, status=status, page_number=request.GET.get("page", 1)
    )
    context = {"page": page, "status": status, "statuses": Course.Status.choices}
    return render(request, "courses/manage/course_list.html", context)


@login_required
def course_create(request: HttpRequest) -> HttpResponse:
    _author_or_404(request)
    form = CourseForm(request.POST or None, competencies=active_competencies())
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_author_save(
                code=form.cleaned_data["code"],
                created_by=request.user,
                prerequisites=form.cleaned_data["prerequisites"],
                targets=form.targets(),
                level_rules=form.level_rules(),
                **form.course_fields(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Course created as a draft: add its lessons."))
            return redirect("courses:manage-course", course.pk)
    return render(request, "courses/manage/course_form.html", {"form": form, "course": None})


@login_required
def course_edit(request: HttpRequest, pk: int) -> HttpResponse:
    course = _authoring_course(request, pk)
    form = CourseForm(request.POST or None, instance=course, competencies=active_competencies())
    if request.method == "POST" and form.is_valid():
        try:
            services.course_author_save(
                course=course,
                prerequisites=form.cleaned_data["prerequisites"],
                targets=form.targets(),
                level_rules=form.level_rules(),
                **form.course_fields(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Course saved."))
            return redirect("courses:manage-course", course.pk)
    return render(request, "courses/manage/course_form.html", {"form": form, "course": course})


@login_required
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The working copy: lessons, sessions, published versions, publish and archive."""
    course = _authoring_course(request, pk)
    learners = selectors.course_version_learners(course)
    for version in course.versions.all():
        version.learners = learners.get(version.number, 0)
    context = {
        "course": course,
        "lessons": list(course.lessons.all()),
        "has_sessions": course.delivery_mode in SESSION_MODES,
    }
    return render(request, "courses/manage/course_detail.html", context)


@login_required
@require_POST
def course_publish(request: HttpRequest, pk: int) -> HttpResponse:
    course = _authoring_course(request, pk)
    try:
        version = services.course_publish(course=course, published_by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _(
                "Version %(number)s published. People already enrolled keep the version "
                "they started with; new enrolments follow version %(number)s."
            )
            % {"number": version.number},
        )
    return redirect("courses:manage-course", course.pk)


@login_required
@require_POST
def course_archive(request: HttpRequest, pk: int) -> HttpResponse:
    course = _authoring_course(request, pk)
    services.course_archive(course=course)
    messages.success(
        request,
        _("Course archived: nobody new can enrol; people already enrolled carry on."),
    )
    return redirect("courses:manage-course", course.pk)


# --- Authoring: lessons --------------------------------------------------------------


def _authoring_lesson(request: HttpRequest, pk: int) -> Lesson:
    _author_or_404(request)
    try:
        return selectors.lesson_get_for_authoring(request.user, pk)
    except Lesson.DoesNotExist as exc:
        raise Http404 from exc


def _preview(request: HttpRequest) -> dict:
    """Lesson text as learners will see it: rendered and sanitised (safe to mark safe)."""
    return {
        "zh": mark_safe(markdown_to_html(request.POST.get("body_zh", ""))),
        "en": mark_safe(markdown_to_html(request.POST.get("body_en", ""))),
    }


def _lesson_form_page(
    request: HttpRequest, form: LessonForm, course: Course, lesson: Lesson | None
) -> HttpResponse:
    # The saved file (the form's initial value), not an upload the form has just refused.
    current_file = form.initial.get("file")
    context = {
        "form": form,
        "course": course,
        "lesson": lesson,
        "current_file_name": _file_name(current_file) if lesson is not None else "",
        "file_types": ", ".join(LESSON_FILE_EXTENSIONS),
        "file_limit": filesizeformat(validators.LESSON_FILE_MAX_BYTES),
    }
    if request.method == "POST" and "preview" in request.POST:
        context["preview"] = _preview(request)
        if request.htmx:
            return render(request, "courses/manage/lesson_form.html#preview", context)
    return render(request, "courses/manage/lesson_form.html", context)


@login_required
def lesson_create(request: HttpRequest, course_pk: int) -> HttpResponse:
    course = _authoring_course(request, course_pk)
    form = LessonForm(request.POST or None, request.FILES or None, instance=Lesson(course=course))
    if request.method == "POST" and "preview" not in request.POST and form.is_valid():
        try:
            services.lesson_create(course=course, **form.lesson_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Lesson added."))
            return redirect("courses:manage-course", course.pk)
    return _lesson_form_page(request, form, course, None)


@login_required
def lesson_edit(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = _authoring_lesson(request, pk)
    form = LessonForm(request.POST or None, request.FILES or None, instance=lesson)
    if request.method == "POST" and "preview" not in request.POST and form.is_valid():
        try:
            services.lesson_update(lesson=lesson, **form.lesson_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Lesson saved."))
            return redirect("courses:manage-course", lesson.course_id)
    return _lesson_form_page(request, form, lesson.course, lesson)


def _file_name(file) -> str:
    return file.name.rsplit("/", 1)[-1] if file else ""


@login_required
def lesson_preview(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = _authoring_lesson(request, pk)
    context = {
        "lesson": lesson,
        "course": lesson.course,
        "file_name": _file_name(lesson.file),
        "html_zh": mark_safe(markdown_to_html(lesson.body_zh)),
        "html_en": mark_safe(markdown_to_html(lesson.body_en)),
    }
    return render(request, "courses/manage/lesson_preview.html", context)


@login_required
def lesson_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The working copy's file, for authors checking a lesson before they publish it."""
    lesson = _authoring_lesson(request, pk)
    if not lesson.file:
        raise Http404
    return file_response(lesson.file.name, _file_name(lesson.file))


@login_required
@require_POST
def lesson_delete(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = _authoring_lesson(request, pk)
    course_id = lesson.course_id
    services.lesson_delete(lesson=lesson)
    messages.success(
        request, _("Lesson deleted. Published versions keep it until you publish again.")
    )
    return redirect("courses:manage-course", course_id)


@login_required
@require_POST
def lesson_move(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = _authoring_lesson(request, pk)
    offset = -1 if request.POST.get("direction") == "up" else 1
    services.lesson_move(lesson=lesson, offset=offset)
    if request.htmx:
        context = {
            "course": lesson.course,
            "lessons": list(lesson.course.lessons.order_by("order", "id")),
        }
        return render(request, "courses/manage/course_detail.html#lessons", context)
    return redirect("courses:manage-course", lesson.course_id)


# --- Authoring: learning paths -------------------------------------------------------


def _path_courses() -> list[Course]:
    return list(Course.objects.order_by("code"))


@login_required
def path_list(request: HttpRequest) -> HttpResponse:
    _author_or_404(request)
    paths = selectors.paths_for(request.user).order_by("code")
    return render(request, "courses/manage/path_list.html", {"paths": paths})


def _path_form_page(request: HttpRequest, path: LearningPath | None) -> HttpResponse:
    form = LearningPathForm(request.POST or None, instance=path, courses=_path_courses())
    if request.method == "POST" and form.is_valid():
        try:
            services.learning_path_save(
                code=form.cleaned_data["code"],
                title_zh=form.cleaned_data["title_zh"],
                courses=form.cleaned_data["ordered_courses"],
                created_by=request.user,
                path=path,
                **form.path_fields(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Learning path saved."))
            return redirect("courses:manage-paths")
    return render(request, "courses/manage/path_form.html", {"form": form, "path": path})


@login_required
def path_create(request: HttpRequest) -> HttpResponse:
    _author_or_404(request)
    return _path_form_page(request, None)


def _authoring_path(request: HttpRequest, pk: int) -> LearningPath:
    _author_or_404(request)
    try:
        return selectors.paths_for(request.user).get(pk=pk)
    except LearningPath.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def path_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _path_form_page(request, _authoring_path(request, pk))


@login_required
@require_POST
def path_publish(request: HttpRequest, pk: int) -> HttpResponse:
    path = _authoring_path(request, pk)
    published = request.POST.get("published") == "1"
    try:
        services.learning_path_publish(path=path, published=published)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if published:
            messages.success(request, _("%(path)s is published.") % {"path": path})
        else:
            messages.success(request, _("%(path)s is back to draft.") % {"path": path})
    return redirect("courses:manage-paths")


# --- Authoring: sessions -------------------------------------------------------------


def _session_form_page(
    request: HttpRequest, course: Course, session: CourseSession | None
) -> HttpResponse:
    instance = session or CourseSession(course=course)
    form = SessionForm(request.POST or None, instance=instance, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_save(course=course, session=session, **form.session_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Session saved."))
            return redirect("courses:manage-course", course.pk)
    context = {"form": form, "course": course, "session": session}
    return render(request, "courses/manage/session_form.html", context)


@login_required
def session_create(request: HttpRequest, course_pk: int) -> HttpResponse:
    return _session_form_page(request, _authoring_course(request, course_pk), None)


def _authoring_session(request: HttpRequest, pk: int) -> CourseSession:
    _author_or_404(request)
    try:
        return selectors.session_get_for(request.user, pk)
    except CourseSession.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = _authoring_session(request, pk)
    return _session_form_page(request, session.course, session)


@login_required
@require_POST
def session_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    session = _authoring_session(request, pk)
    try:
        services.session_cancel(session=session)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Session cancelled; everyone registered has been told."))
    return redirect("courses:manage-course", session.course_id)


# --- Attendance ----------------------------------------------------------------------


@login_required
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """The session's participants with present / absent / excused; waiting list read-only."""
    try:
        session = selectors.session_get_for_attendance(request.user, pk)
    except CourseSession.DoesNotExist as exc:
        raise Http404 from exc
    if request.method == "POST":
        registration_id = request.POST.get("registration", "")
        if not registration_id.isdigit():
            raise Http404
        registration = get_object_or_404(
            SessionRegistration.objects.select_related("agent", "agent__team"),
            pk=registration_id,
            session=session,
        )
        error = ""
        try:
            registration = services.attendance_record(
                registration=registration,
                attendance=request.POST.get("attendance", ""),
                taken_by=request.user,
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        if request.htmx:
            context = {
                "session": session,
                "r": registration,
                "error": error,
                "attendance_choices": SessionRegistration.Attendance.choices,
                "started": True,
            }
            return render(request, "courses/manage/attendance.html#row", context)
        if error:
            messages.error(request, error)
        else:
            messages.success(
                request,
                _("%(agent)s: %(attendance)s")
                % {
                    "agent": registration.agent,
                    "attendance": registration.get_attendance_display(),
                },
            )
        return redirect("courses:attendance", session.pk)
    context = {
        "session": session,
        "attendance_choices": SessionRegistration.Attendance.choices,
        "started": session.starts_at <= timezone.now(),
        **selectors.session_attendance(session),
    }
    return render(request, "courses/manage/attendance.html", context)
