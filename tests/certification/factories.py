"""Programs, certificates, points and ladder rows for the certification tests.

``completed_course_for`` gives a person a completed enrolment (the simplest requirement
to meet); ``issued_certificate`` issues through the service, so the PDF is rendered (Celery
runs eagerly in tests) and the row is ISSUED.
"""

import datetime

import factory
from django.test import TestCase
from django.utils import timezone

from certification import issuing
from certification.models import (
    CareerLevel,
    Certificate,
    HonourType,
    PointRule,
    Program,
    Requirement,
)
from courses.models import Enrolment
from tests.courses.factories import enrolment_for, published_course


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    code = factory.Sequence(lambda n: f"program-{n}")
    title_zh = factory.Sequence(lambda n: f"认证项目{n}")
    title_en = factory.Sequence(lambda n: f"Program {n}")
    kind = "skill"
    validity_months = 12
    issue_mode = Program.IssueMode.APPROVAL


def course_requirement(program: Program, course=None) -> Requirement:
    return Requirement.objects.create(
        program=program, kind=Requirement.Kind.COURSE, course=course or published_course()
    )


def completed_course_for(person, course) -> Enrolment:
    enrolment = enrolment_for(person, course)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=Enrolment.Status.COMPLETED, completed_at=timezone.now()
    )
    enrolment.refresh_from_db()
    return enrolment


def eligible_program_for(*people, **fields) -> Program:
    """A program with one course requirement that every one of ``people`` has met."""
    program = ProgramFactory(**fields)
    requirement = course_requirement(program)
    for person in people:
        completed_course_for(person, requirement.course)
    return program


def issued_certificate(holder, program: Program | None = None, *, by=None, **kwargs) -> Certificate:
    program = program or eligible_program_for(holder)
    # Run the on-commit rendering task now, as a real commit would (Celery is eager).
    with TestCase.captureOnCommitCallbacks(execute=True):
        certificate, _created = issuing.certificate_issue(
            program=program, holder=holder, issued_by=by, **kwargs
        )
    certificate.refresh_from_db()
    return certificate


class HonourTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HonourType

    code = factory.Sequence(lambda n: f"honour-{n}")
    name_zh = factory.Sequence(lambda n: f"荣誉{n}")
    name_en = factory.Sequence(lambda n: f"Honour {n}")
    points = 50


class CareerLevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareerLevel

    code = factory.Sequence(lambda n: f"level-{n}")
    rank = factory.Sequence(lambda n: n + 1)
    name_zh = factory.Sequence(lambda n: f"职级{n}")
    name_en = factory.Sequence(lambda n: f"Level {n}")


def point_rules(**points: int) -> None:
    """e.g. point_rules(course=10, quiz=5)."""
    for event, amount in points.items():
        PointRule.objects.update_or_create(event=event, defaults={"points": amount})


TODAY = datetime.date(2026, 11, 23)
