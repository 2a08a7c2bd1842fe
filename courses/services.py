"""Operations on courses, paths, enrolments and sessions.

Each is one transaction; each raises ``ValidationError`` with a translated message and
saves nothing when the request cannot be honoured.
"""

import datetime
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from lms.models import CompetencyLevel, Level, Team, User
from lms.preferences import speaking_to
from lms.services import notification_send

from .hooks import completion_conditions_unmet
from .markdown import markdown_to_html
from .models import (
    SESSION_MODES,
    Course,
    CourseCompetency,
    CourseLevelPrerequisite,
    CourseSession,
    CourseVersion,
    Enrolment,
    LearningPath,
    Lesson,
    LessonProgress,
    PathAssignment,
    PathCourse,
    SessionRegistration,
)
from .permissions import Assignees, assignees_for, assignment_source_for
from .signals import course_completed


def join_items(items: Iterable[Any]) -> str:
    """A list inside a sentence: "A, B" in English, "A、B" in Chinese."""
    return gettext(", ").join(str(item) for item in items)


def join_clauses(items: Iterable[Any]) -> str:
    """Clauses inside a sentence: "do A; do B" in English, "做 A；做 B" in Chinese."""
    return gettext("; ").join(str(item) for item in items)


# --- Authoring -----------------------------------------------------------------------

COURSE_FIELDS = {
    "title_zh",
    "title_en",
    "description_zh",
    "description_en",
    "tier",
    "delivery_mode",
    "estimated_minutes",
    "completes_on_attendance",
}
LESSON_FIELDS = {
    "title_zh",
    "title_en",
    "kind",
    "body_zh",
    "body_en",
    "video_url",
    "file",
    "estimated_minutes",
    "required",
    "order",
}


def _validated(instance, fields: Iterable[str] | None = None):
    """Run model validation (field rules, constraints) and turn it into our errors."""
    exclude = None
    if fields is not None:
        exclude = [f.name for f in instance._meta.fields if f.name not in set(fields)]
    instance.full_clean(exclude=exclude)
    return instance


@transaction.atomic
def course_create(
    *,
    code: str,
    title_zh: str,
    created_by: User | None,
    prerequisites: Iterable[Course] = (),
    **fields: Any,
) -> Course:
    unknown = set(fields) - COURSE_FIELDS
    if unknown:
        raise TypeError(f"Unknown course fields: {sorted(unknown)}")
    course = Course(code=code, title_zh=title_zh, created_by=created_by, **fields)
    _validated(course)
    course.save()
    course.prerequisites.set(prerequisites)
    return course


@transaction.atomic
def course_update(
    *, course: Course, prerequisites: Iterable[Course] | None = None, **fields: Any
) -> Course:
    """Edit the working copy; learners see the change only once it is published again."""
    unknown = set(fields) - COURSE_FIELDS
    if unknown:
        raise TypeError(f"Unknown course fields: {sorted(unknown)}")
    if prerequisites is not None:
        prerequisites = list(prerequisites)
        if course in prerequisites:
            raise ValidationError(_("A course cannot be its own prerequisite."), code="self")
        _prerequisite_cycle_check(course, prerequisites)
    for name, value in fields.items():
        setattr(course, name, value)
    _validated(course)
    course.save(update_fields=[*fields, "updated_at"])
    if prerequisites is not None:
        course.prerequisites.set(prerequisites)
    return course


def _prerequisite_cycle_check(course: Course, prerequisites: list[Course]) -> None:
    """Refuse a prerequisite that already needs ``course``, directly or through others:
    nobody could ever start either course. The whole graph is read in one query."""
    if not prerequisites:
        return
    needs: dict[int, list[int]] = {}
    links = Course.prerequisites.through.objects.values_list("from_course_id", "to_course_id")
    for from_id, to_id in links:
        needs.setdefault(from_id, []).append(to_id)
    for prerequisite in prerequisites:
        # Walk what the prerequisite needs, remembering how each course was reached.
        came_from: dict[int, int | None] = {prerequisite.pk: None}
        queue = [prerequisite.pk]
        while queue and course.pk not in came_from:
            current = queue.pop(0)
            for needed in needs.get(current, []):
                if needed not in came_from:
                    came_from[needed] = current
                    queue.append(needed)
        if course.pk not in came_from:
            continue
        chain_ids = [course.pk]
        while (previous := came_from[chain_ids[-1]]) is not None:
            chain_ids.append(previous)
        titles = {c.pk: str(c) for c in Course.objects.filter(pk__in=chain_ids)}
        raise ValidationError(
            _(
                "%(prerequisite)s cannot be a prerequisite of %(course)s: it already needs "
                "%(course)s (%(chain)s)."
            )
            % {
                "prerequisite": prerequisite,
                "course": course,
                "chain": " → ".join(titles[pk] for pk in reversed(chain_ids)),
            },
            code="cycle",
        )


