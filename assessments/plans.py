"""Composite assessment plans: saving one, and the selectors that score people on it.

A part's score is the person's best result in it: the best submitted quiz attempt (its
percent) and the best graded role-play or case review (its score after any arbitration).
In-progress attempts, and submissions not graded yet (or returned for a redo), do not
count. The composite is the weighted sum once every weighted part has a score; a part
with weight 0 is left out, even when the plan names it.

Who sees whose composite: authors (trainers, HR, admin) everyone's, like quiz results;
team leads their own team's agents, read-only; everyone their own (``plan-mine``).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.utils.translation import gettext as _

from courses.permissions import can_author
from lms.models import Role, Team, User
from lms.permissions import people_visible_to

from .models import AssessmentPlan, Attempt, Scenario, Submission

RESULTS_PAGE_SIZE = 25
PLANS_PAGE_SIZE = 25

QUIZ, ROLEPLAY, CASE_REVIEW = "quiz", "roleplay", "case_review"


# --- Saving --------------------------------------------------------------------------


@transaction.atomic
def plan_save(
    *, plan: AssessmentPlan | None = None, created_by: User | None = None, **fields: Any
) -> AssessmentPlan:
    """Create or edit a plan; the parts must be of the right kind and the weights add up
    (the database constraints, checked first by ``full_clean``). Nothing is saved when
    the plan is refused."""
    plan = plan or AssessmentPlan(created_by=created_by)
    for name, value in fields.items():
        setattr(plan, name, value)
    if plan.roleplay is not None and plan.roleplay.kind != Scenario.Kind.ROLEPLAY:
        raise ValidationError({"roleplay": _("Choose a role-play scenario.")})
    if plan.case_review is not None and plan.case_review.kind != Scenario.Kind.CASE_REVIEW:
        raise ValidationError({"case_review": _("Choose a real-case review.")})
    plan.full_clean()
    try:
        # A savepoint: two authors saving the same new code at once must get a message,
        # not a broken transaction.
        with transaction.atomic():
            plan.save()
    except IntegrityError:
        if AssessmentPlan.objects.filter(code=plan.code).exclude(pk=plan.pk).exists():
            raise ValidationError(
                {"code": _("An assessment plan with this code already exists.")}
            ) from None
        raise
    return plan


# --- Scores --------------------------------------------------------------------------


@dataclass(frozen=True)
class CompositeScore:
    quiz: Decimal | None
    roleplay: Decimal | None
    case_review: Decimal | None
    score: Decimal | None  # None until every weighted part has a result
    passed: bool

    @property
    def complete(self) -> bool:
        return self.score is not None


def _compose(
    plan: AssessmentPlan,
    quiz: Decimal | None,
    roleplay: Decimal | None,
    case_review: Decimal | None,
) -> CompositeScore:
    """The one place a composite is computed: ``composite_scores`` and the person's own
    page must agree to the cent."""
    parts = [
        (plan.quiz_weight, quiz),
        (plan.roleplay_weight, roleplay),
        (plan.case_weight, case_review),
    ]
    weighted = [(weight, score) for weight, score in parts if weight]
    total = None
    if all(score is not None for _weight, score in weighted):
        total = (sum(Decimal(w) * s for w, s in weighted) / 100).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
    return CompositeScore(
        quiz=quiz if plan.quiz_weight else None,
        roleplay=roleplay if plan.roleplay_weight else None,
        case_review=case_review if plan.case_weight else None,
        score=total,
        passed=total is not None and total >= plan.pass_mark,
    )


def _used_scenarios(plan: AssessmentPlan) -> list[int]:
    return [
        pk
        for pk, weight in (
            (plan.roleplay_id, plan.roleplay_weight),
            (plan.case_review_id, plan.case_weight),
        )
        if pk is not None and weight
    ]


def composite_scores(plan: AssessmentPlan, people: Iterable[int]) -> dict[int, CompositeScore]:
    """Every person's composite score on the plan, keyed by user id: at most two queries
    (quiz attempts, then role-play and case submissions together) whatever the number of
    people. Certification calls this; keep the signature."""
    people = list(people)
    quiz: dict[int, Decimal] = {}
    if plan.quiz_id and plan.quiz_weight and people:
        quiz = dict(
            Attempt.objects.filter(
                quiz_id=plan.quiz_id,
                agent_id__in=people,
                status=Attempt.Status.SUBMITTED,
                percent__isnull=False,
            )
            .values("agent_id")
            .annotate(best=Max("percent"))
            .values_list("agent_id", "best")
        )
    scenarios: dict[tuple[int, int], Decimal] = {}
    scenario_ids = _used_scenarios(plan)
    if scenario_ids and people:
        scenarios = {
            (scenario_id, agent_id): best
            for scenario_id, agent_id, best in Submission.objects.filter(
                scenario_id__in=scenario_ids,
                agent_id__in=people,
                status=Submission.Status.GRADED,
                score__isnull=False,
            )
            .values("scenario_id", "agent_id")
            .annotate(best=Max("score"))
            .values_list("scenario_id", "agent_id", "best")
        }
    return {
        person: _compose(
            plan,
            quiz.get(person),
            scenarios.get((plan.roleplay_id, person)),
            scenarios.get((plan.case_review_id, person)),
        )
        for person in people
    }


def composite_score(plan: AssessmentPlan, person: User) -> CompositeScore:
    return composite_scores(plan, [person.pk])[person.pk]


# --- Who sees which plans and whose scores --------------------------------------------


def can_see_plans(user: User) -> bool:
    """Authors manage plans and see everyone's results; team leads read their team's."""
    return user.is_authenticated and (can_author(user) or user.has_role(Role.TEAM_LEAD))


def plans_visible_to(user: User) -> QuerySet[AssessmentPlan]:
    """Every plan for authors; the plans in use for team leads; none for anyone else."""
    plans = AssessmentPlan.objects.select_related("quiz", "roleplay", "case_review")
    if not user.is_authenticated:
        return plans.none()
    if can_author(user):
        return plans
    if user.has_role(Role.TEAM_LEAD):
        return plans.filter(is_active=True)
    return plans.none()


def plan_people_for(viewer: User) -> QuerySet[User]:
    """Whose composite the viewer may see on a plan's results: agents only; every agent
    for authors (as with quiz results), the agents of the teams they lead for team leads
    (``people_visible_to`` narrowed to those teams, so mentees elsewhere stay out)."""
    agents = User.objects.filter(
        is_active=True, pk__in=Group.objects.filter(name=Role.AGENT).values("user")
    )
    if not viewer.is_authenticated:
        return agents.none()
    if can_author(viewer):
        return agents
    if viewer.has_role(Role.TEAM_LEAD):
        return agents.filter(
            pk__in=people_visible_to(viewer).filter(team__lead=viewer).values("pk")
        )
    return agents.none()


def plan_teams_for(viewer: User) -> QuerySet[Team]:
    """The teams the results page may filter by."""
    if can_author(viewer):
        return Team.objects.order_by("code")
    if viewer.is_authenticated and viewer.has_role(Role.TEAM_LEAD):
        return Team.objects.filter(lead=viewer).order_by("code")
    return Team.objects.none()


def plan_list_for(viewer: User, *, page_number: int | str = 1) -> Page:
    """A page of the plans the viewer may see: two queries (count and rows)."""
    plans = plans_visible_to(viewer).order_by("-is_active", "code")
    return Paginator(plans, PLANS_PAGE_SIZE).get_page(page_number)


def plan_get_for(viewer: User, pk: int) -> AssessmentPlan:
    """Raises ``AssessmentPlan.DoesNotExist`` for a missing plan and a forbidden one."""
    return plans_visible_to(viewer).get(pk=pk)


@dataclass
class PersonRow:
    person: User
    composite: CompositeScore


def plan_results_for(
    viewer: User,
    plan: AssessmentPlan,
    *,
    team_code: str = "",
    page_number: int | str = 1,
    page_size: int = RESULTS_PAGE_SIZE,
) -> Page:
    """A page of the people the viewer may see, each with their composite on the plan:
    four queries (count, people, then ``composite_scores``) whatever the page size.
    The page's ``object_list`` holds ``PersonRow``s."""
    people = plan_people_for(viewer).select_related("team")
    if team_code:
        people = people.filter(team__code=team_code)
    page = Paginator(people.order_by("team__code", "display_name", "username"), page_size).get_page(
        page_number
    )
    persons = list(page.object_list)
    scores = composite_scores(plan, [p.pk for p in persons])
    page.object_list = [PersonRow(p, scores[p.pk]) for p in persons]
    return page


