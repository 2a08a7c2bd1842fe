"""Training dashboards for HR (everyone) and team leads (their teams): the figures.

Who is in view: the agents on the competency heatmap of the viewer
(``lms.permissions.heatmap_people_for``: HR and admin every agent, a team lead the agents
of the teams they lead), narrowed by the filters (team, position). Every selector runs a
fixed number of queries whatever the number of people; medians and per-person sums are
computed in Python over the rows of one query.

The period (``Filters.start`` … ``Filters.end``, both days included, in the site's time
zone) applies to the events counted: enrolments made, paths completed, quiz attempts
submitted, grades finalised. Two figures are a picture of today instead, and say so on
the page: overdue work (``courses.selectors.overdue_now_q``: marked overdue, or open past
its due date, now) and certification coverage and expiries (certificates valid today).
"""

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Attempt, Grade, Question
from courses.models import Enrolment, LearningPath, PathAssignment, PathCourse
from courses.selectors import overdue_now_q
from lms.models import Competency, PositionProfile, Team, User
from lms.models.bilingual import pick_language
from lms.permissions import can_view_heatmap, heatmap_people_for, heatmap_teams_for

from ..models import Certificate, Program

# The demo's onboarding path (courses/demo_content.py): the path shown unless another is
# chosen.
ONBOARDING_PATH_CODE = "onboarding-30"
DEFAULT_PERIOD_DAYS = 90
EXPIRY_WINDOWS = (30, 60, 90)


def can_view_dashboards(user: User) -> bool:
    """HR, admin and team leads; everyone else gets a 404."""
    return can_view_heatmap(user)


def dashboard_teams_for(viewer: User) -> QuerySet[Team]:
    return heatmap_teams_for(viewer).order_by("code")


def default_period(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=DEFAULT_PERIOD_DAYS - 1), today


@dataclass(frozen=True)
class Filters:
    start: datetime.date
    end: datetime.date
    team: Team | None = None
    position: PositionProfile | None = None

    @property
    def start_at(self) -> datetime.datetime:
        tz = timezone.get_current_timezone()
        return datetime.datetime.combine(self.start, datetime.time.min, tzinfo=tz)

    @property
    def end_before(self) -> datetime.datetime:
        """The first moment after the period (its last day is included)."""
        tz = timezone.get_current_timezone()
        following = self.end + datetime.timedelta(days=1)
        return datetime.datetime.combine(following, datetime.time.min, tzinfo=tz)


def people_in_view(viewer: User, filters: Filters) -> QuerySet[User]:
    """The agents the viewer may report on, narrowed by team and position (lazy)."""
    people = heatmap_people_for(viewer)
    if filters.team is not None:
        people = people.filter(team=filters.team)
    if filters.position is not None:
        people = people.filter(position=filters.position)
    return people


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"))


