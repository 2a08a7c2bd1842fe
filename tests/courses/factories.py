import datetime

import factory
from django.utils import timezone

from courses import services
from courses.models import (
    Course,
    CourseCompetency,
    CourseLevelPrerequisite,
    CourseSession,
    Enrolment,
    LearningPath,
    Lesson,
    PathCourse,
    SessionRegistration,
)
from lms.models import Level, Role
from tests.lms.factories import CompetencyFactory, UserFactory


class CourseFactory(factory.django.DjangoModelFactory):
    """A draft course; use ``published_course()`` for one learners can enrol in."""

    class Meta:
        model = Course

    code = factory.Sequence(lambda n: f"course-{n}")
    title_zh = factory.Sequence(lambda n: f"课程{n}")
    title_en = factory.Sequence(lambda n: f"Course {n}")
    description_zh = "课程简介"
    tier = "entry"
    delivery_mode = "online"
    estimated_minutes = 45


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    course = factory.SubFactory(CourseFactory)
    order = factory.Sequence(lambda n: n + 1)
    kind = Lesson.Kind.TEXT
    title_zh = factory.Sequence(lambda n: f"第{n}课")
    title_en = factory.Sequence(lambda n: f"Lesson {n}")
    body_zh = "您好，感谢您的耐心等待。"
    estimated_minutes = 10
    required = True


class CourseCompetencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseCompetency

    course = factory.SubFactory(CourseFactory)
    competency = factory.SubFactory(CompetencyFactory)
    level = Level.BASIC


class CourseLevelPrerequisiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseLevelPrerequisite

    course = factory.SubFactory(CourseFactory)
    competency = factory.SubFactory(CompetencyFactory)
    level = Level.BASIC


def published_course(*, lessons: int = 2, published_by=None, **fields) -> Course:
    """A course with ``lessons`` required text lessons, published as version 1."""
    course = CourseFactory(**fields)
    for _ in range(lessons):
        LessonFactory(course=course)
    services.course_publish(course=course, published_by=published_by)
    return course


class LearningPathFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningPath

    code = factory.Sequence(lambda n: f"path-{n}")
    title_zh = factory.Sequence(lambda n: f"学习路径{n}")
    title_en = factory.Sequence(lambda n: f"Path {n}")
    is_published = True


class PathCourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PathCourse

    path = factory.SubFactory(LearningPathFactory)
    course = factory.SubFactory(CourseFactory)
    order = factory.Sequence(lambda n: n + 1)


def enrolment_for(agent, course: Course, **kwargs) -> Enrolment:
    """Enrol through the service (the course must be published)."""
    kwargs.setdefault("source", Enrolment.Source.HR)
    kwargs.setdefault("assigned_by", None)
    return services.enrolment_create(agent=agent, course=course, **kwargs)


class CourseSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseSession

    course = factory.SubFactory(
        CourseFactory, delivery_mode="workshop", completes_on_attendance=True
    )
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + datetime.timedelta(hours=3))
    location = "上海总部 3楼培训室"
    capacity = 10
    instructor = factory.SubFactory(UserFactory, roles=[Role.TRAINER])


class SessionRegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionRegistration

    session = factory.SubFactory(CourseSessionFactory)
    agent = factory.SubFactory(UserFactory)
    status = SessionRegistration.Status.REGISTERED