# --- The person's own composites -------------------------------------------------------


@dataclass(frozen=True)
class PartResult:
    """One part of a plan for one person: its score, or what is still to do."""

    part: str  # QUIZ, ROLEPLAY or CASE_REVIEW
    weight: int
    target_id: int  # the quiz's or the scenario's id
    target: str  # its title
    score: Decimal | None
    todo: str  # "" once scored; "start", "finish", "wait" or "redo"

    @property
    def todo_label(self) -> str:
        if not self.todo:
            return ""
        labels = {
            (QUIZ, "start"): _("Take the quiz."),
            (QUIZ, "finish"): _("Finish and submit the quiz you started."),
            (ROLEPLAY, "start"): _("Do the role-play."),
            (ROLEPLAY, "finish"): _("Finish and hand in the role-play you started."),
            (ROLEPLAY, "wait"): _("Handed in: waiting for the grade."),
            (ROLEPLAY, "redo"): _("Returned for a redo: do the role-play again."),
            (CASE_REVIEW, "start"): _("Write the case review."),
            (CASE_REVIEW, "finish"): _("Finish and hand in the case review you started."),
            (CASE_REVIEW, "wait"): _("Handed in: waiting for the grade."),
            (CASE_REVIEW, "redo"): _("Returned for a redo: write the case review again."),
        }
        return labels[(self.part, self.todo)]