@transaction.atomic
def lesson_create(*, course: Course, title_zh: str, **fields: Any) -> Lesson:
    unknown = set(fields) - LESSON_FIELDS
    if unknown:
        raise TypeError(f"Unknown lesson fields: {sorted(unknown)}")
    if "order" not in fields:
        last = course.lessons.order_by("-order").values_list("order", flat=True).first()
        fields["order"] = (last or 0) + 1
    lesson = Lesson(course=course, title_zh=title_zh, **fields)
    _lesson_check(lesson)
    _validated(lesson)
    lesson.save()
    return lesson


@transaction.atomic
def lesson_update(*, lesson: Lesson, **fields: Any) -> Lesson:
    unknown = set(fields) - LESSON_FIELDS
    if unknown:
        raise TypeError(f"Unknown lesson fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(lesson, name, value)
    _lesson_check(lesson)
    _validated(lesson)
    lesson.save(update_fields=list(fields))
    return lesson


@transaction.atomic
def lesson_delete(*, lesson: Lesson) -> None:
    """Remove a lesson from the working copy; published versions keep it."""
    lesson.delete()


def _lesson_check(lesson: Lesson) -> None:
    if lesson.kind == Lesson.Kind.VIDEO and not lesson.video_url:
        raise ValidationError({"video_url": _("A video lesson needs a video link.")})
    if lesson.kind == Lesson.Kind.FILE and not lesson.file:
        raise ValidationError({"file": _("A file lesson needs a file.")})
    if lesson.kind in (Lesson.Kind.TEXT, Lesson.Kind.CASE) and not lesson.body_zh.strip():
        raise ValidationError({"body_zh": _("Write the lesson text.")})


def course_snapshot(course: Course) -> dict[str, Any]:
    """The course as learners will see it, with lesson text rendered and sanitised."""
    lessons = [
        {
            "id": lesson.pk,
            "order": lesson.order,
            "kind": lesson.kind,
            "title_zh": lesson.title_zh,
            "title_en": lesson.title_en,
            "html_zh": markdown_to_html(lesson.body_zh),
            "html_en": markdown_to_html(lesson.body_en),
            "video_url": lesson.video_url,
            # The storage name, not a public URL: the file is served only to learners
            # of this version (``courses:lesson-file``).
            "file_path": lesson.file.name if lesson.file else "",
            "file_name": lesson.file.name.rsplit("/", 1)[-1] if lesson.file else "",
            "estimated_minutes": lesson.estimated_minutes,
            "required": lesson.required,
        }
        for lesson in course.lessons.order_by("order", "id")
    ]
    return {
        "title_zh": course.title_zh,
        "title_en": course.title_en,
        "description_zh": course.description_zh,
        "description_en": course.description_en,
        "lessons": lessons,
    }


@transaction.atomic
def course_publish(*, course: Course, published_by: User | None) -> CourseVersion:
    """Freeze the working copy as the next version; new enrolments follow it."""
    # Lock the row (two publishes at once must not take the same number), read the
    # committed version number, and keep the caller's instance up to date.
    course.version = (
        Course.objects.select_for_update()
        .filter(pk=course.pk)
        .values_list("version", flat=True)
        .get()
    )
    if not course.lessons.exists() and not course.completes_on_attendance:
        raise ValidationError(
            _("Add at least one lesson (or let attendance complete the course) before publishing."),
            code="empty",
        )
    course.version += 1
    version = CourseVersion.objects.create(
        course=course,
        number=course.version,
        snapshot=course_snapshot(course),
        published_by=published_by,
    )
    course.status = Course.Status.PUBLISHED
    course.save(update_fields=["version", "status", "updated_at"])
    return version


@transaction.atomic
def course_archive(*, course: Course) -> Course:
    """No new enrolments; learners already enrolled carry on with their version."""
    course.status = Course.Status.ARCHIVED
    course.save(update_fields=["status", "updated_at"])
    return course


@transaction.atomic
def learning_path_save(
    *,
    code: str,
    title_zh: str,
    courses: list[Course],
    created_by: User | None,
    path: LearningPath | None = None,
    **fields: Any,
) -> LearningPath:
    """Create or edit a path and set its courses in order.

    Every prerequisite course of a step must be an earlier step, so a learner following
    the path in order never meets a course they cannot start.
    """
    if not courses:
        raise ValidationError(_("A learning path needs at least one course."), code="empty")
    if len({c.pk for c in courses}) != len(courses):
        raise ValidationError(_("A course appears twice in the path."), code="duplicate")
    earlier: set[int] = set()
    with_prerequisites = Course.objects.filter(pk__in=[c.pk for c in courses]).prefetch_related(
        "prerequisites"
    )
    prerequisites = {c.pk: list(c.prerequisites.all()) for c in with_prerequisites}
    for course in courses:
        missing = [p for p in prerequisites[course.pk] if p.pk not in earlier]
        if missing:
            raise ValidationError(
                _("%(course)s needs %(missing)s first: put it earlier in the path.")
                % {"course": course, "missing": join_items(missing)},
                code="order",
            )
        earlier.add(course.pk)
    path = path or LearningPath(created_by=created_by)
    path.code = code
    path.title_zh = title_zh
    for name, value in fields.items():
        setattr(path, name, value)
    _validated(path)
    path.save()
    path.steps.all().delete()
    PathCourse.objects.bulk_create(
        PathCourse(path=path, course=course, order=index)
        for index, course in enumerate(courses, start=1)
    )
    return path


# --- Prerequisites ---------------------------------------------------------------------


def prerequisites_missing(*, agent: User, course: Course) -> list[str]:
    """What the agent still lacks to start the course, as readable sentences (2 queries)."""
    missing: list[str] = []
    required_courses = list(course.prerequisites.all())
    if required_courses:
        done = set(
            Enrolment.objects.filter(
                agent=agent,
                course__in=required_courses,
                status=Enrolment.Status.COMPLETED,
            ).values_list("course_id", flat=True)
        )
        missing += [
            _("complete the course %(course)s") % {"course": c}
            for c in required_courses
            if c.pk not in done
        ]
    level_rules = list(course.level_prerequisites.select_related("competency"))
    if level_rules:
        levels = dict(
            CompetencyLevel.objects.filter(
                agent=agent, competency__in=[r.competency_id for r in level_rules]
            ).values_list("competency_id", "level")
        )
        missing += [
            _("reach %(level)s in %(competency)s")
            % {"level": Level(r.level).label, "competency": r.competency}
            for r in level_rules
            if levels.get(r.competency_id, 0) < r.level
        ]
    return missing


# --- Enrolments ----------------------------------------------------------------------


@transaction.atomic
def enrolment_create(
    *,
    agent: User,
    course: Course,
    source: str,
    assigned_by: User | None,
    due_on: datetime.date | None = None,
    path_assignment: PathAssignment | None = None,
    path_order: int | None = None,
) -> Enrolment:
    """Enrol an agent in the latest published version of a course.

    Self-enrolment needs the prerequisites met; assigned work may be enrolled before
    them (it stays locked until they are met), so that a path can be assigned at once.
    """
    if source not in Enrolment.Source.values:
        raise ValidationError(_("Unknown enrolment source."), code="source")
    if not agent.is_active:
        raise ValidationError(_("This person is no longer active."), code="inactive")
    if course.status != Course.Status.PUBLISHED:
        raise ValidationError(
            _("%(course)s is not published, so nobody can enrol yet.") % {"course": course},
            code="unpublished",
        )
    if due_on is not None and due_on < timezone.localdate():
        raise ValidationError(_("The due date cannot be in the past."), code="due_past")
    if source == Enrolment.Source.SELF:
        missing = prerequisites_missing(agent=agent, course=course)
        if missing:
            raise ValidationError(
                _("Before this course you need to: %(missing)s.")
                % {"missing": join_clauses(missing)},
                code="prerequisites",
            )
    version = CourseVersion.objects.filter(course=course).order_by("-number").first()
    try:
        with transaction.atomic():
            return Enrolment.objects.create(
                agent=agent,
                course=course,
                version=version,
                source=source,
                assigned_by=assigned_by,
                due_on=due_on,
                path_assignment=path_assignment,
                path_order=path_order,
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("%(agent)s is already enrolled in %(course)s.") % {"agent": agent, "course": course},
            code="already_enrolled",
        ) from exc


@transaction.atomic
def enrolment_withdraw(*, enrolment: Enrolment) -> Enrolment:
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if not enrolment.is_active:
        raise ValidationError(_("Only ongoing enrolments can be withdrawn."), code="inactive")
    enrolment.status = Enrolment.Status.WITHDRAWN
    enrolment.withdrawn_at = timezone.now()
    enrolment.save(update_fields=["status", "withdrawn_at"])
    return enrolment


def required_lesson_ids(enrolment: Enrolment) -> list[int]:
    """The lessons that complete the course: the required ones, or all when none is."""
    lessons = enrolment.version.snapshot["lessons"]
    required = [item["id"] for item in lessons if item["required"]]
    return required or [item["id"] for item in lessons]


def course_lock_message(*, agent: User, course: Course) -> str:
    """Why the course is still locked for the agent, in a sentence; "" when it is open."""
    missing = prerequisites_missing(agent=agent, course=course)
    if not missing:
        return ""
    return _("This course is locked until you: %(missing)s.") % {"missing": join_clauses(missing)}


@transaction.atomic
def lesson_complete(*, enrolment: Enrolment, lesson_id: int) -> Enrolment:
    """Mark a lesson of the enrolment's version done; completes the course when it may."""
    locked = Enrolment.objects.select_for_update().select_related("version", "course")
    enrolment = locked.get(pk=enrolment.pk)
    if not enrolment.is_active:
        raise ValidationError(_("This enrolment is no longer open."), code="inactive")
    lesson_ids = {item["id"] for item in enrolment.version.snapshot["lessons"]}
    if lesson_id not in lesson_ids:
        raise ValidationError(_("This lesson is not part of your course."), code="lesson")
    reason = course_lock_message(agent=enrolment.agent, course=enrolment.course)
    if reason:
        raise ValidationError(reason, code="locked")
    LessonProgress.objects.get_or_create(enrolment=enrolment, lesson_id=lesson_id)
    fields = ["progress"]
    if enrolment.started_at is None:
        enrolment.started_at = timezone.now()
        fields.append("started_at")
    if enrolment.status == Enrolment.Status.NOT_STARTED:
        enrolment.status = Enrolment.Status.IN_PROGRESS
        fields.append("status")
    enrolment.progress = _progress(enrolment)
    enrolment.save(update_fields=fields)
    return enrolment_complete_if_done(enrolment=enrolment)


def _progress(enrolment: Enrolment) -> int:
    required = required_lesson_ids(enrolment)
    if not required:
        return 0
    done = LessonProgress.objects.filter(enrolment=enrolment, lesson_id__in=required).count()
    return round(100 * done / len(required))


@transaction.atomic
def enrolment_complete_if_done(*, enrolment: Enrolment, by_attendance: bool = False) -> Enrolment:
    """Complete the enrolment when its lessons (or attendance) and every hook allow it."""
    if not enrolment.is_active:
        return enrolment
    required = required_lesson_ids(enrolment)
    if by_attendance:
        lessons_done = True
    else:
        done = set(
            LessonProgress.objects.filter(enrolment=enrolment).values_list("lesson_id", flat=True)
        )
        lessons_done = bool(required) and set(required) <= done
    if not lessons_done or completion_conditions_unmet(enrolment):
        return enrolment
    enrolment.status = Enrolment.Status.COMPLETED
    enrolment.completed_at = timezone.now()
    enrolment.progress = 100
    enrolment.save(update_fields=["status", "completed_at", "progress"])
    transaction.on_commit(lambda: course_completed.send(sender=Enrolment, enrolment=enrolment))
    return enrolment


@transaction.atomic
def path_assign(
    *,
    path: LearningPath,
    agents: Iterable[User],
    assigned_by: User,
    due_on: datetime.date | None,
    team: Team | None = None,
) -> list[PathAssignment]:
    """Assign a path: enrol each person in its courses, in the path's order.

    Courses a person is already taking or has completed are skipped, not doubled.
    """
    if not path.is_published:
        raise ValidationError(_("This learning path is not published."), code="unpublished")
    if due_on is not None and due_on < timezone.localdate():
        raise ValidationError(_("The due date cannot be in the past."), code="due_past")
    # Once each, and only people still here: a team can list someone twice over (chosen
    # by name and through the team) or someone who has left.
    agents = list({a.pk: a for a in agents if a.is_active}.values())
    if not agents:
        raise ValidationError(_("Choose at least one person."), code="nobody")
    # Lock the people (in one order, so two assignments cannot deadlock) before reading
    # what they already take: an enrolment made meanwhile by another assignment waits
    # until this one has committed. ``no_key`` lets rows that point at them still be written.
    list(
        User.objects.select_for_update(no_key=True)
        .filter(pk__in=[a.pk for a in agents])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    steps = list(path.steps.select_related("course").order_by("order"))
    unpublished = [s.course for s in steps if s.course.status != Course.Status.PUBLISHED]
    if unpublished:
        raise ValidationError(
            _("These courses of the path are not published: %(courses)s.")
            % {"courses": join_items(unpublished)},
            code="unpublished_course",
        )
    taken = set(
        Enrolment.objects.filter(agent__in=agents, course__in=[s.course for s in steps])
        .filter(Q(status__in=Enrolment.ACTIVE_STATUSES) | Q(status=Enrolment.Status.COMPLETED))
        .values_list("agent_id", "course_id")
    )
    latest = {
        v.course_id: v
        for v in CourseVersion.objects.filter(course__in=[s.course for s in steps]).order_by(
            "course_id", "number"
        )
    }
    assignments = []
    for agent in agents:
        assignment = PathAssignment.objects.create(
            path=path, agent=agent, team=team, due_on=due_on, assigned_by=assigned_by
        )
        assignments.append(assignment)
        enrolments = [
            Enrolment(
                agent=agent,
                course=step.course,
                version=latest[step.course_id],
                source=Enrolment.Source.PATH,
                assigned_by=assigned_by,
                due_on=due_on,
                path_assignment=assignment,
                path_order=step.order,
            )
            for step in steps
            if (agent.pk, step.course_id) not in taken
        ]
        try:
            with transaction.atomic():
                Enrolment.objects.bulk_create(enrolments)
        except IntegrityError as exc:
            # Someone enrolled the person by another way (self-enrolment does not take
            # the lock) between our read and this insert: refuse, nothing is kept.
            raise ValidationError(
                _(
                    "%(agent)s was enrolled in a course of this path at the same time: "
                    "nothing was assigned, please try again."
                )
                % {"agent": agent},
                code="already_enrolled",
            ) from exc
    return assignments


# --- Assigning work to people and teams (pages and API alike) ------------------------


def _assignees_checked(
    *, assigned_by: User, team: Team | None, people: Iterable[User]
) -> Assignees:
    """Whom the assignment reaches; refused as a whole, naming them, when the assigner may
    not assign training to some of them."""
    assignees = assignees_for(assigned_by, team=team, people=people)
    if assignees.refused:
        message = _("You cannot assign training to %(people)s.") % {
            "people": join_items(assignees.refused)
        }
        raise ValidationError({"people": [ValidationError(message, code="not_assignable")]})
    return assignees


@transaction.atomic
def path_assign_to_people(
    *,
    path: LearningPath,
    assigned_by: User,
    team: Team | None = None,
    people: Iterable[User] = (),
    due_on: datetime.date | None = None,
) -> list[PathAssignment]:
    """Assign a path to a team's active members (their assignments record the team) and to
    people named one by one, on behalf of ``assigned_by``.

    All or nothing, since the rules are the same for everyone: a person the assigner may
    not assign to (see ``permissions.assignable_people_for``) refuses the whole request
    with a ``people`` error naming them; so does any refusal of ``path_assign``.
    """
    assignees = _assignees_checked(assigned_by=assigned_by, team=team, people=people)
    assignments: list[PathAssignment] = []
    # With nobody at all, path_assign gives its own "choose at least one person".
    if assignees.members or not assignees.others:
        assignments += path_assign(
            path=path, agents=assignees.members, assigned_by=assigned_by, due_on=due_on, team=team
        )
    if assignees.others:
        assignments += path_assign(
            path=path, agents=assignees.others, assigned_by=assigned_by, due_on=due_on
        )
    return assignments


def enrolment_assign(
    *, agent: User, course: Course, assigned_by: User, due_on: datetime.date | None = None
) -> Enrolment:
    """Enrol someone on another's behalf, recorded as HR's, a team lead's or a mentor's
    assignment. The caller has checked that ``assigned_by`` may assign training to
    ``agent`` (``permissions.assignable_people_for``)."""
    return enrolment_create(
        agent=agent,
        course=course,
        source=assignment_source_for(assigned_by, agent),
        assigned_by=assigned_by,
        due_on=due_on,
    )


@dataclass(frozen=True)
class CourseAssignResult:
    enrolled: list[User]
    already: list[User]  # already enrolled: nothing added
    failed: list[tuple[User, str]]  # each with the reason, in the user's language


def course_assign_to_people(
    *,
    course: Course,
    assigned_by: User,
    team: Team | None = None,
    people: Iterable[User] = (),
    due_on: datetime.date | None = None,
) -> CourseAssignResult:
    """Enrol a team's active members and people named one by one in a course.

    Not one transaction on purpose: each person is enrolled on their own, so that one
    refusal (already enrolled, no longer active) does not undo the others; the result
    says who was enrolled, who already was and who was refused and why. A person the
    assigner may not assign to refuses the whole request before anyone is enrolled.
    """
    assignees = _assignees_checked(assigned_by=assigned_by, team=team, people=people)
    enrolled: list[User] = []
    already: list[User] = []
    failed: list[tuple[User, str]] = []
    for person in assignees.everyone:
        try:
            enrolment_assign(agent=person, course=course, assigned_by=assigned_by, due_on=due_on)
        except ValidationError as exc:
            if exc.code == "already_enrolled":
                already.append(person)
            else:
                failed.append((person, " ".join(exc.messages)))
        else:
            enrolled.append(person)
    return CourseAssignResult(enrolled=enrolled, already=already, failed=failed)


# --- Sessions ------------------------------------------------------------------------


def _session_locked(session: CourseSession) -> CourseSession:
    return CourseSession.objects.select_for_update().select_related("course").get(pk=session.pk)


@transaction.atomic
def session_register(*, session: CourseSession, agent: User) -> SessionRegistration:
    """Register for a session, or join its waiting list when it is full.

    The session row is locked so that two people cannot both take the last seat.
    """
    session = _session_locked(session)
    if session.is_cancelled:
        raise ValidationError(_("This session has been cancelled."), code="cancelled")
    if session.starts_at <= timezone.now():
        raise ValidationError(_("This session has already started."), code="started")
    if (
        session.registrations.filter(agent=agent)
        .exclude(status=SessionRegistration.Status.CANCELLED)
        .exists()
    ):
        raise ValidationError(_("You are already registered for this session."), code="twice")
    if not Enrolment.objects.filter(
        agent=agent, course=session.course, status__in=Enrolment.ACTIVE_STATUSES
    ).exists():
        enrolment_create(
            agent=agent, course=session.course, source=Enrolment.Source.SELF, assigned_by=agent
        )
    taken = session.registrations.filter(status=SessionRegistration.Status.REGISTERED).count()
    status = (
        SessionRegistration.Status.REGISTERED
        if taken < session.capacity
        else SessionRegistration.Status.WAITLISTED
    )
    return SessionRegistration.objects.create(session=session, agent=agent, status=status)


@transaction.atomic
def session_registration_cancel(*, registration: SessionRegistration) -> SessionRegistration:
    """Give the seat up; the first person on the waiting list takes it."""
    session = _session_locked(registration.session)
    registration = SessionRegistration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == SessionRegistration.Status.CANCELLED:
        raise ValidationError(_("This registration is already cancelled."), code="cancelled")
    if session.starts_at <= timezone.now():
        # Too late to hand the seat to someone waiting; attendance is taken instead.
        raise ValidationError(_("This session has already started."), code="started")
    had_seat = registration.status == SessionRegistration.Status.REGISTERED
    registration.status = SessionRegistration.Status.CANCELLED
    registration.save(update_fields=["status"])
    if had_seat:
        waiting = (
            session.registrations.filter(status=SessionRegistration.Status.WAITLISTED)
            .order_by("registered_at", "id")
            .first()
        )
        if waiting is not None:
            waiting.status = SessionRegistration.Status.REGISTERED
            waiting.save(update_fields=["status"])
            with speaking_to(waiting.agent):
                notification_send(
                    recipient=waiting.agent,
                    key=f"session-seat:{waiting.pk}",
                    subject=_("You have a seat in %(session)s") % {"session": session},
                    url=reverse("courses:course-detail", args=[session.course_id]),
                )
    return registration


@transaction.atomic
def attendance_record(
    *, registration: SessionRegistration, attendance: str, taken_by: User
) -> SessionRegistration:
    """Record attendance; being present completes a course that attendance completes."""
    if attendance not in SessionRegistration.Attendance.values:
        raise ValidationError(_("Choose present, absent or excused."), code="attendance")
    registration = (
        SessionRegistration.objects.select_for_update()
        .select_related("session", "session__course", "agent")
        .get(pk=registration.pk)
    )
    if registration.session.is_cancelled:
        raise ValidationError(_("This session has been cancelled."), code="cancelled")
    if registration.status != SessionRegistration.Status.REGISTERED:
        raise ValidationError(
            _("Only registered participants can be marked."), code="not_registered"
        )
    if registration.session.starts_at > timezone.now():
        raise ValidationError(
            _("Attendance can be taken once the session has started."), code="not_started"
        )
    registration.attendance = attendance
    registration.attendance_by = taken_by
    registration.attendance_at = timezone.now()
    registration.save(update_fields=["attendance", "attendance_by", "attendance_at"])
    course = registration.session.course
    if attendance == SessionRegistration.Attendance.PRESENT and course.completes_on_attendance:
        enrolment = (
            Enrolment.objects.select_for_update()
            .select_related("version")
            .filter(agent=registration.agent, course=course, status__in=Enrolment.ACTIVE_STATUSES)
            .first()
        )
        if enrolment is not None:
            enrolment_complete_if_done(enrolment=enrolment, by_attendance=True)
    return registration


# --- Due dates and reminders (daily tasks) -------------------------------------------


def _course_url(enrolment: Enrolment) -> str:
    return reverse("courses:course-detail", args=[enrolment.course_id])


def enrolments_mark_overdue(*, today: datetime.date | None = None) -> int:
    """Mark work past its due date overdue and tell the agent and who assigned it.

    Idempotent: an enrolment becomes overdue once, and notifications are keyed by event.
    """
    today = today or timezone.localdate()
    count = 0
    late = Enrolment.objects.filter(
        status__in=[Enrolment.Status.NOT_STARTED, Enrolment.Status.IN_PROGRESS],
        due_on__lt=today,
    ).select_related("agent", "course", "assigned_by")
    for enrolment in late:
        with transaction.atomic():
            updated = Enrolment.objects.filter(
                pk=enrolment.pk,
                status__in=[Enrolment.Status.NOT_STARTED, Enrolment.Status.IN_PROGRESS],
            ).update(status=Enrolment.Status.OVERDUE)
            if not updated:
                continue
            count += 1
            _overdue_notify(enrolment)
    return count


def _overdue_notify(enrolment: Enrolment) -> None:
    with speaking_to(enrolment.agent):
        notification_send(
            recipient=enrolment.agent,
            key=f"enrolment-overdue:{enrolment.pk}",
            subject=_("Overdue: %(course)s (due %(date)s)")
            % {"course": enrolment.course, "date": enrolment.due_on},
            url=_course_url(enrolment),
        )
    if enrolment.assigned_by_id and enrolment.assigned_by_id != enrolment.agent_id:
        with speaking_to(enrolment.assigned_by):
            notification_send(
                recipient=enrolment.assigned_by,
                key=f"enrolment-overdue:{enrolment.pk}",
                subject=_("%(agent)s is overdue: %(course)s")
                % {"agent": enrolment.agent, "course": enrolment.course},
                url=reverse("courses:progress"),
            )


def due_reminders_send(*, today: datetime.date | None = None, days_before: int = 3) -> int:
    """Remind agents of work due within ``days_before`` days; once per enrolment and date."""
    today = today or timezone.localdate()
    sent = 0
    soon = Enrolment.objects.filter(
        status__in=[Enrolment.Status.NOT_STARTED, Enrolment.Status.IN_PROGRESS],
        due_on__gte=today,
        due_on__lte=today + datetime.timedelta(days=days_before),
    ).select_related("agent", "course")
    for enrolment in soon:
        with speaking_to(enrolment.agent):
            _notification, created = notification_send(
                recipient=enrolment.agent,
                key=f"enrolment-due:{enrolment.pk}:{enrolment.due_on.isoformat()}",
                subject=_("Due %(date)s: %(course)s")
                % {"date": enrolment.due_on, "course": enrolment.course},
                url=_course_url(enrolment),
            )
        sent += created
    return sent


def _local(moment: datetime.datetime, person: User) -> datetime.datetime:
    """The moment in the person's own time zone, for messages written outside a request."""
    try:
        return timezone.localtime(moment, zoneinfo.ZoneInfo(person.time_zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.localtime(moment)


def session_reminders_send(*, now: datetime.datetime | None = None, hours_before: int = 24) -> int:
    """Remind registered participants of sessions starting within ``hours_before`` hours."""
    now = now or timezone.now()
    sent = 0
    upcoming = SessionRegistration.objects.filter(
        status=SessionRegistration.Status.REGISTERED,
        session__is_cancelled=False,
        session__starts_at__gt=now,
        session__starts_at__lte=now + datetime.timedelta(hours=hours_before),
    ).select_related("agent", "session", "session__course")
    for registration in upcoming:
        session = registration.session
        with speaking_to(registration.agent):
            _notification, created = notification_send(
                recipient=registration.agent,
                key=f"session-reminder:{session.pk}:{session.starts_at.isoformat()}",
                subject=_("Reminder: %(course)s starts %(start)s")
                % {
                    "course": session.course,
                    "start": _local(session.starts_at, registration.agent).strftime(
                        "%Y-%m-%d %H:%M"
                    ),
                },
                body=session.location or session.online_url,
                url=reverse("courses:course-detail", args=[session.course_id]),
            )
        sent += created
    return sent


@transaction.atomic
def course_targets_set(*, course: Course, targets: list[tuple[Any, int]]) -> Course:
    """Replace the competencies the course builds: [(competency, level), ...]."""
    _competency_levels_check(targets)
    course.targets.all().delete()
    CourseCompetency.objects.bulk_create(
        CourseCompetency(course=course, competency=competency, level=level)
        for competency, level in targets
    )
    return course


@transaction.atomic
def course_level_prerequisites_set(*, course: Course, rules: list[tuple[Any, int]]) -> Course:
    """Replace the minimum competency levels needed before the course."""
    _competency_levels_check(rules)
    course.level_prerequisites.all().delete()
    CourseLevelPrerequisite.objects.bulk_create(
        CourseLevelPrerequisite(course=course, competency=competency, level=level)
        for competency, level in rules
    )
    return course


def _competency_levels_check(pairs: list[tuple[Any, int]]) -> None:
    seen = set()
    for competency, level in pairs:
        if level not in Level.values:
            raise ValidationError(_("Choose basic, advanced or expert."), code="level")
        if competency.pk in seen:
            raise ValidationError(
                _("%(competency)s is listed twice.") % {"competency": competency}, code="twice"
            )
        seen.add(competency.pk)


@transaction.atomic
def lesson_move(*, lesson: Lesson, offset: int) -> Lesson:
    """Move a lesson up (-1) or down (+1) among its course's lessons."""
    lessons = list(lesson.course.lessons.order_by("order", "id"))
    index = next(i for i, item in enumerate(lessons) if item.pk == lesson.pk)
    target = index + offset
    if not 0 <= target < len(lessons):
        return lesson
    lessons.insert(target, lessons.pop(index))
    for order, item in enumerate(lessons, start=1):
        if item.order != order:
            item.order = order
            item.save(update_fields=["order"])
    lesson.refresh_from_db(fields=["order"])
    return lesson


@transaction.atomic
def learning_path_publish(*, path: LearningPath, published: bool) -> LearningPath:
    if published and not path.steps.exists():
        raise ValidationError(_("A learning path needs at least one course."), code="empty")
    path.is_published = published
    path.save(update_fields=["is_published"])
    return path


SESSION_FIELDS = {"starts_at", "ends_at", "location", "online_url", "capacity", "instructor"}


@transaction.atomic
def session_save(
    *, course: Course, session: CourseSession | None = None, **fields: Any
) -> CourseSession:
    """Create or edit a session of a live or workshop course."""
    unknown = set(fields) - SESSION_FIELDS
    if unknown:
        raise TypeError(f"Unknown session fields: {sorted(unknown)}")
    if course.delivery_mode not in SESSION_MODES:
        raise ValidationError(
            _("Only live and workshop courses have sessions."), code="delivery_mode"
        )
    if session is not None:
        # Lock the row before counting seats: a registration takes the same lock, so
        # nobody can take a seat between the count below and the save.
        _session_locked(session)
    session = session or CourseSession(course=course)
    for name, value in fields.items():
        setattr(session, name, value)
    if not session.location and not session.online_url:
        raise ValidationError(_("Give a place or an online link."), code="where")
    _validated(session)
    if session.pk:
        taken = session.registrations.filter(status=SessionRegistration.Status.REGISTERED).count()
        if session.capacity < taken:
            raise ValidationError(
                _("%(count)s people are registered: the capacity cannot be lower.")
                % {"count": taken},
                code="capacity",
            )
    session.save()
    return session


@transaction.atomic
def session_cancel(*, session: CourseSession) -> CourseSession:
    """Cancel a session and tell everyone registered or waiting."""
    session = _session_locked(session)
    if session.is_cancelled:
        raise ValidationError(_("This session has been cancelled."), code="cancelled")
    session.is_cancelled = True
    session.save(update_fields=["is_cancelled"])
    for registration in session.registrations.exclude(
        status=SessionRegistration.Status.CANCELLED
    ).select_related("agent"):
        with speaking_to(registration.agent):
            notification_send(
                recipient=registration.agent,
                key=f"session-cancelled:{session.pk}",
                subject=_("Cancelled: %(session)s") % {"session": session},
                url=reverse("courses:course-detail", args=[session.course_id]),
            )
    return session


@transaction.atomic
def course_author_save(
    *,
    course: Course | None = None,
    code: str = "",
    created_by: User | None = None,
    prerequisites: Iterable[Course] | None = None,
    targets: list[tuple[Any, int]] | None = None,
    level_rules: list[tuple[Any, int]] | None = None,
    **fields: Any,
) -> Course:
    """Create or edit a course with its prerequisites, targeted competencies and level
    prerequisites, all or nothing (the authoring form and the API save them together).

    ``prerequisites`` / ``targets`` / ``level_rules`` left as None are not touched."""
    if course is None:
        title_zh = fields.pop("title_zh", "")
        course = course_create(
            code=code,
            title_zh=title_zh,
            created_by=created_by,
            prerequisites=prerequisites or (),
            **fields,
        )
    else:
        course = course_update(course=course, prerequisites=prerequisites, **fields)
    if targets is not None:
        course_targets_set(course=course, targets=targets)
    if level_rules is not None:
        course_level_prerequisites_set(course=course, rules=level_rules)
    return course
