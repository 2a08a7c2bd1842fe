"""Reads for the HR certification screens (programs, eligibility, the certificates
register), one certificate and "my certificates", and the agent's checklist. Each answers
in a fixed number of queries whatever the number of rows.

Who sees what: HR (and admin) every program, person and certificate; team leads the
eligibility and the certificates of the teams they lead, read-only; agents their own
checklist only. One certificate is seen by its holder, HR and whoever may see the holder
(``lms.permissions.can_view_person``: their team lead, their mentor).
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Attempt, Submission
from assessments.plans import composite_scores
from courses.models import Enrolment
from lms.models import CompetencyLevel, Level, Role, Team, User
from lms.permissions import can_view_person, people_visible_to

from .eligibility import (
    Answers,
    Check,
    Eligibility,
    answers_for,
    eligibility,
    holds_valid,
    percent_text,
    points_balances,
    program_requirements,
    requirement_label,
)
from .models import Certificate, Program, Requirement
from .models.certificates import EXPIRING_SOON_DAYS

PAGE_SIZE = 25
CHECKLIST_PAGE_SIZE = 10


# --- Who may ---------------------------------------------------------------------------


def can_manage(user: User) -> bool:
    """Programs, issuing and revoking are HR's (and admin's)."""
    return user.is_authenticated and user.is_hr


def can_oversee(user: User) -> bool:
    """Who may read eligibility and the register: HR, and team leads for their team."""
    return user.is_authenticated and (user.is_hr or user.has_role(Role.TEAM_LEAD))


def overseen_people(user: User) -> QuerySet[User]:
    """Everyone HR sees; for a team lead the people of the teams they lead (mentees in
    other teams stay out); nobody for anyone else."""
    if can_manage(user):
        return people_visible_to(user)
    if can_oversee(user):
        return people_visible_to(user).filter(team__lead=user)
    return User.objects.none()


def overseen_teams(user: User) -> QuerySet[Team]:
    if can_manage(user):
        return Team.objects.order_by("code")
    if can_oversee(user):
        return Team.objects.filter(lead=user).order_by("code")
    return Team.objects.none()


def can_view_certificate(user: User, certificate: Certificate) -> bool:
    """The holder, HR (and admin), and whoever may see the holder."""
    if not user.is_authenticated:
        return False
    if certificate.holder_id == user.pk or user.is_hr:
        return True
    return can_view_person(user, certificate.holder)


def register_visible_to(user: User) -> QuerySet[Certificate]:
    """The certificates a user may find in the register (and export or download)."""
    if can_manage(user):
        return Certificate.objects.all()
    if can_oversee(user):
        return Certificate.objects.filter(holder__team__lead=user)
    return Certificate.objects.none()


# --- Certificate states in SQL (the same rules as ``Certificate.state``) ---------------


def state_q(state: str, today: datetime.date, prefix: str = "") -> Q:
    """A filter for the certificates in ``state`` on ``today``; ``prefix`` reaches them
    through a relation (``"certificates__"``)."""

    def q(**lookups) -> Q:
        return Q(**{prefix + name: value for name, value in lookups.items()})

    soon = today + datetime.timedelta(days=EXPIRING_SOON_DAYS)
    live = q(status__in=[Certificate.Status.ISSUED, Certificate.Status.EXPIRED])
    current = live & q(superseded_by__isnull=True)
    past = q(status=Certificate.Status.EXPIRED) | q(expires_on__lte=today)
    if state == Certificate.State.PENDING:
        return q(status=Certificate.Status.PENDING)
    if state == Certificate.State.REVOKED:
        return q(status=Certificate.Status.REVOKED)
    if state == Certificate.State.SUPERSEDED:
        return live & q(superseded_by__isnull=False)
    if state == Certificate.State.EXPIRED:
        return current & past
    if state == Certificate.State.EXPIRING:
        return current & ~past & q(expires_on__lte=soon)
    if state == Certificate.State.VALID:
        return current & ~past & (q(expires_on__isnull=True) | q(expires_on__gt=soon))
    raise ValueError(f"Unknown certificate state: {state}")


def in_force_q(today: datetime.date, prefix: str = "") -> Q:
    """Valid or expiring soon: a certificate its holder may show today."""
    return state_q(Certificate.State.VALID, today, prefix) | state_q(
        Certificate.State.EXPIRING, today, prefix
    )


# --- Programs --------------------------------------------------------------------------


def program_list(*, page_number: int | str = 1, today: datetime.date | None = None) -> Page:
    """Every program (open first) with its requirement count and how many certificates
    are in force: two queries (count and rows)."""
    today = today or timezone.localdate()
    programs = (
        Program.objects.select_related("template", "refresher_course")
        .annotate(
            requirement_count=Count("requirements", distinct=True),
            valid_count=Count(
                "certificates", filter=in_force_q(today, "certificates__"), distinct=True
            ),
        )
        .order_by("-is_active", "kind", "code")
    )
    return Paginator(programs, PAGE_SIZE).get_page(page_number)


def program_get(pk: int) -> Program:
    """For HR pages; raises ``Program.DoesNotExist``."""
    return Program.objects.select_related("template", "refresher_course").get(pk=pk)


@dataclass
class RequirementRow:
    requirement: Requirement
    label: str


def requirement_rows(program: Program) -> list[RequirementRow]:
    """The program's requirements, each worded as the checklists word it: one query."""
    return [RequirementRow(r, requirement_label(r)) for r in program_requirements(program)]


