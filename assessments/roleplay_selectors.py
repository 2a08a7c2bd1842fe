"""Reads for the role-play pages, each in a fixed number of queries whatever the size."""

import datetime
import unicodedata
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from lms.models import Mentorship, Role, User

from .models import (
    Criterion,
    CriterionLevel,
    CriterionScore,
    Dispute,
    Grade,
    Scenario,
    Submission,
    SubmissionTurn,
)
from .roleplay_permissions import gradeable_submissions_for, submissions_visible_to

WAITING = (Submission.Status.SUBMITTED, Submission.Status.IN_REVIEW)


# --- The agent's scenarios and submissions --------------------------------------------


@dataclass
class ScenarioSummary:
    scenario: Scenario
    latest: Submission | None  # the agent's latest submission, if any


def scenarios_for_agent(agent: User) -> list[ScenarioSummary]:
    """Published scenarios with the agent's latest submission: two queries."""
    scenarios = list(
        Scenario.objects.filter(status=Scenario.Status.PUBLISHED).order_by("code", "pk")
    )
    latest: dict[int, Submission] = {}
    for submission in Submission.objects.filter(
        agent=agent, scenario__in=[s.pk for s in scenarios]
    ).order_by("-started_at", "-pk"):
        latest.setdefault(submission.scenario_id, submission)
    return [ScenarioSummary(s, latest.get(s.pk)) for s in scenarios]


def submissions_of(agent: User) -> QuerySet[Submission]:
    """The agent's own submissions, newest first."""
    return (
        Submission.objects.filter(agent=agent)
        .select_related("scenario")
        .order_by("-started_at", "-pk")
    )


def submission_get_for(user: User, pk: int) -> Submission:
    """A submission the user may see; raises Submission.DoesNotExist otherwise."""
    return (
        submissions_visible_to(user)
        .select_related("scenario", "agent", "rubric_version__rubric")
        .get(pk=pk)
    )


def submission_get_gradeable(user: User, pk: int) -> Submission:
    """A submission the user may grade; raises Submission.DoesNotExist otherwise."""
    return (
        gradeable_submissions_for(user)
        .select_related("scenario", "agent", "rubric_version__rubric")
        .get(pk=pk)
    )


# --- Grading queue ---------------------------------------------------------------------


