"""Training impact: did a course, path or certificate move the service KPIs?

Two reads for the impact page, each a fixed number of queries whatever the number of
people (the KPIs per agent and week come from ``kpis.agent_weeks``: weekly rows, or a
week's daily rows summed by the database; the means are taken here):

- ``impact_for``: the people who completed the subject, their mean weekly KPI in the N
  weeks before their completion week against the N weeks after (paired), and the same
  change for the people who had not completed it over an aligned period (the completers'
  median completion week), with the difference in differences;
- ``kpi_by_drills``: people bucketed by graded role-play drills (0 / 1–4 / 5+), the mean
  KPI per bucket.

Who is counted: HR (and admin) everyone, a team lead their team's people, nobody else.
The method, its thresholds and its caveats are in docs/impact-method.md.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Min, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from assessments.models import Scenario, Submission
from courses.models import Course, Enrolment, LearningPath, PathCourse
from lms.models import Role, Team, User
from lms.permissions import can_view_heatmap, heatmap_teams_for

from ..models import Certificate, Program
from . import kpis, stats

WEEK = datetime.timedelta(days=7)
MIN_WEEKS, MAX_WEEKS, DEFAULT_WEEKS = 2, 12, 4

Subject = Course | LearningPath | Program


@dataclass(frozen=True)
class Kpi:
    code: str
    label: Promise
    unit: str
    lower_is_better: bool
    fields: tuple[str, ...]

    @property
    def is_share(self) -> bool:
        """A share in %: its differences are percentage points, not percent."""
        return self.unit == "%"

    def weekly_value(self, week: kpis.AgentWeek) -> float | None:
        if self.code == "complaints":
            # A count depends on volume; per 100 contacts compares people fairly. A week
            # without contacts has no rate.
            return 100 * week.complaints / week.contacts if week.contacts else None
        return float(getattr(week, self.fields[0]))


KPIS: dict[str, Kpi] = {
    kpi.code: kpi
    for kpi in (
        Kpi("frt", _("First response time"), "s", True, ("first_response_seconds",)),
        Kpi("aht", _("Average handling time"), "s", True, ("handling_seconds",)),
        Kpi("fcr", _("First-contact resolution"), "%", False, ("first_contact_resolution",)),
        Kpi("csat", _("Satisfaction (CSAT)"), "%", False, ("csat",)),
        Kpi("complaints", _("Complaints per 100 contacts"), "", True, ("complaints", "contacts")),
    )
}


def change_unit(kpi: Kpi) -> str:
    """The unit of a difference of the KPI: a share's differences are percentage points."""
    return "pp" if kpi.is_share else kpi.unit


# What a verdict means once the KPI's direction is known.
IMPROVED, WORSENED = "improved", "worsened"


def outcome(kpi: Kpi, verdict: str) -> str:
    """``stats`` says up or down; this says better or worse for this KPI."""
    if verdict == stats.INCREASE:
        return WORSENED if kpi.lower_is_better else IMPROVED
    if verdict == stats.DECREASE:
        return IMPROVED if kpi.lower_is_better else WORSENED
    return verdict


# --- Who is counted ---------------------------------------------------------------------


def can_view_impact(user: User) -> bool:
    return can_view_heatmap(user)


def impact_people_for(viewer: User, team: Team | None = None) -> QuerySet[User]:
    """HR and admin: everyone; a team lead: the people of the teams they lead; others:
    nobody. ``team`` narrows further (a team outside the viewer's reach gives nobody)."""
    if not can_view_impact(viewer):
        return User.objects.none()
    people = User.objects.filter(is_active=True)
    if not (viewer.is_superuser or viewer.has_role(Role.HR, Role.ADMIN)):
        people = people.filter(team__in=heatmap_teams_for(viewer))
    if team is not None:
        people = people.filter(team=team)
    return people


def _by_title(subjects: Iterable[Subject]) -> list[Subject]:
    # The title in the active language (``str``), so English readers get an English order;
    # the code breaks ties and keeps the order stable.
    return sorted(subjects, key=lambda subject: (str(subject).casefold(), subject.code))


def impact_subjects() -> dict[str, list[Subject]]:
    """What the impact page offers, each kind ordered by its title in the active language:
    courses out of draft, every path, every program. Three queries."""
    return {
        "course": _by_title(Course.objects.exclude(status=Course.Status.DRAFT)),
        "path": _by_title(LearningPath.objects.all()),
        "program": _by_title(Program.objects.all()),
    }


# --- Completions ------------------------------------------------------------------------


def monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def _local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment)