# --- Eligibility (HR, and team leads read-only) ---------------------------------------

SHOW_CHOICES = ("eligible", "missing", "certified")

IN_FORCE_STATES = (
    Certificate.State.PENDING,
    Certificate.State.VALID,
    Certificate.State.EXPIRING,
)


def _shown(answers: Answers, pk: int, show: str) -> bool:
    """The outcome filter, on one person's answers: ``Eligibility.can_issue``, ``not
    Eligibility.eligible``, or a latest certificate in force."""
    current = answers.current.get(pk)
    if show == "eligible":
        return answers.meets_all(pk) and not holds_valid(current)
    if show == "missing":
        return not answers.meets_all(pk)
    return current is not None and current.state() in IN_FORCE_STATES


def eligibility_candidates(viewer: User, *, team_code: str = "") -> QuerySet[User]:
    people = overseen_people(viewer).select_related("team")
    if team_code:
        people = people.filter(team__code=team_code)
    return people.order_by("team__code", "display_name", "username", "pk")


def eligibility_page(
    viewer: User,
    program: Program,
    *,
    team_code: str = "",
    show: str = "",
    page_number: int | str = 1,
    page_size: int = PAGE_SIZE,
) -> Page:
    """A page of the people the viewer oversees, each as an ``Eligibility`` (every
    requirement met or missing, and their latest certificate).

    Unfiltered, the page is cut in SQL and ``eligibility`` runs on that page's people.
    Filtered by outcome ("eligible", "missing", "certified"), the outcome is only known
    once every requirement is answered, so they are answered once for everyone the
    viewer oversees (in the team chosen), by id; the page is cut from the ids kept, and
    only that page's people are loaded and given their checks, from the same answers.
    Either way the query count does not depend on the number of people (the filtered
    form reads one more: the ids, then the page's people)."""
    people = eligibility_candidates(viewer, team_code=team_code)
    if show in SHOW_CHOICES:
        ids = list(people.values_list("pk", flat=True))
        answers = answers_for(program, ids)
        page = Paginator([pk for pk in ids if _shown(answers, pk, show)], page_size).get_page(
            page_number
        )
        # The page's ids are a run of ``people``'s order, so the same order reads them back.
        page.object_list = [
            answers.of(person) for person in people.filter(pk__in=list(page.object_list))
        ]
        return page
    page = Paginator(people, page_size).get_page(page_number)
    page.object_list = eligibility(program, list(page.object_list))
    return page


# --- The certificates register ----------------------------------------------------------

REGISTER_STATES = [
    Certificate.State.VALID,
    Certificate.State.EXPIRING,
    Certificate.State.EXPIRED,
    Certificate.State.REVOKED,
    Certificate.State.SUPERSEDED,
    Certificate.State.PENDING,
]


@dataclass(frozen=True)
class RegisterFilters:
    program_id: int | None = None
    team_code: str = ""
    state: str = ""
    search: str = ""


def certificates_register(
    user: User, filters: RegisterFilters | None = None, *, today: datetime.date | None = None
) -> QuerySet[Certificate]:
    """The certificates the user may see, filtered, newest first; one query to read
    (holder, team, program and issuer joined)."""
    filters = filters or RegisterFilters()
    today = today or timezone.localdate()
    certificates = register_visible_to(user).select_related("program", "holder__team", "issued_by")
    if filters.program_id:
        certificates = certificates.filter(program_id=filters.program_id)
    if filters.team_code:
        certificates = certificates.filter(holder__team__code=filters.team_code)
    if filters.state in REGISTER_STATES:
        certificates = certificates.filter(state_q(filters.state, today))
    search = filters.search.strip()
    if search:
        certificates = certificates.filter(
            Q(serial__icontains=search)
            | Q(holder__display_name__icontains=search)
            | Q(holder__english_name__icontains=search)
            | Q(holder__username__icontains=search)
            | Q(holder__employee_no__iexact=search)
        )
    return certificates.order_by("-requested_at", "-id")