@dataclass
class QueueItem:
    submission: Submission
    waiting: datetime.timedelta
    overdue: bool
    grader: User | None
    second: User | None = None  # the second grader, if one was asked
    # Filled by ``second_grader_options`` for those who may ask for a second grade.
    second_candidates: list[User] = field(default_factory=list)

    @property
    def waiting_hours(self) -> int:
        return int(self.waiting.total_seconds() // 3600)

    @property
    def waiting_minutes(self) -> int:
        return int(self.waiting.total_seconds() // 60)

    @property
    def waiting_days(self) -> int:
        return self.waiting.days


def grading_queue(user: User, *, now: datetime.datetime | None = None) -> list[QueueItem]:
    """Submissions waiting for a grade that the user may grade, oldest first: two queries."""
    now = now or timezone.now()
    grades = Grade.objects.select_related("grader")
    submissions = (
        gradeable_submissions_for(user)
        .filter(status__in=WAITING)
        .select_related("scenario", "agent")
        .prefetch_related(Prefetch("grades", queryset=grades, to_attr="queue_grades"))
        .order_by("submitted_at", "pk")
    )
    items = []
    for s in submissions:
        by_role = {g.role: g.grader for g in s.queue_grades}
        items.append(
            QueueItem(
                submission=s,
                waiting=max(now - (s.submitted_at or now), datetime.timedelta(0)),
                overdue=s.grading_due_at is not None and s.grading_due_at <= now,
                grader=by_role.get(Grade.Role.PRIMARY),
                second=by_role.get(Grade.Role.SECOND),
            )
        )
    return items


def second_grader_options(items: list[QueueItem]) -> None:
    """Who may be asked for a second grade of each queued submission, the rule of
    ``views_roleplay.second_grader_candidates`` (authors, HR, admin and the agent's active
    mentors; never the agent or someone already grading it): two queries for the whole
    queue. A submission that has its second grader gets none."""
    agents = {item.submission.agent_id for item in items if item.second is None}
    if not agents:
        return
    everyone = list(
        User.objects.filter(is_active=True)
        .filter(Q(groups__name__in=[Role.TRAINER, Role.HR, Role.ADMIN]) | Q(is_superuser=True))
        .distinct()
    )
    mentors: dict[int, list[User]] = {}
    for mentorship in Mentorship.objects.filter(
        mentee_id__in=agents, ended_on__isnull=True, mentor__is_active=True
    ).select_related("mentor"):
        mentors.setdefault(mentorship.mentee_id, []).append(mentorship.mentor)
    for item in items:
        if item.second is not None:
            continue
        agent_id = item.submission.agent_id
        taken = {g.grader_id for g in getattr(item.submission, "queue_grades", [])}
        people = {u.pk: u for u in everyone + mentors.get(agent_id, [])}
        item.second_candidates = sorted(
            (u for pk, u in people.items() if pk != agent_id and pk not in taken),
            key=lambda u: u.username,
        )


# --- One submission: transcript, quality findings, rubric, grades ---------------------


@dataclass
class Segment:
    text: str
    kind: str = ""  # "", "forbidden" or "vague"


@dataclass
class TranscriptTurn:
    turn: SubmissionTurn
    number: int | None  # the reply's number as the quality check counts them
    segments: list[Segment]
    target_met: bool | None


@dataclass
class RubricCriterion:
    criterion: Criterion
    levels: list[CriterionLevel]
    top_points: int


@dataclass
class GradeView:
    grade: Grade
    scores: dict[int, CriterionScore] = field(default_factory=dict)  # by criterion id


@dataclass
class SubmissionDetail:
    submission: Submission
    transcript: list[TranscriptTurn]
    quality: dict | None
    criteria: list[RubricCriterion]
    grades: list[GradeView]

    def grade_by(self, user: User) -> GradeView | None:
        return next((g for g in self.grades if g.grade.grader_id == user.pk), None)

    @property
    def final_grade(self) -> GradeView | None:
        return next(
            (
                g
                for g in self.grades
                if g.grade.role == Grade.Role.PRIMARY and g.grade.status == Grade.Status.FINAL
            ),
            None,
        )


def _same_length_norm(text: str) -> bool:
    return len(unicodedata.normalize("NFKC", text).lower()) == len(text)


def _segments(reply: str, findings: list[dict]) -> list[Segment]:
    """Cut the reply at the phrases the quality check found. Positions are in the checker's
    normalised text; when normalising changed the length they cannot be trusted, and the
    findings are only listed beside the transcript."""
    if not findings or not _same_length_norm(reply):
        return [Segment(reply)]
    pieces, cursor = [], 0
    for finding in sorted(findings, key=lambda f: f["position"]):
        start, end = finding["position"], finding["position"] + len(finding["phrase"])
        if start < cursor or end > len(reply):
            continue
        if start > cursor:
            pieces.append(Segment(reply[cursor:start]))
        pieces.append(Segment(reply[start:end], finding["kind"]))
        cursor = end
    if cursor < len(reply):
        pieces.append(Segment(reply[cursor:]))
    return pieces


def submission_detail(submission: Submission, *, viewer: User) -> SubmissionDetail:
    """Transcript with highlighted phrases, the quality findings, the rubric criteria with
    their levels, and the grades the viewer may read (final ones, and the viewer's own
    draft). Four queries, whatever the number of turns, criteria or grades."""
    quality = submission.quality
    by_turn: dict[int, list[dict]] = {}
    met: dict[int, bool] = {}
    if quality:
        for kind in ("forbidden", "vague"):
            for finding in quality.get(kind, []):
                by_turn.setdefault(finding["turn"], []).append({**finding, "kind": kind})
        met = {r["turn"]: r["met"] for r in quality.get("reply_times", [])}
    transcript, number = [], 0
    for turn in submission.turns.order_by("order"):
        if turn.replied_at is None:
            transcript.append(TranscriptTurn(turn, None, [], None))
            continue
        number += 1
        transcript.append(
            TranscriptTurn(
                turn, number, _segments(turn.reply, by_turn.get(number, [])), met.get(number)
            )
        )
    criteria = [
        RubricCriterion(
            c, list(c.levels.all()), max((lv.points for lv in c.levels.all()), default=0)
        )
        for c in Criterion.objects.filter(version_id=submission.rubric_version_id)
        .select_related("competency")
        .prefetch_related("levels")
    ]
    grades = []
    for grade in (
        Grade.objects.filter(submission=submission)
        .select_related("grader")
        .prefetch_related(
            Prefetch("scores", queryset=CriterionScore.objects.select_related("level"))
        )
    ):
        if grade.status == Grade.Status.FINAL or grade.grader_id == viewer.pk:
            grades.append(GradeView(grade, {s.criterion_id: s for s in grade.scores.all()}))
    return SubmissionDetail(submission, transcript, quality, criteria, grades)


# --- Disputes --------------------------------------------------------------------------


def disputes_of(submission: Submission) -> list[Dispute]:
    """The disputes of one submission with their levels and arbiters, oldest first: one
    query."""
    return list(
        Dispute.objects.filter(submission=submission)
        .select_related("criterion", "original_level", "new_level", "arbiter")
        .order_by("raised_at", "pk")
    )