def completions(subject: Subject, people: QuerySet[User]) -> dict[int, datetime.date]:
    """Person id → the day they first completed the subject: the first completed
    enrolment of a course; for a path, the day the last of its courses was first
    completed (every course of the path needed); the first issue of a certificate of the
    program (a revoked one does not count). Two queries at most."""
    if isinstance(subject, Course):
        rows = (
            Enrolment.objects.filter(
                course=subject, status=Enrolment.Status.COMPLETED, agent__in=people
            )
            .values("agent")
            .annotate(first=Min("completed_at"))
        )
        return {row["agent"]: _local_day(row["first"]) for row in rows}
    if isinstance(subject, LearningPath):
        steps = set(PathCourse.objects.filter(path=subject).values_list("course_id", flat=True))
        if not steps:
            return {}
        per_person: dict[int, dict[int, datetime.datetime]] = defaultdict(dict)
        for row in (
            Enrolment.objects.filter(
                course__in=steps, status=Enrolment.Status.COMPLETED, agent__in=people
            )
            .values("agent", "course")
            .annotate(first=Min("completed_at"))
        ):
            per_person[row["agent"]][row["course"]] = row["first"]
        return {
            person: _local_day(max(done.values()))
            for person, done in per_person.items()
            if set(done) == steps
        }
    if isinstance(subject, Program):
        rows = (
            Certificate.objects.filter(program=subject, issued_at__isnull=False, holder__in=people)
            .exclude(status=Certificate.Status.REVOKED)
            .values("holder")
            .annotate(first=Min("issued_at"))
        )
        return {row["holder"]: _local_day(row["first"]) for row in rows}
    raise TypeError(f"no completion rule for {type(subject).__name__}")


# --- KPI rows ---------------------------------------------------------------------------


def weekly_values(
    kpi: Kpi, people: QuerySet[User], first: datetime.date, last: datetime.date
) -> dict[int, dict[datetime.date, float]]:
    """Person id → {Monday: the KPI that week} for the weeks starting in [first, last],
    from weekly rows or, for a week without one, its daily rows: two queries."""
    values: dict[int, dict[datetime.date, float]] = defaultdict(dict)
    for week in kpis.agent_weeks(first, last, agents=people):
        value = kpi.weekly_value(week)
        if value is not None:
            values[week.agent_id][week.starts_on] = value
    return values


def _window_mean(
    weeks: dict[datetime.date, float], first: datetime.date, last: datetime.date
) -> float | None:
    return stats.mean([v for day, v in weeks.items() if first <= day <= last])


@dataclass(frozen=True)
class Windows:
    """The N weeks before a week and the N weeks after it (the week itself is left out:
    it is the week of the training)."""

    week: datetime.date
    before_first: datetime.date
    before_last: datetime.date
    after_first: datetime.date
    after_last: datetime.date

    @classmethod
    def around(cls, week: datetime.date, n: int) -> "Windows":
        return cls(week, week - n * WEEK, week - WEEK, week + WEEK, week + n * WEEK)

    def means(self, weeks: dict[datetime.date, float]) -> tuple[float | None, float | None]:
        return (
            _window_mean(weeks, self.before_first, self.before_last),
            _window_mean(weeks, self.after_first, self.after_last),
        )


# --- The impact of one subject ----------------------------------------------------------


@dataclass(frozen=True)
class Group:
    """One group's before and after means per person, and their comparison."""

    before: list[float]
    after: list[float]
    paired: stats.Paired
    before_interval: stats.MeanInterval
    after_interval: stats.MeanInterval

    @classmethod
    def of(cls, pairs: Iterable[tuple[float, float]]) -> "Group":
        pairs = list(pairs)
        before = [b for b, _a in pairs]
        after = [a for _b, a in pairs]
        return cls(
            before,
            after,
            stats.paired(before, after),
            stats.mean_interval(before),
            stats.mean_interval(after),
        )

    @property
    def changes(self) -> list[float]:
        return [a - b for b, a in zip(self.before, self.after, strict=True)]


@dataclass(frozen=True)
class Impact:
    subject: Subject
    kpi: Kpi
    weeks: int
    completed: int  # completers in scope, with or without KPI data
    missing_before: int  # left out: no KPI week before (but some after)
    missing_after: int  # left out: no KPI week after (but some before)
    missing_both: int  # left out: no KPI week on either side
    completers: Group
    aligned: Windows | None  # the comparison group's period (None without completers)
    comparison: Group | None
    did: stats.TwoGroups | None

    @property
    def left_out(self) -> int:
        return self.missing_before + self.missing_after + self.missing_both

    @property
    def outcome(self) -> str:
        return outcome(self.kpi, self.completers.paired.verdict)

    @property
    def did_outcome(self) -> str | None:
        return None if self.did is None else outcome(self.kpi, self.did.verdict)