def register_page(user: User, filters: RegisterFilters, *, page_number: int | str = 1) -> Page:
    return Paginator(certificates_register(user, filters), PAGE_SIZE).get_page(page_number)


def register_programs(user: User) -> QuerySet[Program]:
    """The programs the register filter offers."""
    if not can_oversee(user):
        return Program.objects.none()
    return Program.objects.order_by("-is_active", "kind", "code")


def certificate_for_revoking(user: User, pk: int) -> Certificate:
    """Raises ``Certificate.DoesNotExist`` for a missing one and for anyone but HR."""
    if not can_manage(user):
        raise Certificate.DoesNotExist
    return Certificate.objects.select_related("program", "holder").get(pk=pk)


def certificates_with_files(user: User, ids: Iterable[int]) -> list[Certificate]:
    """Of the ids chosen, the certificates the user may see that were issued and have a
    PDF (not pending, not revoked), by serial."""
    return list(
        register_visible_to(user)
        .filter(
            pk__in=list(ids),
            status__in=[Certificate.Status.ISSUED, Certificate.Status.EXPIRED],
        )
        .exclude(pdf="")
        .order_by("serial")
    )


# --- One certificate, and "my certificates" ------------------------------------------


def certificate_get_for(user: User, pk: int) -> Certificate:
    """The certificate if the user may see it (``can_view_certificate``); raises
    ``Certificate.DoesNotExist`` for a missing one and a forbidden one alike."""
    certificate = (
        Certificate.objects.select_related(
            "program", "holder", "issued_by", "revoked_by", "superseded_by"
        )
        .filter(pk=pk)
        .first()
    )
    if certificate is None or not can_view_certificate(user, certificate):
        raise Certificate.DoesNotExist
    return certificate


def certificate_history(certificate: Certificate) -> list[Certificate]:
    """Every cycle of the same program for the same person, newest first: one query."""
    return list(
        Certificate.objects.filter(
            program_id=certificate.program_id, holder_id=certificate.holder_id
        )
        .select_related("superseded_by")
        .order_by("-cycle")
    )


def certificates_of(user: User) -> QuerySet[Certificate]:
    """The user's own certificates, every state, newest request first."""
    return Certificate.objects.filter(holder=user).select_related("program", "superseded_by")


def ability_tags(certificates: Iterable[Certificate]) -> list[str]:
    """The tags (能力标签) of the programs of the certificates given that are valid or
    expiring today, once each, in the order given. No query when the programs are
    joined. (``points.ability_tags`` reads a person's own, ordered by program.)"""
    tags: list[str] = []
    for certificate in certificates:
        tag = certificate.program.tag
        if (
            tag
            and tag not in tags
            and certificate.state() in (Certificate.State.VALID, Certificate.State.EXPIRING)
        ):
            tags.append(tag)
    return tags


def ability_tags_of(user: User) -> list[str]:
    """The tags of every certificate the user holds in force, not one page's: one query."""
    return ability_tags(
        certificates_of(user).filter(status=Certificate.Status.ISSUED, superseded_by__isnull=True)
    )


# --- The agent's checklist --------------------------------------------------------------


@dataclass
class ChecklistItem:
    check: Check
    url: str = ""  # where to go to meet it, if it is missing


@dataclass
class ProgramChecklist:
    program: Program
    status: Eligibility
    items: list[ChecklistItem] = field(default_factory=list)

    @property
    def met_count(self) -> int:
        return sum(1 for item in self.items if item.check.met)


def _where_to(requirement: Requirement) -> str:
    kind = requirement.kind
    if kind == Requirement.Kind.COURSE:
        return reverse("courses:course-detail", args=[requirement.course_id])
    if kind == Requirement.Kind.QUIZ:
        return reverse("assessments:quiz-detail", args=[requirement.quiz_id])
    if kind == Requirement.Kind.ROLEPLAY:
        return reverse("assessments:roleplay-list")
    if kind == Requirement.Kind.PLAN:
        return reverse("assessments:plan-mine")
    return reverse("my-profile")


