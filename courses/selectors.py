"""Reads for course pages and the API, each in a fixed number of queries."""

import datetime
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import (
    BooleanField,
    Case,
    Count,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.urls import reverse
from django.utils import timezone

from lms.models import CompetencyLevel, Team, User
from lms.permissions import people_visible_to
from lms.selectors import competency_gap

from .models import (
    TIER_ORDER,
    Course,
    CourseCompetency,
    CourseLevelPrerequisite,
    CourseSession,
    CourseVersion,
    Enrolment,
    LearningPath,
    Lesson,
    LessonProgress,
    SessionRegistration,
)
from .permissions import (
    can_take_attendance,
    can_withdraw,
    courses_visible_to,
    enrolments_visible_to,
    paths_visible_to,
    withdraw_ranks_for,
)

CATALOGUE_PAGE_SIZE = 20
PROGRESS_PAGE_SIZE = 50


def _with_targets(courses: QuerySet[Course]) -> QuerySet[Course]:
    return courses.prefetch_related(
        Prefetch(
            "targets",
            queryset=CourseCompetency.objects.select_related("competency").order_by(
                "competency__order"
            ),
        )
    )


def catalogue_for(
    viewer: User,
    *,
    tier: str = "",
    competency: str = "",
    delivery_mode: str = "",
    search: str = "",
    page_number: int | str = 1,
) -> Page:
    """Courses the viewer may see, filtered; one page, entry tier first."""
    courses = courses_visible_to(viewer)
    if tier:
        courses = courses.filter(tier=tier)
    if competency:
        courses = courses.filter(targets__competency__code=competency)
    if delivery_mode:
        courses = courses.filter(delivery_mode=delivery_mode)
    if search:
        courses = courses.filter(
            Q(title_zh__icontains=search)
            | Q(title_en__icontains=search)
            | Q(code__icontains=search)
        )
    tier_rank = Case(
        *[When(tier=tier_value, then=Value(rank)) for tier_value, rank in TIER_ORDER.items()],
        output_field=IntegerField(),
    )
    courses = _with_targets(courses.distinct()).order_by(tier_rank, "code")
    return Paginator(courses, CATALOGUE_PAGE_SIZE).get_page(page_number)


def course_get_for(viewer: User, course_id: int) -> Course:
    """The course if the viewer may see it; ``Course.DoesNotExist`` otherwise (→ 404)."""
    return (
        _with_targets(courses_visible_to(viewer))
        .prefetch_related("prerequisites", "level_prerequisites__competency")
        .get(pk=course_id)
    )


def enrolment_current(agent: User, course: Course) -> Enrolment | None:
    """The agent's ongoing enrolment in the course, else the latest finished one."""
    return (
        Enrolment.objects.filter(agent=agent, course=course)
        .select_related("version")
        .annotate(
            active_first=Case(
                When(status__in=Enrolment.ACTIVE_STATUSES, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("active_first", "-enrolled_at")
        .first()
    )


def enrolment_get_for(viewer: User, enrolment_id: int) -> Enrolment:
    return (
        enrolments_visible_to(viewer)
        .select_related("agent", "course", "version")
        .get(pk=enrolment_id)
    )


def sessions_for_course(course: Course, *, agent: User | None = None) -> list[CourseSession]:
    """Upcoming and past sessions with seats taken, waiting list and the agent's own
    registration (``my_registration``), in two queries."""
    sessions = list(
        course.sessions.filter(is_cancelled=False)
        .select_related("instructor")
        .annotate(
            seats_taken=Count(
                "registrations",
                filter=Q(registrations__status=SessionRegistration.Status.REGISTERED),
            ),
            waiting=Count(
                "registrations",
                filter=Q(registrations__status=SessionRegistration.Status.WAITLISTED),
            ),
        )
        .order_by("starts_at")
    )
    mine = {}
    if agent is not None:
        mine = {
            r.session_id: r
            for r in SessionRegistration.objects.filter(agent=agent, session__in=sessions).exclude(
                status=SessionRegistration.Status.CANCELLED
            )
        }
    for session in sessions:
        session.my_registration = mine.get(session.pk)
        session.seats_left = max(session.capacity - session.seats_taken, 0)
    return sessions


@dataclass
class LessonView:
    """One lesson of an enrolment's version, as the player shows it."""

    id: int
    order: int
    kind: str
    title: str
    html: str
    video_url: str
    file_url: str
    file_name: str
    estimated_minutes: int
    required: bool
    done: bool


def lessons_for(enrolment: Enrolment, *, language: str) -> list[LessonView]:
    """The lessons of the enrolment's pinned version, in the learner's language (1 query)."""
    done = set(
        LessonProgress.objects.filter(enrolment=enrolment).values_list("lesson_id", flat=True)
    )
    english = language.startswith("en")
    return [
        LessonView(
            id=item["id"],
            order=item["order"],
            kind=item["kind"],
            title=(item["title_en"] or item["title_zh"]) if english else item["title_zh"],
            html=(item["html_en"] or item["html_zh"]) if english else item["html_zh"],
            video_url=item["video_url"],
            file_url=(
                reverse("courses:lesson-file", args=[enrolment.pk, item["id"]])
                if item.get("file_path")
                else ""
            ),
            file_name=item["file_name"] if item.get("file_path") else "",
            estimated_minutes=item["estimated_minutes"],
            required=item["required"],
            done=item["id"] in done,
        )
        for item in enrolment.version.snapshot["lessons"]
    ]


def lesson_file_for(enrolment: Enrolment, lesson_id: int) -> tuple[str, str]:
    """(storage name, file name) of a lesson's file in the enrolment's pinned version.

    ``LookupError`` when the lesson is not in that version or has no file there (versions
    published before files were protected kept only a public URL: no file either)."""
    for item in enrolment.version.snapshot["lessons"]:
        if item["id"] == lesson_id and item.get("file_path"):
            return item["file_path"], item["file_name"]
    raise LookupError(lesson_id)


def overdue_now_q(today: datetime.date | None = None) -> Q:
    """Enrolments late today: marked overdue, or still open past their due date.

    Both halves are needed: open work past its date is late before the nightly task has
    marked it, and work the task marked overdue stays late whatever its date says now. The
    team-progress page and the reports count with this one rule."""
    today = today or timezone.localdate()
    return Q(status=Enrolment.Status.OVERDUE) | Q(
        status__in=Enrolment.ACTIVE_STATUSES, due_on__lt=today
    )


def _is_late(today: datetime.date | None = None) -> Case:
    return Case(
        When(overdue_now_q(today), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


_STATUS_RANK = Case(
    When(status=Enrolment.Status.OVERDUE, then=Value(0)),
    When(status=Enrolment.Status.IN_PROGRESS, then=Value(1)),
    When(status=Enrolment.Status.NOT_STARTED, then=Value(2)),
    When(status=Enrolment.Status.COMPLETED, then=Value(3)),
    default=Value(4),
    output_field=IntegerField(),
)


def my_learning(agent: User) -> dict[str, list[Enrolment]]:
    """The agent's enrolments: open ones (overdue first, then by due date) and finished."""
    enrolments = list(
        Enrolment.objects.filter(agent=agent)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("course", "assigned_by", "path_assignment__path")
        .annotate(rank=_STATUS_RANK)
        .order_by("rank", "due_on", "path_order", "enrolled_at")
    )
    return {
        "open": [e for e in enrolments if e.is_active],
        "completed": [e for e in enrolments if e.status == Enrolment.Status.COMPLETED],
    }


def progress_for(
    viewer: User,
    *,
    team_code: str = "",
    status: str = "",
    course_id: int | None = None,
    page_number: int | str = 1,
) -> Page:
    """Enrolments of the people the viewer looks after, overdue first (one page); each
    carries ``is_late`` (``overdue_now_q``)."""
    enrolments = (
        enrolments_visible_to(viewer)
        .exclude(agent=viewer)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("agent", "agent__team", "course", "assigned_by")
        .annotate(rank=_STATUS_RANK, is_late=_is_late())
        .order_by("rank", "due_on", "agent__display_name", "id")
    )
    if team_code:
        enrolments = enrolments.filter(agent__team__code=team_code)
    if status:
        enrolments = enrolments.filter(status=status)
    if course_id:
        enrolments = enrolments.filter(course_id=course_id)
    return Paginator(enrolments, PROGRESS_PAGE_SIZE).get_page(page_number)


def paths_for(viewer: User) -> QuerySet[LearningPath]:
    return paths_visible_to(viewer).prefetch_related(
        Prefetch("steps__course", queryset=Course.objects.all())
    )


@dataclass
class Recommendation:
    course: Course
    closes: list[str]


def recommendations_for(agent: User, *, limit: int = 6) -> list[Recommendation]:
    """Published courses that close the agent's gap to their position profile.

    A course qualifies when it builds a competency where the agent is below the required
    level to a level above their current one, its prerequisites are met, and the agent
    is not already taking or done with it. Lowest tier first. Fixed number of queries.
    """
    gaps = {g.competency.pk: g for g in competency_gap(agent=agent)}
    if not gaps:
        return []
    taken = set(
        Enrolment.objects.filter(agent=agent)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .values_list("course_id", "status")
    )
    completed = {course_id for course_id, st in taken if st == Enrolment.Status.COMPLETED}
    busy = {course_id for course_id, _st in taken}
    levels = dict(CompetencyLevel.objects.filter(agent=agent).values_list("competency_id", "level"))
    candidates = (
        _with_targets(
            Course.objects.filter(
                status=Course.Status.PUBLISHED, targets__competency__in=list(gaps)
            ).distinct()
        )
        .prefetch_related("prerequisites", "level_prerequisites")
        .order_by("code")
    )
    found = []
    for course in candidates:
        if course.pk in busy:
            continue
        closes = [
            str(t.competency)
            for t in course.targets.all()
            if t.competency_id in gaps and t.level > gaps[t.competency_id].current
        ]
        if not closes:
            continue
        if any(p.pk not in completed for p in course.prerequisites.all()):
            continue
        if any(levels.get(r.competency_id, 0) < r.level for r in course.level_prerequisites.all()):
            continue
        found.append(Recommendation(course=course, closes=closes))
    found.sort(key=lambda r: (TIER_ORDER[r.course.tier], -len(r.closes), r.course.code))
    return found[:limit]


# --- Learner pages (course page, catalogue badges, sessions) ---------------------------


@dataclass
class PrerequisiteCheck:
    """One prerequisite of a course and whether the agent meets it."""

    met: bool
    course: Course | None = None
    competency: object | None = None
    level: int | None = None


def prerequisite_checks_for(agent: User, course: Course) -> list[PrerequisiteCheck]:
    """Each prerequisite (courses, then competency levels), met or not, item by item.

    The same rule as ``services.prerequisites_missing`` (which gives the sentences); the
    course should come from ``course_get_for`` (prerequisites prefetched). 2 queries.
    """
    required = list(course.prerequisites.all())
    rules = list(course.level_prerequisites.all())
    done: set[int] = set()
    if required:
        done = set(
            Enrolment.objects.filter(
                agent=agent, course__in=required, status=Enrolment.Status.COMPLETED
            ).values_list("course_id", flat=True)
        )
    levels: dict[int, int] = {}
    if rules:
        levels = dict(
            CompetencyLevel.objects.filter(
                agent=agent, competency__in=[r.competency_id for r in rules]
            ).values_list("competency_id", "level")
        )
    return [PrerequisiteCheck(met=c.pk in done, course=c) for c in required] + [
        PrerequisiteCheck(
            met=levels.get(r.competency_id, 0) >= r.level, competency=r.competency, level=r.level
        )
        for r in rules
    ]


def course_outline(course: Course, *, language: str) -> list[LessonView]:
    """Lesson titles of the latest published version, for viewers not enrolled (1 query).

    Titles, kinds and minutes only: the lesson content is for enrolled learners.
    """

    version = CourseVersion.objects.filter(course=course).order_by("-number").first()
    if version is None:
        return []
    english = language.startswith("en")
    return [
        LessonView(
            id=item["id"],
            order=item["order"],
            kind=item["kind"],
            title=(item["title_en"] or item["title_zh"]) if english else item["title_zh"],
            html="",
            video_url="",
            file_url="",
            file_name="",
            estimated_minutes=item["estimated_minutes"],
            required=item["required"],
            done=False,
        )
        for item in version.snapshot["lessons"]
    ]


def enrolment_statuses_for(agent: User, courses: list[Course]) -> dict[int, str]:
    """Course id → the agent's enrolment status there (ongoing before completed; 1 query)."""
    statuses: dict[int, str] = {}
    rows = (
        Enrolment.objects.filter(agent=agent, course__in=courses)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .values_list("course_id", "status")
    )
    for course_id, status in rows:
        if course_id not in statuses or status in Enrolment.ACTIVE_STATUSES:
            statuses[course_id] = status
    return statuses


def session_get_for(viewer: User, session_id: int) -> CourseSession:
    """A session of a course the viewer may see; ``CourseSession.DoesNotExist`` otherwise."""
    return CourseSession.objects.select_related("course").get(
        pk=session_id, course__in=courses_visible_to(viewer)
    )


def session_registration_current(agent: User, session: CourseSession) -> SessionRegistration | None:
    """The agent's own registration (seat or waiting list) for the session, if any."""
    return (
        SessionRegistration.objects.filter(session=session, agent=agent)
        .exclude(status=SessionRegistration.Status.CANCELLED)
        .first()
    )


# --- Manage pages: progress filters, assignment, authoring, attendance ---------------
# (Imports local to each function: these were appended after the module's imports.)

AUTHORING_PAGE_SIZE = 50


def progress_teams_for(viewer: User) -> QuerySet:
    """Teams to filter the progress table by: those of the people the viewer looks after."""

    people = people_visible_to(viewer).exclude(pk=viewer.pk)
    return Team.objects.filter(pk__in=people.values("team_id")).order_by("code")


def progress_courses() -> QuerySet[Course]:
    """Courses anyone can be enrolled in (published at least once), for filters."""
    return Course.objects.filter(version__gte=1).order_by("code")


def progress_withdrawable_ids(viewer: User, enrolments: list[Enrolment]) -> set[int]:
    """Of these enrolments, the ids of those the viewer may withdraw: the rule of
    ``permissions.can_manage_enrolment``, from the sources and one query for the agents."""

    ranks = withdraw_ranks_for(viewer, {e.agent_id for e in enrolments})
    return {e.pk for e in enrolments if can_withdraw(ranks.get(e.agent_id), e)}


def authoring_courses(viewer: User, *, status: str = "", page_number: int | str = 1) -> Page:
    """Courses for the authoring list, with lesson and open-enrolment counts (one page)."""
    courses = courses_visible_to(viewer)
    if status:
        courses = courses.filter(status=status)
    courses = courses.annotate(
        lesson_count=Count("lessons", distinct=True),
        open_enrolments=Count(
            "enrolments",
            filter=Q(enrolments__status__in=Enrolment.ACTIVE_STATUSES),
            distinct=True,
        ),
    ).order_by("code")
    return Paginator(courses, AUTHORING_PAGE_SIZE).get_page(page_number)


def course_for_authoring(viewer: User, course_id: int) -> Course:
    """The working copy with lessons, rules, sessions and versions; DoesNotExist → 404."""

    sessions = (
        CourseSession.objects.select_related("instructor")
        .annotate(
            seats_taken=Count(
                "registrations",
                filter=Q(registrations__status=SessionRegistration.Status.REGISTERED),
            ),
            waiting=Count(
                "registrations",
                filter=Q(registrations__status=SessionRegistration.Status.WAITLISTED),
            ),
        )
        .order_by("starts_at", "id")
    )
    return (
        courses_visible_to(viewer)
        .prefetch_related(
            Prefetch("lessons", queryset=Lesson.objects.order_by("order", "id")),
            Prefetch("prerequisites", queryset=Course.objects.order_by("code")),
            Prefetch(
                "targets",
                queryset=CourseCompetency.objects.select_related("competency").order_by(
                    "competency__order", "competency__code"
                ),
            ),
            Prefetch(
                "level_prerequisites",
                queryset=CourseLevelPrerequisite.objects.select_related("competency").order_by(
                    "competency__order", "competency__code"
                ),
            ),
            Prefetch("sessions", queryset=sessions),
            Prefetch(
                "versions",
                queryset=CourseVersion.objects.defer("snapshot")
                .select_related("published_by")
                .order_by("-number"),
            ),
        )
        .get(pk=course_id)
    )


def course_version_learners(course: Course) -> dict[int, int]:
    """How many people (not withdrawn) follow each published version: {number: count}."""
    rows = (
        Enrolment.objects.filter(course=course)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .values_list("version__number")
        .annotate(n=Count("id"))
    )
    return dict(rows)


def lesson_get_for_authoring(viewer: User, lesson_id: int):
    """A lesson of a course the viewer may see; ``Lesson.DoesNotExist`` otherwise."""

    return Lesson.objects.select_related("course").get(
        pk=lesson_id, course__in=courses_visible_to(viewer)
    )


def session_get_for_attendance(viewer: User, session_id: int) -> CourseSession:
    """The session if the viewer teaches it or authors courses; DoesNotExist otherwise."""

    session = CourseSession.objects.select_related("course", "instructor").get(pk=session_id)
    if not can_take_attendance(viewer, session):
        raise CourseSession.DoesNotExist
    return session


def session_attendance(session: CourseSession) -> dict[str, list[SessionRegistration]]:
    """Participants with a seat, and the waiting list, in registration order (one query)."""
    registrations = list(
        session.registrations.exclude(status=SessionRegistration.Status.CANCELLED)
        .select_related("agent", "agent__team", "attendance_by")
        .order_by("registered_at", "id")
    )
    return {
        "registered": [
            r for r in registrations if r.status == SessionRegistration.Status.REGISTERED
        ],
        "waiting": [r for r in registrations if r.status == SessionRegistration.Status.WAITLISTED],
    }


# --- API lists ---------------------------------------------------------------------------


def enrolment_list_for(
    viewer: User,
    *,
    agent_id: int | None = None,
    course_id: int | None = None,
    status: str = "",
) -> QuerySet[Enrolment]:
    """Enrolments the viewer may see (own included), filtered; overdue first, then by due
    date. Everything the API shows comes along (no query per row)."""
    enrolments = (
        enrolments_visible_to(viewer)
        .select_related("agent", "course", "assigned_by", "version", "path_assignment__path")
        .defer("version__snapshot")
        .annotate(rank=_STATUS_RANK)
        .order_by("rank", "due_on", "enrolled_at", "id")
    )
    if agent_id is not None:
        enrolments = enrolments.filter(agent_id=agent_id)
    if course_id is not None:
        enrolments = enrolments.filter(course_id=course_id)
    if status:
        enrolments = enrolments.filter(status=status)
    return enrolments


def session_registrations_for(session: CourseSession) -> QuerySet[SessionRegistration]:
    """Seats and waiting list of a session (cancelled ones left out), in registration order."""
    return (
        session.registrations.exclude(status=SessionRegistration.Status.CANCELLED)
        .select_related("agent", "attendance_by")
        .order_by("registered_at", "id")
    )
