"""Demo courses for the fictional shop 云裳优品: catalogue, onboarding path, sessions, enrolments.

Run by ``seed_demo`` after the people exist (or on its own afterwards). Every write goes
through ``courses.services``. Idempotent: courses are keyed by code, the path by code,
lessons are created only with their new course (by order), path assignments by person,
enrolments by person and course (any status: a withdrawn or completed enrolment is not
redone), and a course's sessions are seeded only while it has none, because their start
times are relative to the day of the first run. What exists is skipped, never updated:
a second run publishes no new version and creates nothing.
"""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from courses import demo_content as content
from courses import services
from courses.models import (
    Course,
    CourseSession,
    CourseVersion,
    Enrolment,
    LearningPath,
    Lesson,
    LessonProgress,
    PathAssignment,
    SessionRegistration,
)
from lms.models import Competency, Mentorship, User

COUNTED = [
    Course,
    CourseVersion,
    Lesson,
    LearningPath,
    PathAssignment,
    CourseSession,
    SessionRegistration,
    Enrolment,
    LessonProgress,
]


def _counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in COUNTED}


class Command(BaseCommand):
    help = "Create the idempotent demo course catalogue, path, sessions and enrolments. DEBUG only."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is False.")

    def handle(self, *args, force: bool = False, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo_courses writes demo enrolments for demo users and refuses to run "
                "with DEBUG=False. Pass --force if this really is a demo installation."
            )
        before = _counts()
        # Seeding marks demo work overdue, which notifies by e-mail: keep those demo
        # e-mails in memory instead of printing them into the demo's start-up output.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
            transaction.atomic(),
        ):
            self._seed()
        after = _counts()
        summary = ", ".join(
            f"{name} {count} ({count - before[name]:+d})" for name, count in after.items()
        )
        self.stdout.write(f"Demo courses: {summary}")

    # --- people and reference data ---------------------------------------------------

    def _seed(self) -> None:
        self.today = timezone.localdate()
        usernames = {"trainer", "hr", *content.PATH_PROGRESS, *content.ENROLMENTS}
        for registrations in content.REGISTRATIONS.values():
            for names in registrations:
                usernames.update(names)
        self.users = {
            u.username: u
            for u in User.objects.filter(username__in=usernames, is_active=True).select_related(
                "team__lead"
            )
        }
        for required in ("trainer", "hr"):
            if required not in self.users:
                raise CommandError(
                    f"The demo user {required!r} is missing: run `manage.py seed_demo` first."
                )
        self.trainer, self.hr = self.users["trainer"], self.users["hr"]
        self.mentor_of = dict(
            Mentorship.objects.filter(
                ended_on__isnull=True, mentee__in=self.users.values()
            ).values_list("mentee__username", "mentor")
        )
        self.mentors = {u.pk: u for u in User.objects.filter(pk__in=self.mentor_of.values())}

        courses = self._seed_courses()
        path = self._seed_path(courses)
        if path is not None:
            self._seed_path_assignments(path)
        overdue_created = self._seed_enrolments(courses)
        self._seed_sessions(courses)
        if overdue_created:
            # Work due today becomes overdue tomorrow; the daily task would do the same.
            services.enrolments_mark_overdue(today=self.today + datetime.timedelta(days=1))

    # --- catalogue -------------------------------------------------------------------

    def _seed_courses(self) -> dict[str, Course]:
        codes = {code for c in content.COURSES for code, _level in c.targets}
        codes |= {code for c in content.COURSES for code, _level in c.level_prerequisites}
        competencies = {c.code: c for c in Competency.objects.filter(code__in=codes)}
        missing = codes - set(competencies)
        if missing:
            raise CommandError(
                f"Competencies {sorted(missing)} are missing: run `manage.py seed_demo` first."
            )
        courses = {
            c.code: c for c in Course.objects.filter(code__in=[c.code for c in content.COURSES])
        }
        for item in content.COURSES:
            if item.code in courses:
                continue
            course = services.course_create(
                code=item.code,
                title_zh=item.title_zh,
                title_en=item.title_en,
                description_zh=item.description_zh,
                description_en=item.description_en,
                tier=item.tier,
                delivery_mode=item.delivery_mode,
                estimated_minutes=item.minutes,
                completes_on_attendance=item.completes_on_attendance,
                created_by=self.trainer,
                prerequisites=[courses[code] for code in item.prerequisites],
            )
            services.course_targets_set(
                course=course,
                targets=[(competencies[code], level) for code, level in item.targets],
            )
            if item.level_prerequisites:
                services.course_level_prerequisites_set(
                    course=course,
                    rules=[(competencies[code], level) for code, level in item.level_prerequisites],
                )
            for order, lesson in enumerate(item.lessons, start=1):
                services.lesson_create(
                    course=course,
                    order=order,
                    title_zh=lesson.title_zh,
                    title_en=lesson.title_en,
                    kind=lesson.kind,
                    body_zh=lesson.body_zh,
                    video_url=lesson.video_url,
                    estimated_minutes=lesson.minutes,
                    required=lesson.required,
                )
            services.course_publish(course=course, published_by=self.trainer)
            courses[item.code] = course
        return courses

    def _seed_path(self, courses: dict[str, Course]) -> LearningPath | None:
        spec = content.ONBOARDING_PATH
        path = LearningPath.objects.filter(code=spec["code"]).first()
        if path is None:
            path = services.learning_path_save(
                code=spec["code"],
                title_zh=spec["title_zh"],
                title_en=spec["title_en"],
                description_zh=spec["description_zh"],
                description_en=spec["description_en"],
                courses=[courses[code] for code in spec["courses"]],
                created_by=self.trainer,
            )
            services.learning_path_publish(path=path, published=True)
        return path if path.is_published else None

    # --- enrolments ------------------------------------------------------------------

    def _seed_path_assignments(self, path: LearningPath) -> None:
        assigned = set(
            PathAssignment.objects.filter(path=path).values_list("agent__username", flat=True)
        )
        learners = [
            self.users[name]
            for name in content.PATH_PROGRESS
            if name in self.users and name not in assigned
        ]
        if not learners:
            return
        due_on = self.today + datetime.timedelta(days=content.ONBOARDING_PATH["due_days"])
        assignments = services.path_assign(
            path=path, agents=learners, assigned_by=self.hr, due_on=due_on
        )
        enrolments = Enrolment.objects.filter(path_assignment__in=assignments).select_related(
            "agent", "course", "version"
        )
        for enrolment in sorted(enrolments, key=lambda e: (e.agent_id, e.path_order or 0)):
            done = content.PATH_PROGRESS[enrolment.agent.username].get(enrolment.course.code, 0)
            self._progress(enrolment, done)

    def _seed_enrolments(self, courses: dict[str, Course]) -> bool:
        taken = set(
            Enrolment.objects.filter(
                agent__in=self.users.values(), course__in=courses.values()
            ).values_list("agent__username", "course__code")
        )
        overdue_created = False
        for username, plan in content.ENROLMENTS.items():
            agent = self.users.get(username)
            if agent is None:
                continue
            for code, state in plan:
                course = courses[code]
                if (username, code) in taken or not course.is_published:
                    continue
                overdue = isinstance(state, str) and state.startswith("overdue")
                source, assigned_by = self._assigner(agent, code)
                due_days = 0 if overdue else content.DUE_DAYS
                enrolment = services.enrolment_create(
                    agent=agent,
                    course=course,
                    source=source,
                    assigned_by=assigned_by,
                    due_on=self.today + datetime.timedelta(days=due_days),
                )
                taken.add((username, code))
                if state == "withdrawn":
                    services.enrolment_withdraw(enrolment=enrolment)
                    continue
                if overdue:
                    overdue_created = True
                    state = int(state.partition(":")[2] or 0)
                self._progress(enrolment, state)
        return overdue_created

    def _assigner(self, agent: User, code: str) -> tuple[str, User]:
        mentor_id = self.mentor_of.get(agent.username)
        if code in content.MENTOR_ASSIGNED and mentor_id in self.mentors:
            return Enrolment.Source.MENTOR, self.mentors[mentor_id]
        lead = agent.team.lead if agent.team else None
        if lead is not None:
            return Enrolment.Source.TEAM_LEAD, lead
        return Enrolment.Source.HR, self.hr

    def _progress(self, enrolment: Enrolment, done: str | int) -> Enrolment:
        """Mark lessons done in order: all of them, or the first ``done``."""
        lessons = enrolment.version.snapshot["lessons"]
        todo = lessons if done == "all" else lessons[: int(done)]
        # A course still locked (a prerequisite not met) stays not started.
        if not todo or services.prerequisites_missing(
            agent=enrolment.agent, course=enrolment.course
        ):
            return enrolment
        for lesson in todo:
            enrolment = services.lesson_complete(enrolment=enrolment, lesson_id=lesson["id"])
        return enrolment

    # --- sessions --------------------------------------------------------------------

    def _at(self, days: int, hour: int) -> datetime.datetime:
        day = self.today + datetime.timedelta(days=days)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))

    def _seed_sessions(self, courses: dict[str, Course]) -> None:
        for code, specs in content.SESSIONS.items():
            course = courses[code]
            if not course.is_published or course.sessions.exists():
                continue
            registrations = content.REGISTRATIONS.get(code, ())
            for index, (days, hour, minutes, capacity, place, link) in enumerate(specs):
                names = registrations[index] if index < len(registrations) else ()
                starts_at = self._at(days, hour)
                length = datetime.timedelta(minutes=minutes)
                past = starts_at <= timezone.now()
                # Registration is open only before a session starts: a past session is
                # scheduled for tomorrow, filled, then moved back to when it took place.
                first_start = timezone.now() + datetime.timedelta(days=1) if past else starts_at
                session = services.session_save(
                    course=course,
                    starts_at=first_start,
                    ends_at=first_start + length,
                    location=place,
                    online_url=link,
                    capacity=capacity,
                    instructor=self.trainer,
                )
                registered = self._register(session, names)
                if past:
                    session = services.session_save(
                        course=course,
                        session=session,
                        starts_at=starts_at,
                        ends_at=starts_at + length,
                    )
                    for registration in registered:
                        attendance = names[registration.agent.username]
                        services.attendance_record(
                            registration=registration, attendance=attendance, taken_by=self.trainer
                        )

    def _register(self, session: CourseSession, names: Iterable[str]) -> list[SessionRegistration]:
        return [
            services.session_register(session=session, agent=self.users[name])
            for name in names
            if name in self.users
        ]