def checklists_for(person: User, programs: list[Program]) -> list[ProgramChecklist]:
    """The person's checklist for each program, computed as ``eligibility(program,
    [person])`` would, but with one query per kind of requirement across all programs
    (two per assessment plan named), so the count does not grow with the programs.
    The programs must come from ``checklist_programs`` (requirements prefetched)."""
    requirements = [r for p in programs for r in p.checklist_requirements]

    def targets(kind: str, attribute: str) -> set[int]:
        return {getattr(r, attribute) for r in requirements if r.kind == kind}

    courses = targets(Requirement.Kind.COURSE, "course_id")
    quizzes = targets(Requirement.Kind.QUIZ, "quiz_id")
    scenarios = targets(Requirement.Kind.ROLEPLAY, "scenario_id")
    competencies = targets(Requirement.Kind.COMPETENCY, "competency_id")
    plans = {r.plan_id: r.plan for r in requirements if r.kind == Requirement.Kind.PLAN}

    completed = (
        dict(
            Enrolment.objects.filter(
                agent=person, course_id__in=courses, status=Enrolment.Status.COMPLETED
            )
            .values("course_id")
            .annotate(done=Max("completed_at"))
            .values_list("course_id", "done")
        )
        if courses
        else {}
    )
    quiz_best = (
        dict(
            Attempt.objects.filter(
                agent=person, quiz_id__in=quizzes, status=Attempt.Status.SUBMITTED, passed=True
            )
            .values("quiz_id")
            .annotate(best=Max("percent"))
            .values_list("quiz_id", "best")
        )
        if quizzes
        else {}
    )
    roleplay_best = (
        dict(
            Submission.objects.filter(
                agent=person, scenario_id__in=scenarios, status=Submission.Status.GRADED
            )
            .values("scenario_id")
            .annotate(best=Max("score"))
            .values_list("scenario_id", "best")
        )
        if scenarios
        else {}
    )
    levels = (
        dict(
            CompetencyLevel.objects.filter(
                agent=person, competency_id__in=competencies
            ).values_list("competency_id", "level")
        )
        if competencies
        else {}
    )
    composites = {pk: composite_scores(plan, [person.pk])[person.pk] for pk, plan in plans.items()}
    balance = (
        points_balances([person.pk]).get(person.pk, 0) if any(p.min_points for p in programs) else 0
    )
    current: dict[int, Certificate] = {}
    for certificate in Certificate.objects.filter(
        holder=person, program_id__in=[p.pk for p in programs]
    ).order_by("program_id", "-cycle"):
        current.setdefault(certificate.program_id, certificate)

    def check(requirement: Requirement) -> Check:
        kind, minimum, detail = requirement.kind, requirement.minimum, ""
        met = False
        if kind == Requirement.Kind.COURSE:
            met = requirement.course_id in completed
            done = completed.get(requirement.course_id)
            detail = timezone.localdate(done).isoformat() if done else ""
        elif kind == Requirement.Kind.QUIZ:
            best = quiz_best.get(requirement.quiz_id)
            met = requirement.quiz_id in quiz_best and (minimum is None or (best or 0) >= minimum)
            detail = percent_text(best)
        elif kind == Requirement.Kind.ROLEPLAY:
            best = roleplay_best.get(requirement.scenario_id)
            met = best is not None and best >= minimum
            detail = percent_text(best)
        elif kind == Requirement.Kind.PLAN:
            score = composites[requirement.plan_id].score
            met = score is not None and score >= Decimal(minimum)
            detail = percent_text(score)
        else:
            level = levels.get(requirement.competency_id)
            met = level is not None and level >= minimum
            detail = str(Level(level).label) if level is not None else ""
        return Check(requirement_label(requirement), met, detail)

    result = []
    for program in programs:
        items = [
            ChecklistItem(c, "" if c.met else _where_to(r))
            for r in program.checklist_requirements
            for c in [check(r)]
        ]
        if program.min_points:
            items.append(
                ChecklistItem(
                    Check(
                        _("Have at least %(points)s points") % {"points": program.min_points},
                        balance >= program.min_points,
                        str(balance),
                    )
                )
            )
        status = Eligibility(person, [i.check for i in items], current.get(program.pk))
        result.append(ProgramChecklist(program, status, items))
    return result


def checklist_programs() -> QuerySet[Program]:
    """Open programs with their requirements (and targets) prefetched: two queries."""
    return (
        Program.objects.filter(is_active=True)
        .prefetch_related(
            Prefetch(
                "requirements",
                queryset=Requirement.objects.select_related(
                    "course", "quiz", "scenario", "plan", "competency"
                ).order_by("kind", "pk"),
                to_attr="checklist_requirements",
            )
        )
        .order_by("kind", "code")
    )


def checklist_page(person: User, *, page_number: int | str = 1) -> Page:
    """A page of open programs, each as a ``ProgramChecklist`` of the person's."""
    page = Paginator(checklist_programs(), CHECKLIST_PAGE_SIZE).get_page(page_number)
    page.object_list = checklists_for(person, list(page.object_list))
    return page


def checklist_program(person: User, pk: int) -> ProgramChecklist:
    """One open program's checklist; raises ``Program.DoesNotExist`` for a closed one."""
    program = checklist_programs().get(pk=pk)
    return checklists_for(person, [program])[0]


def my_certificates_in(person: User, program: Program) -> list[Certificate]:
    return list(Certificate.objects.filter(holder=person, program=program).order_by("-cycle"))
