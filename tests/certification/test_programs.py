"""Saving programs and editing their requirements: every kind of requirement accepts its
own target and minimum, and refuses anything else with a message, changing nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from assessments.models import AssessmentPlan, Scenario
from certification import programs
from certification.models import CertificateTemplate, Program, Requirement
from courses.models import Course
from lms.models import Level
from tests.assessments.factories import QuizFactory
from tests.assessments.roleplay_factories import ScenarioFactory
from tests.certification.factories import ProgramFactory
from tests.courses.factories import CourseFactory, published_course
from tests.lms.factories import CompetencyFactory

pytestmark = pytest.mark.django_db


def template(kind: str) -> CertificateTemplate:
    return CertificateTemplate.objects.create(kind=kind, name=f"{kind} template", html="<p></p>")


def program_fields(**overrides) -> dict:
    fields = {
        "code": "crm-basic",
        "kind": "skill",
        "title_zh": "CRM 系统技能认证",
        "title_en": "CRM skills",
        "validity_months": 12,
        "issue_mode": Program.IssueMode.APPROVAL,
        "points_awarded": 50,
    }
    fields.update(overrides)
    return fields


# --- Programs ----------------------------------------------------------------------------


def test_program_save_creates_and_edits_a_program():
    refresher = published_course()
    skill_template = template("skill")
    program = programs.program_save(
        **program_fields(refresher_course=refresher, template=skill_template, tag_zh="CRM 达人")
    )
    program.refresh_from_db()
    assert (program.title_zh, program.title_en, program.tag_zh) == (
        "CRM 系统技能认证",
        "CRM skills",
        "CRM 达人",
    )
    assert program.refresher_course == refresher and program.template == skill_template
    programs.program_save(program=program, validity_months=None, evidence_lapses=False)
    program.refresh_from_db()
    assert program.validity_months is None and program.evidence_lapses is False


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"validity_months": 0}, "validity_months"),
        ({"title_zh": ""}, "title_zh"),
        ({"kind": "unknown"}, "kind"),
        ({"code": "has spaces"}, "code"),
    ],
)
def test_program_save_refuses_bad_values_and_saves_nothing(change, field):
    with pytest.raises(ValidationError) as caught:
        programs.program_save(**program_fields(**change))
    assert field in caught.value.error_dict
    assert not Program.objects.exists()


def test_program_save_refuses_a_template_of_another_kind_and_an_unpublished_refresher():
    draft = CourseFactory()
    with pytest.raises(ValidationError) as caught:
        programs.program_save(
            **program_fields(template=template("quality"), refresher_course=draft)
        )
    assert caught.value.message_dict == {
        "template": [gettext("Choose a template made for this kind of program.")],
        "refresher_course": [gettext("Choose a published course as the refresher course.")],
    }
    assert not Program.objects.exists()


def test_an_edit_that_is_refused_leaves_the_program_as_it_was():
    program = programs.program_save(**program_fields())
    with pytest.raises(ValidationError):
        programs.program_save(
            program=Program.objects.get(pk=program.pk), title_zh="", points_awarded=99
        )
    program.refresh_from_db()
    assert (program.title_zh, program.points_awarded) == ("CRM 系统技能认证", 50)


def test_program_save_refuses_a_code_already_used():
    programs.program_save(**program_fields())
    with pytest.raises(ValidationError) as caught:
        programs.program_save(**program_fields(title_zh="另一个"))
    assert "code" in caught.value.error_dict
    assert Program.objects.count() == 1


def test_program_save_refuses_unknown_fields():
    with pytest.raises(TypeError):
        programs.program_save(**program_fields(is_active=False))


def test_archive_closes_the_program_and_freezes_its_requirements():
    program = ProgramFactory()
    requirement = programs.requirement_add(
        program=program, kind=Requirement.Kind.COURSE, course=published_course()
    )
    programs.program_archive(program=program)
    program.refresh_from_db()
    assert program.is_active is False
    with pytest.raises(ValidationError, match=gettext("This program is closed.")):
        programs.requirement_add(
            program=program, kind=Requirement.Kind.COURSE, course=published_course()
        )
    with pytest.raises(ValidationError):
        programs.requirement_delete(requirement=requirement)
    assert list(program.requirements.all()) == [requirement]
    programs.program_archive(program=program)  # twice: nothing more happens
    assert Program.objects.get(pk=program.pk).is_active is False


# --- Requirements: what each kind accepts -------------------------------------------------


@pytest.fixture
def targets(db):
    quiz = QuizFactory()
    roleplay = ScenarioFactory()
    case = ScenarioFactory(kind=Scenario.Kind.CASE_REVIEW)
    plan = AssessmentPlan.objects.create(
        code="onboarding", title_zh="上岗考核", quiz=quiz, quiz_weight=100, roleplay_weight=0,
        case_weight=0,
    )  # fmt: skip
    return {
        "course": published_course(),
        "quiz": quiz,
        "scenario": roleplay,
        "case": case,
        "plan": plan,
        "competency": CompetencyFactory(),
    }


@pytest.mark.parametrize(
    ("kind", "target", "minimum"),
    [
        (Requirement.Kind.COURSE, "course", None),
        (Requirement.Kind.QUIZ, "quiz", None),
        (Requirement.Kind.QUIZ, "quiz", 0),
        (Requirement.Kind.QUIZ, "quiz", 100),
        (Requirement.Kind.ROLEPLAY, "scenario", 75),
        (Requirement.Kind.PLAN, "plan", 70),
        (Requirement.Kind.COMPETENCY, "competency", Level.ADVANCED),
    ],
)
def test_each_kind_accepts_its_target_and_minimum(targets, kind, target, minimum):
    program = ProgramFactory()
    requirement = programs.requirement_add(
        program=program, kind=kind, minimum=minimum, **{target: targets[target]}
    )
    requirement.refresh_from_db()
    assert requirement.kind == kind
    assert getattr(requirement, target) == targets[target]
    assert requirement.minimum == minimum


BAD = [
    # kind, target fields, minimum, field with the error, message
    ("course", {}, None, "course", "Choose a course."),
    ("course", {"course": "course"}, 50, "minimum", "A course requirement takes no minimum."),
    ("course", {"quiz": "quiz"}, None, "course", "Choose a course."),
    ("quiz", {}, None, "quiz", "Choose a quiz."),
    ("quiz", {"quiz": "quiz"}, 101, "minimum", "The minimum score is a percentage from 0 to 100."),
    ("quiz", {"quiz": "quiz"}, -1, "minimum", "The minimum score is a percentage from 0 to 100."),
    ("roleplay", {}, 70, "scenario", "Choose a role-play scenario."),
    ("roleplay", {"scenario": "case"}, 70, "scenario", "Choose a role-play scenario."),
    (
        "roleplay",
        {"scenario": "scenario"},
        None,
        "minimum",
        "Give the minimum score, a percentage from 0 to 100.",
    ),
    ("plan", {}, 70, "plan", "Choose an assessment plan."),
    (
        "plan",
        {"plan": "plan"},
        None,
        "minimum",
        "Give the minimum score, a percentage from 0 to 100.",
    ),
    ("plan", {"plan": "plan"}, 120, "minimum", "The minimum score is a percentage from 0 to 100."),
    ("competency", {}, 2, "competency", "Choose a competency."),
    (
        "competency",
        {"competency": "competency"},
        None,
        "minimum",
        "Choose the level required: basic, advanced or expert.",
    ),
    (
        "competency",
        {"competency": "competency"},
        4,
        "minimum",
        "Choose the level required: basic, advanced or expert.",
    ),
    (
        "course",
        {"course": "course", "competency": "competency"},
        None,
        "__all__",
        "Choose only what this kind of requirement needs, nothing else.",
    ),
    ("points", {}, 10, "kind", "Choose a kind of requirement."),
]


@pytest.mark.parametrize(("kind", "given", "minimum", "field", "message"), BAD)
def test_a_bad_requirement_is_refused_with_a_message_and_nothing_changes(
    targets, kind, given, minimum, field, message
):
    program = ProgramFactory()
    kept = programs.requirement_add(
        program=program, kind=Requirement.Kind.COURSE, course=published_course()
    )
    with pytest.raises(ValidationError) as caught:
        programs.requirement_add(
            program=program,
            kind=kind,
            minimum=minimum,
            **{name: targets[key] for name, key in given.items()},
        )
    assert gettext(message) in caught.value.message_dict[field]
    assert list(Requirement.objects.all()) == [kept]


def test_an_archived_target_is_refused(targets):
    course = targets["course"]
    Course.objects.filter(pk=course.pk).update(status=Course.Status.ARCHIVED)
    course.refresh_from_db()
    competency = targets["competency"]
    competency.is_active = False
    competency.save(update_fields=["is_active"])
    program = ProgramFactory()
    with pytest.raises(ValidationError) as caught:
        programs.requirement_add(program=program, kind="course", course=course)
    assert "course" in caught.value.error_dict
    with pytest.raises(ValidationError) as caught:
        programs.requirement_add(
            program=program, kind="competency", competency=competency, minimum=1
        )
    assert "competency" in caught.value.error_dict
    assert not Requirement.objects.exists()


def test_the_same_target_twice_is_refused(targets):
    program = ProgramFactory()
    programs.requirement_add(program=program, kind="quiz", quiz=targets["quiz"], minimum=60)
    with pytest.raises(ValidationError) as caught:
        programs.requirement_add(program=program, kind="quiz", quiz=targets["quiz"], minimum=80)
    assert caught.value.messages == [gettext("The program already has this requirement.")]
    assert Requirement.objects.get().minimum == 60
    # Another program may use the same quiz.
    programs.requirement_add(program=ProgramFactory(), kind="quiz", quiz=targets["quiz"])
    assert Requirement.objects.count() == 2


def test_requirement_delete_removes_it(targets):
    program = ProgramFactory()
    requirement = programs.requirement_add(program=program, kind="course", course=targets["course"])
    programs.requirement_delete(requirement=requirement)
    assert not program.requirements.exists()