def _one_decimal(value: float | Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"))


def _team_label(name_zh: str | None, name_en: str | None) -> str:
    if name_zh is None:
        return _("No team")
    return pick_language(name_zh, name_en or "")


# --- Training: completion and overdue work -------------------------------------------


@dataclass
class TrainingRow:
    team: str
    enrolments: int = 0  # made in the period (not withdrawn)
    completed: int = 0  # of those, completed by the end of the period
    overdue: int = 0  # late today, as on the team-progress page (not bound to the period)

    @property
    def completion_rate(self) -> Decimal | None:
        return _percent(self.completed, self.enrolments)


@dataclass
class TrainingTable:
    rows: list[TrainingRow]
    total: TrainingRow


def training_by_team(viewer: User, filters: Filters) -> TrainingTable:
    """Per team: enrolments made in the period, the share completed by its end, and
    work late today (``overdue_now_q``, the team-progress page's rule). Two queries."""
    people = people_in_view(viewer, filters).values("pk")
    team_fields = ("agent__team_id", "agent__team__name_zh", "agent__team__name_en")
    made = (
        Enrolment.objects.filter(
            agent__in=people,
            enrolled_at__gte=filters.start_at,
            enrolled_at__lt=filters.end_before,
        )
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .values(*team_fields)
        .annotate(
            total=Count("pk"),
            done=Count(
                "pk",
                filter=Q(status=Enrolment.Status.COMPLETED, completed_at__lt=filters.end_before),
            ),
        )
        .order_by()
    )
    late = (
        Enrolment.objects.filter(overdue_now_q(), agent__in=people)
        .values(*team_fields)
        .annotate(total=Count("pk"))
        .order_by()
    )
    rows: dict[int | None, TrainingRow] = {}

    def row_for(values: dict) -> TrainingRow:
        key = values["agent__team_id"]
        if key not in rows:
            rows[key] = TrainingRow(
                _team_label(values["agent__team__name_zh"], values["agent__team__name_en"])
            )
        return rows[key]

    for values in made:
        row = row_for(values)
        row.enrolments, row.completed = values["total"], values["done"]
    for values in late:
        row_for(values).overdue = values["total"]
    ordered = sorted(rows.values(), key=lambda r: r.team)
    total = TrainingRow(
        _("All teams in view"),
        enrolments=sum(r.enrolments for r in ordered),
        completed=sum(r.completed for r in ordered),
        overdue=sum(r.overdue for r in ordered),
    )
    return TrainingTable(ordered, total)


# --- Training: days to complete a learning path --------------------------------------


def report_paths() -> QuerySet[LearningPath]:
    """Paths to choose from: the published ones."""
    return LearningPath.objects.filter(is_published=True).order_by("code")


def default_path(paths: list[LearningPath]) -> LearningPath | None:
    """The onboarding path if it exists, else the first one."""
    return next((p for p in paths if p.code == ONBOARDING_PATH_CODE), paths[0] if paths else None)


@dataclass
class PathRow:
    team: str
    assigned: int = 0  # people in view with the path assigned (ever)
    completed: int = 0  # of those, people who finished it within the period
    days: list[float] = field(default_factory=list)

    @property
    def average_days(self) -> Decimal | None:
        return _one_decimal(sum(self.days) / len(self.days)) if self.days else None


@dataclass
class PathTable:
    path: LearningPath | None
    rows: list[PathRow]
    total: PathRow


def path_completion_by_team(viewer: User, filters: Filters, path: LearningPath | None) -> PathTable:
    """Per team: people assigned the path, those who finished it in the period and the
    average number of days they took. Three queries.

    A person has finished the path when every course of it has a completed enrolment
    (however it was enrolled: the path skips courses already done); the finish is the
    latest of those completions, and the days run from the person's first assignment of
    the path to it (0 when everything was done before the assignment).
    """
    if path is None:
        return PathTable(None, [], PathRow(_("All teams in view")))
    courses = set(PathCourse.objects.filter(path=path).values_list("course_id", flat=True))
    people = people_in_view(viewer, filters).values("pk")
    first_assigned: dict[int, datetime.datetime] = {}
    team_of: dict[int, tuple] = {}
    for agent_id, assigned_at, team_id, name_zh, name_en in (
        PathAssignment.objects.filter(path=path, agent__in=people)
        .order_by("assigned_at")
        .values_list(
            "agent_id",
            "assigned_at",
            "agent__team_id",
            "agent__team__name_zh",
            "agent__team__name_en",
        )
    ):
        first_assigned.setdefault(agent_id, assigned_at)
        team_of[agent_id] = (team_id, name_zh, name_en)
    finished: dict[int, dict[int, datetime.datetime]] = defaultdict(dict)
    if courses and first_assigned:
        for agent_id, course_id, completed_at in Enrolment.objects.filter(
            agent__in=list(first_assigned),
            course__in=courses,
            status=Enrolment.Status.COMPLETED,
        ).values_list("agent_id", "course_id", "completed_at"):
            earliest = finished[agent_id].get(course_id)
            if earliest is None or completed_at < earliest:
                finished[agent_id][course_id] = completed_at
    rows: dict[int | None, PathRow] = {}
    for agent_id, assigned_at in first_assigned.items():
        team_id, name_zh, name_en = team_of[agent_id]
        row = rows.setdefault(team_id, PathRow(_team_label(name_zh, name_en)))
        row.assigned += 1
        done = finished.get(agent_id, {})
        if not courses or set(done) != courses:
            continue
        finish = max(done.values())
        if not filters.start_at <= finish < filters.end_before:
            continue
        row.completed += 1
        row.days.append(max((finish - assigned_at).total_seconds() / 86400, 0.0))
    ordered = sorted(rows.values(), key=lambda r: r.team)
    total = PathRow(
        _("All teams in view"),
        assigned=sum(r.assigned for r in ordered),
        completed=sum(r.completed for r in ordered),
        days=[d for r in ordered for d in r.days],
    )
    return PathTable(path, ordered, total)


# --- Knowledge mastery by competency -------------------------------------------------


@dataclass
class MasteryRow:
    competency: str
    attempts: int = 0
    passed: int = 0
    percents: list[Decimal] = field(default_factory=list)

    @property
    def mastery_rate(self) -> Decimal | None:
        return _percent(self.passed, self.attempts)

    @property
    def average_score(self) -> Decimal | None:
        if not self.percents:
            return None
        return _one_decimal(sum(self.percents) / len(self.percents))


def mastery_by_competency(viewer: User, filters: Filters) -> list[MasteryRow]:
    """Per competency: quiz attempts submitted in the period, the share passed (知识掌握率)
    and the average score (%). At most four queries.

    Which competency an attempt speaks for: the quiz's own competency ("competency
    evidenced") when the quiz has one — the quiz was built to test it and its pass mark
    applies to it as a whole. A quiz without one counts once for each distinct competency
    of the questions on the paper the attempt drew (questions without a competency are
    left out). Each attempt counts, retakes included: the rate says how often a sitting
    shows mastery, not how many people got there in the end.
    """
    attempts = Attempt.objects.filter(
        agent__in=people_in_view(viewer, filters).values("pk"),
        status=Attempt.Status.SUBMITTED,
        submitted_at__gte=filters.start_at,
        submitted_at__lt=filters.end_before,
    )
    counted: list[tuple[int, bool, Decimal | None]] = list(
        attempts.filter(quiz__competency__isnull=False).values_list(
            "quiz__competency_id", "passed", "percent"
        )
    )
    papers = list(
        attempts.filter(quiz__competency__isnull=True).values_list("passed", "percent", "paper")
    )
    if papers:
        question_ids = {item["id"] for *_rest, paper in papers for item in paper or []}
        competency_of = dict(
            Question.objects.filter(pk__in=question_ids, competency__isnull=False).values_list(
                "pk", "competency_id"
            )
        )
        for passed, percent, paper in papers:
            competencies = {competency_of.get(item["id"]) for item in paper or []} - {None}
            counted.extend((competency_id, passed, percent) for competency_id in competencies)
    if not counted:
        return []
    competencies = {c.pk: c for c in Competency.objects.filter(pk__in={row[0] for row in counted})}
    rows: dict[int, MasteryRow] = {}
    for competency_id, passed, percent in counted:
        row = rows.setdefault(competency_id, MasteryRow(competencies[competency_id].name))
        row.attempts += 1
        row.passed += bool(passed)
        if percent is not None:
            row.percents.append(percent)
    # In the competency matrix's order (the model's ordering).
    return [rows[pk] for pk in competencies if pk in rows]


# --- Certification coverage and expiries ---------------------------------------------


@dataclass
class CoverageRow:
    program: str
    people: int  # people in view
    holders: int = 0  # of those, holding a certificate valid today
    expiring: dict[int, int] = field(default_factory=dict)  # window (days) → certificates

    @property
    def coverage(self) -> Decimal | None:
        return _percent(self.holders, self.people)


def coverage_by_program(viewer: User, filters: Filters) -> list[CoverageRow]:
    """Per open program (or one with certificates in view): the share of people in view
    holding a certificate valid today, and how many of those certificates expire within
    30, 60 and 90 days (cumulative windows). Three queries.

    Valid today means ``Certificate.state()`` is VALID or EXPIRING: issued, not
    superseded, not revoked, and without an expiry date or one still to come.
    """
    today = timezone.localdate()
    people = people_in_view(viewer, filters)
    headcount = people.count()
    current = Certificate.objects.filter(
        holder__in=people.values("pk"),
        status=Certificate.Status.ISSUED,
        superseded_by__isnull=True,
    ).filter(Q(expires_on__isnull=True) | Q(expires_on__gt=today))
    holders: dict[int, set[int]] = defaultdict(set)
    expiring: dict[int, dict[int, int]] = defaultdict(lambda: dict.fromkeys(EXPIRY_WINDOWS, 0))
    for program_id, holder_id, expires_on in current.values_list(
        "program_id", "holder_id", "expires_on"
    ):
        holders[program_id].add(holder_id)
        for window in EXPIRY_WINDOWS:
            if expires_on is not None and (expires_on - today).days <= window:
                expiring[program_id][window] += 1
    programs = Program.objects.filter(Q(is_active=True) | Q(pk__in=list(holders))).order_by("code")
    return [
        CoverageRow(
            program=program.title,
            people=headcount,
            holders=len(holders.get(program.pk, ())),
            expiring=dict(expiring.get(program.pk) or dict.fromkeys(EXPIRY_WINDOWS, 0)),
        )
        for program in programs
    ]


# --- Grading turnaround per mentor ---------------------------------------------------


@dataclass
class TurnaroundRow:
    grader: str
    hours: list[float] = field(default_factory=list)

    @property
    def graded(self) -> int:
        return len(self.hours)

    @property
    def median_hours(self) -> Decimal | None:
        return _one_decimal(statistics.median(self.hours)) if self.hours else None


def turnaround_by_grader(viewer: User, filters: Filters) -> list[TurnaroundRow]:
    """Per grader: role-play submissions of people in view graded (first grade made
    final) in the period, and the median hours from hand-in to that grade. One query.

    Only the primary grade counts: a second grader's calibration grade is not what the
    agent waits for.
    """
    grades = Grade.objects.filter(
        role=Grade.Role.PRIMARY,
        status=Grade.Status.FINAL,
        finalised_at__gte=filters.start_at,
        finalised_at__lt=filters.end_before,
        submission__agent__in=people_in_view(viewer, filters).values("pk"),
        submission__submitted_at__isnull=False,
    ).values_list(
        "grader_id",
        "grader__display_name",
        "grader__first_name",
        "grader__last_name",
        "grader__username",
        "finalised_at",
        "submission__submitted_at",
    )
    rows: dict[int, TurnaroundRow] = {}
    for grader_id, display, first, last, username, graded_at, submitted_at in grades:
        # The same label as ``str(User)``, without loading whole users.
        label = display or f"{first} {last}".strip() or username
        row = rows.setdefault(grader_id, TurnaroundRow(label))
        row.hours.append(max((graded_at - submitted_at).total_seconds() / 3600, 0.0))
    return sorted(rows.values(), key=lambda r: r.grader)