def _median_week(weeks: list[datetime.date]) -> datetime.date:
    # The lower middle for an even count, so the aligned week is a real completion week.
    ordered = sorted(weeks)
    return ordered[(len(ordered) - 1) // 2]


def impact_for(
    subject: Subject,
    kpi: Kpi,
    *,
    weeks: int = DEFAULT_WEEKS,
    team: Team | None = None,
    viewer: User,
) -> Impact:
    """Compare completers before and after their completion week, and against the people
    who had not completed by the end of the aligned period. Four or five queries."""
    if not MIN_WEEKS <= weeks <= MAX_WEEKS:
        raise ValueError("weeks out of range")
    people = impact_people_for(viewer, team)
    completed_on = completions(subject, people)
    completion_week = {person: monday(day) for person, day in completed_on.items()}

    values: dict[int, dict[datetime.date, float]] = {}
    if completion_week:
        values = weekly_values(
            kpi,
            people,
            min(completion_week.values()) - weeks * WEEK,
            max(completion_week.values()) + weeks * WEEK,
        )

    pairs: list[tuple[float, float]] = []
    paired_weeks: list[datetime.date] = []
    missing = {"before": 0, "after": 0, "both": 0}
    for person, week in completion_week.items():
        before, after = Windows.around(week, weeks).means(values.get(person, {}))
        if before is None and after is None:
            missing["both"] += 1
        elif before is None:
            missing["before"] += 1
        elif after is None:
            missing["after"] += 1
        else:
            pairs.append((before, after))
            paired_weeks.append(week)
    completers = Group.of(pairs)

    aligned = comparison = did = None
    if paired_weeks:
        aligned = Windows.around(_median_week(paired_weeks), weeks)
        # Untreated over the whole aligned period: never completed, or only afterwards.
        others = [
            Windows.around(aligned.week, weeks).means(person_weeks)
            for person, person_weeks in values.items()
            if person not in completion_week or completion_week[person] > aligned.after_last
        ]
        comparison = Group.of((b, a) for b, a in others if b is not None and a is not None)
        did = stats.welch(completers.changes, comparison.changes)

    return Impact(
        subject=subject,
        kpi=kpi,
        weeks=weeks,
        completed=len(completion_week),
        missing_before=missing["before"],
        missing_after=missing["after"],
        missing_both=missing["both"],
        completers=completers,
        aligned=aligned,
        comparison=comparison,
        did=did,
    )


# --- KPI by role-play drills ------------------------------------------------------------

DRILL_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0", 0, 0),
    ("1–4", 1, 4),
    ("5+", 5, None),
)


@dataclass(frozen=True)
class DrillBucket:
    label: str
    interval: stats.MeanInterval


@dataclass(frozen=True)
class Drills:
    kpi: Kpi
    since: datetime.date
    until: datetime.date
    buckets: list[DrillBucket]
    most_vs_none: stats.TwoGroups  # 5+ drills against none


def _bucket(count: int) -> str:
    for label, low, high in DRILL_BUCKETS:
        if count >= low and (high is None or count <= high):
            return label
    raise AssertionError(count)


def kpi_by_drills(
    kpi: Kpi,
    since: datetime.date,
    until: datetime.date,
    *,
    viewer: User,
    team: Team | None = None,
) -> Drills:
    """People with KPI weeks starting in [since, until], bucketed by the role-play drills
    graded up to the end of ``until``; each person's mean weekly KPI counts once. Three
    queries."""
    people = impact_people_for(viewer, team)
    values = weekly_values(kpi, people, since, until)
    end = datetime.datetime.combine(
        until + datetime.timedelta(days=1),
        datetime.time.min,
        tzinfo=timezone.get_current_timezone(),
    )
    drills = dict(
        Submission.objects.filter(
            agent__in=people,
            status=Submission.Status.GRADED,
            scenario__kind=Scenario.Kind.ROLEPLAY,
            graded_at__lt=end,
        )
        .values("agent")
        .annotate(n=Count("id"))
        .values_list("agent", "n")
    )
    per_bucket: dict[str, list[float]] = {label: [] for label, _low, _high in DRILL_BUCKETS}
    for person, weeks in values.items():
        per_bucket[_bucket(drills.get(person, 0))].append(sum(weeks.values()) / len(weeks))
    return Drills(
        kpi=kpi,
        since=since,
        until=until,
        buckets=[DrillBucket(label, stats.mean_interval(v)) for label, v in per_bucket.items()],
        most_vs_none=stats.welch(per_bucket["5+"], per_bucket["0"]),
    )
