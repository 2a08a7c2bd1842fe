"""HR's writes on certification programs: saving a program, adding and removing its
requirements, archiving it. Each validates in full first and changes nothing when it
refuses (a ``ValidationError`` with a translated message, keyed by field where it has one).
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from assessments.models import AssessmentPlan, Quiz, Scenario
from courses.models import Course
from lms.models import Competency, Level

from .models import CertificateTemplate, Program, Requirement

PROGRAM_FIELDS = {
    "code",
    "kind",
    "level",
    "title_zh",
    "title_en",
    "description_zh",
    "description_en",
    "tag_zh",
    "tag_en",
    "validity_months",
    "issue_mode",
    "min_points",
    "points_awarded",
    "refresher_course",
    "template",
    "evidence_lapses",
}

# The one target field each kind of requirement takes; the others must stay empty.
TARGETS = {
    Requirement.Kind.COURSE: "course",
    Requirement.Kind.QUIZ: "quiz",
    Requirement.Kind.ROLEPLAY: "scenario",
    Requirement.Kind.PLAN: "plan",
    Requirement.Kind.COMPETENCY: "competency",
}


@transaction.atomic
def program_save(*, program: Program | None = None, **fields: Any) -> Program:
    """Create a program (``program=None``) or edit one. The template must be of the
    program's kind and the refresher course published, as issuing and the expiry
    reminders expect."""
    unknown = set(fields) - PROGRAM_FIELDS
    if unknown:
        raise TypeError(f"Unknown program fields: {sorted(unknown)}")
    creating = program is None
    program = Program() if creating else program
    for name, value in fields.items():
        setattr(program, name, value)
    errors: dict[str, str] = {}
    template: CertificateTemplate | None = program.template
    if template is not None and template.kind != program.kind:
        errors["template"] = _("Choose a template made for this kind of program.")
    course: Course | None = program.refresher_course
    if course is not None and course.status != Course.Status.PUBLISHED:
        errors["refresher_course"] = _("Choose a published course as the refresher course.")
    if errors:
        raise ValidationError(errors)
    program.full_clean()
    try:
        # A savepoint: two HR people saving the same new code at once get a message, not
        # a broken transaction.
        with transaction.atomic():
            if creating:
                program.save()
            else:
                program.save(update_fields=sorted(fields))
    except IntegrityError:
        if Program.objects.filter(code=program.code).exclude(pk=program.pk).exists():
            raise ValidationError(
                {"code": _("A certification program with this code already exists.")}
            ) from None
        raise
    return program


def _target_errors(
    kind: str,
    target: Any,
    minimum: int | None,
) -> dict[str, str]:
    """What is wrong with this kind, target and minimum together (empty when nothing)."""
    errors: dict[str, str] = {}
    if kind == Requirement.Kind.COURSE:
        if not isinstance(target, Course):
            errors["course"] = _("Choose a course.")
        elif target.status == Course.Status.ARCHIVED:
            errors["course"] = _("This course is archived: choose another.")
        if minimum is not None:
            errors["minimum"] = _("A course requirement takes no minimum.")
    elif kind == Requirement.Kind.QUIZ:
        if not isinstance(target, Quiz):
            errors["quiz"] = _("Choose a quiz.")
        elif target.status == Quiz.Status.ARCHIVED:
            errors["quiz"] = _("This quiz is archived: choose another.")
        if minimum is not None and not 0 <= minimum <= 100:
            errors["minimum"] = _("The minimum score is a percentage from 0 to 100.")
    elif kind in (Requirement.Kind.ROLEPLAY, Requirement.Kind.PLAN):
        if kind == Requirement.Kind.ROLEPLAY:
            if not isinstance(target, Scenario) or target.kind != Scenario.Kind.ROLEPLAY:
                errors["scenario"] = _("Choose a role-play scenario.")
            elif target.status == Scenario.Status.ARCHIVED:
                errors["scenario"] = _("This scenario is archived: choose another.")
        elif not isinstance(target, AssessmentPlan):
            errors["plan"] = _("Choose an assessment plan.")
        elif not target.is_active:
            errors["plan"] = _("This assessment plan is not in use: choose another.")
        if minimum is None:
            errors["minimum"] = _("Give the minimum score, a percentage from 0 to 100.")
        elif not 0 <= minimum <= 100:
            errors["minimum"] = _("The minimum score is a percentage from 0 to 100.")
    elif kind == Requirement.Kind.COMPETENCY:
        if not isinstance(target, Competency):
            errors["competency"] = _("Choose a competency.")
        elif not target.is_active:
            errors["competency"] = _("This competency is retired: choose another.")
        if minimum not in Level.values:
            errors["minimum"] = _("Choose the level required: basic, advanced or expert.")
    else:
        errors["kind"] = _("Choose a kind of requirement.")
    return errors


@transaction.atomic
def requirement_add(
    *,
    program: Program,
    kind: str,
    course: Course | None = None,
    quiz: Quiz | None = None,
    scenario: Scenario | None = None,
    plan: AssessmentPlan | None = None,
    competency: Competency | None = None,
    minimum: int | None = None,
) -> Requirement:
    """Add one requirement: a kind with exactly its target (and minimum where the kind
    has one); the same target twice in a program is refused."""
    if not program.is_active:
        raise ValidationError(_("This program is closed."), code="closed")
    given = {
        "course": course,
        "quiz": quiz,
        "scenario": scenario,
        "plan": plan,
        "competency": competency,
    }
    target_field = TARGETS.get(kind)
    errors = _target_errors(kind, given.get(target_field) if target_field else None, minimum)
    extra = [name for name, value in given.items() if value is not None and name != target_field]
    if extra and target_field:
        errors.setdefault(
            "__all__", _("Choose only what this kind of requirement needs, nothing else.")
        )
    if errors:
        raise ValidationError(errors)
    duplicate = Requirement.objects.filter(
        program=program, kind=kind, **{target_field: given[target_field]}
    )
    if duplicate.exists():
        raise ValidationError(
            {"__all__": _("The program already has this requirement.")}, code="duplicate"
        )
    requirement = Requirement(program=program, kind=kind, minimum=minimum, **given)
    requirement.full_clean()
    requirement.save()
    return requirement


@transaction.atomic
def requirement_delete(*, requirement: Requirement) -> None:
    """Certificates already issued keep their evidence snapshot; only the next decisions
    change."""
    if not requirement.program.is_active:
        raise ValidationError(_("This program is closed."), code="closed")
    requirement.delete()


@transaction.atomic
def program_archive(*, program: Program) -> Program:
    """Close a program: nobody is issued it any more (by HR or automatically) and the
    agents' checklist leaves it out. Certificates already issued stay as they are."""
    if program.is_active:
        program.is_active = False
        program.save(update_fields=["is_active"])
    return program