@dataclass
class PersonComposite:
    plan: AssessmentPlan
    composite: CompositeScore
    parts: list[PartResult] = field(default_factory=list)


_SUBMISSION_TODO = {
    Submission.Status.IN_PROGRESS: "finish",
    Submission.Status.SUBMITTED: "wait",
    Submission.Status.IN_REVIEW: "wait",
    Submission.Status.RETURNED: "redo",
}
# When several submissions are unfinished, the one nearest a score says what to do.
_TODO_RANK = {"wait": 0, "finish": 1, "redo": 2, "start": 3}


def active_plans() -> QuerySet[AssessmentPlan]:
    return AssessmentPlan.objects.filter(is_active=True).select_related(
        "quiz", "roleplay", "case_review"
    )


def composites_for_person(person: User, plans: Iterable[AssessmentPlan]) -> list[PersonComposite]:
    """The person's composite on each plan with every weighted part's score or what is
    still missing: two queries (attempts, submissions) whatever the number of plans."""
    plans = list(plans)
    quiz_ids = {p.quiz_id for p in plans if p.quiz_id and p.quiz_weight}
    scenario_ids = {pk for p in plans for pk in _used_scenarios(p)}
    best_quiz: dict[int, Decimal] = {}
    open_quiz: set[int] = set()
    if quiz_ids:
        for quiz_id, status, percent in Attempt.objects.filter(
            agent=person, quiz_id__in=quiz_ids
        ).values_list("quiz_id", "status", "percent"):
            if status == Attempt.Status.SUBMITTED and percent is not None:
                best_quiz[quiz_id] = max(percent, best_quiz.get(quiz_id, percent))
            elif status == Attempt.Status.IN_PROGRESS:
                open_quiz.add(quiz_id)
    best_scenario: dict[int, Decimal] = {}
    todo_scenario: dict[int, str] = {}
    if scenario_ids:
        for scenario_id, status, score in Submission.objects.filter(
            agent=person, scenario_id__in=scenario_ids
        ).values_list("scenario_id", "status", "score"):
            if status == Submission.Status.GRADED and score is not None:
                best_scenario[scenario_id] = max(score, best_scenario.get(scenario_id, score))
                continue
            todo = _SUBMISSION_TODO.get(status, "start")
            current = todo_scenario.get(scenario_id, "start")
            if _TODO_RANK[todo] < _TODO_RANK[current]:
                todo_scenario[scenario_id] = todo

    result = []
    for plan in plans:
        quiz = best_quiz.get(plan.quiz_id) if plan.quiz_id else None
        roleplay = best_scenario.get(plan.roleplay_id) if plan.roleplay_id else None
        case = best_scenario.get(plan.case_review_id) if plan.case_review_id else None
        parts = []
        if plan.quiz_weight and plan.quiz_id:
            todo = "" if quiz is not None else ("finish" if plan.quiz_id in open_quiz else "start")
            parts.append(
                PartResult(QUIZ, plan.quiz_weight, plan.quiz_id, str(plan.quiz), quiz, todo)
            )
        for part, weight, scenario, score in (
            (ROLEPLAY, plan.roleplay_weight, plan.roleplay, roleplay),
            (CASE_REVIEW, plan.case_weight, plan.case_review, case),
        ):
            if weight and scenario is not None:
                todo = "" if score is not None else todo_scenario.get(scenario.pk, "start")
                parts.append(PartResult(part, weight, scenario.pk, str(scenario), score, todo))
        result.append(PersonComposite(plan, _compose(plan, quiz, roleplay, case), parts))
    return result


def my_composites_page(person: User, *, page_number: int | str = 1) -> Page:
    """A page of the plans in use with the person's composite on each: four queries."""
    page = Paginator(active_plans().order_by("code"), PLANS_PAGE_SIZE).get_page(page_number)
    page.object_list = composites_for_person(person, page.object_list)
    return page
