"""Who meets a program's requirements: one selector for HR's list and the agent's own
checklist. One query per requirement (and a few fixed ones), whatever the number of
people: each requirement is answered as a set of people, never person by person."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Attempt, Submission
from assessments.plans import composite_scores
from courses.models import Enrolment
from lms.models import CompetencyLevel, Level, User

from .models import Certificate, PointsEntry, Program, Requirement


@dataclass
class Check:
    label: str
    met: bool
    detail: str = ""  # what the person has: a score, a level, a date


def holds_valid(current: Certificate | None) -> bool:
    """A certificate that is being issued or is valid and not about to need renewal."""
    if current is None:
        return False
    return current.state() in (Certificate.State.PENDING, Certificate.State.VALID)


@dataclass
class Eligibility:
    person: User
    checks: list[Check] = field(default_factory=list)
    current: Certificate | None = None  # the latest certificate, if any

    @property
    def eligible(self) -> bool:
        return all(c.met for c in self.checks)

    @property
    def missing(self) -> list[Check]:
        return [c for c in self.checks if not c.met]

    @property
    def holds_valid(self) -> bool:
        return holds_valid(self.current)

    @property
    def can_issue(self) -> bool:
        return self.eligible and not self.holds_valid


def _requirement_sets(requirement: Requirement, ids: list[int]) -> tuple[set[int], dict[int, str]]:
    """For one requirement: who meets it, and what each person has so far (a date, a
    score, a level) — shown beside a missing requirement too, as the distance left."""
    minimum = requirement.minimum
    if requirement.kind == Requirement.Kind.COURSE:
        rows = (
            Enrolment.objects.filter(
                agent_id__in=ids,
                course_id=requirement.course_id,
                status=Enrolment.Status.COMPLETED,
            )
            .values("agent_id")
            .annotate(done=Max("completed_at"))
            .values_list("agent_id", "done")
        )
        details = {pk: timezone.localdate(done).isoformat() if done else "" for pk, done in rows}
        return set(details), details
    if requirement.kind == Requirement.Kind.QUIZ:
        rows = (
            Attempt.objects.filter(
                agent_id__in=ids,
                quiz_id=requirement.quiz_id,
                status=Attempt.Status.SUBMITTED,
                passed=True,
            )
            .values("agent_id")
            .annotate(best=Max("percent"))
            .values_list("agent_id", "best")
        )
        best = dict(rows)
        met = {pk for pk, b in best.items() if minimum is None or (b or 0) >= minimum}
        return met, {pk: percent_text(b) for pk, b in best.items()}
    if requirement.kind == Requirement.Kind.ROLEPLAY:
        rows = (
            Submission.objects.filter(
                agent_id__in=ids,
                scenario_id=requirement.scenario_id,
                status=Submission.Status.GRADED,
                score__isnull=False,
            )
            .values("agent_id")
            .annotate(best=Max("score"))
            .values_list("agent_id", "best")
        )
        best = dict(rows)
        return {pk for pk, b in best.items() if b >= minimum}, {
            pk: percent_text(b) for pk, b in best.items()
        }
    if requirement.kind == Requirement.Kind.PLAN:
        scores = {
            pk: s.score for pk, s in composite_scores(requirement.plan, ids).items() if s.complete
        }
        return {pk for pk, score in scores.items() if score >= Decimal(minimum)}, {
            pk: percent_text(score) for pk, score in scores.items()
        }
    levels = dict(
        CompetencyLevel.objects.filter(
            agent_id__in=ids, competency_id=requirement.competency_id
        ).values_list("agent_id", "level")
    )
    return {pk for pk, level in levels.items() if level >= minimum}, {
        pk: str(Level(level).label) for pk, level in levels.items()
    }


def percent_text(value) -> str:
    """97.21%, 85%: databases hand aggregates back with their own digits (SQLite's
    MAX of a decimal is a float), so the number is rounded to hundredths here."""
    if value is None:
        return ""
    number = Decimal(str(value)).quantize(Decimal("0.01")).normalize()
    return f"{number:f}%"


def requirement_label(requirement: Requirement) -> str:
    kind = requirement.kind
    if kind == Requirement.Kind.COURSE:
        return _("Complete the course %(course)s") % {"course": requirement.course}
    if kind == Requirement.Kind.QUIZ:
        if requirement.minimum:
            return _("Pass the quiz %(quiz)s with at least %(minimum)s%%") % {
                "quiz": requirement.quiz,
                "minimum": requirement.minimum,
            }
        return _("Pass the quiz %(quiz)s") % {"quiz": requirement.quiz}
    if kind == Requirement.Kind.ROLEPLAY:
        return _("Score at least %(minimum)s%% in the role-play %(scenario)s") % {
            "minimum": requirement.minimum,
            "scenario": requirement.scenario,
        }
    if kind == Requirement.Kind.PLAN:
        return _("Score at least %(minimum)s%% in the assessment %(plan)s") % {
            "minimum": requirement.minimum,
            "plan": requirement.plan,
        }
    return _("Reach %(level)s in %(competency)s") % {
        "level": Level(requirement.minimum).label,
        "competency": requirement.competency,
    }


def points_balances(ids: Iterable[int]) -> dict[int, int]:
    return dict(
        PointsEntry.objects.filter(person_id__in=list(ids))
        .values("person_id")
        .annotate(total=Sum("amount"))
        .values_list("person_id", "total")
    )


def latest_certificates(program: Program, ids: Iterable[int]) -> dict[int, Certificate]:
    latest: dict[int, Certificate] = {}
    for certificate in Certificate.objects.filter(
        program=program, holder_id__in=list(ids)
    ).order_by("holder_id", "-cycle"):
        latest.setdefault(certificate.holder_id, certificate)
    return latest


def program_requirements(program: Program) -> list[Requirement]:
    return list(
        program.requirements.select_related(
            "course", "quiz", "scenario", "plan", "competency"
        ).order_by("kind", "pk")
    )


@dataclass
class Answers:
    """A program's requirements answered for a set of people at once, from which each
    person's ``Eligibility`` (or only whether they meet them all) is read without another
    query."""

    program: Program
    requirements: list[tuple[str, set[int], dict[int, str]]]  # label, who meets it, details
    balances: dict[int, int]  # points, when the program asks for some
    current: dict[int, Certificate]  # the latest certificate, by holder id

    def meets_all(self, pk: int) -> bool:
        """``Eligibility.eligible`` for the person, without building their checks."""
        if not all(pk in met for _label, met, _details in self.requirements):
            return False
        minimum = self.program.min_points
        return not minimum or self.balances.get(pk, 0) >= minimum

    def of(self, person: User) -> Eligibility:
        checks = [
            Check(label, person.pk in met, details.get(person.pk, ""))
            for label, met, details in self.requirements
        ]
        minimum = self.program.min_points
        if minimum:
            balance = self.balances.get(person.pk, 0)
            checks.append(
                Check(
                    _("Have at least %(points)s points") % {"points": minimum},
                    balance >= minimum,
                    str(balance),
                )
            )
        return Eligibility(person, checks, self.current.get(person.pk))


def answers_for(program: Program, ids: list[int]) -> Answers:
    """One query per requirement, one for the points (if any), one for the certificates
    and one for the requirements, whatever the number of people."""
    requirements = program_requirements(program)
    return Answers(
        program=program,
        requirements=[(requirement_label(r), *_requirement_sets(r, ids)) for r in requirements],
        balances=points_balances(ids) if program.min_points else {},
        current=latest_certificates(program, ids),
    )


def eligibility(program: Program, people: Iterable[User]) -> list[Eligibility]:
    """Each person with every requirement of the program met or missing, in order."""
    people = list(people)
    answers = answers_for(program, [p.pk for p in people])
    return [answers.of(person) for person in people]


def eligibility_of(program: Program, person: User) -> Eligibility:
    return eligibility(program, [person])[0]
