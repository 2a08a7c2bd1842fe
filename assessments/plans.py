"""Composite assessment plans: saving one, and the one selector that scores people on it.

A part's score is the person's best result in it: the best submitted quiz attempt (its
percent) and the best graded role-play or case review (its score after any arbitration).
The composite is the weighted sum once every weighted part has a score.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from lms.models import User

from .models import AssessmentPlan, Attempt, Scenario, Submission


@transaction.atomic
def plan_save(
    *, plan: AssessmentPlan | None = None, created_by: User | None = None, **fields: Any
) -> AssessmentPlan:
    """Create or edit a plan; the parts must be of the right kind and the weights add up."""
    plan = plan or AssessmentPlan(created_by=created_by)
    for name, value in fields.items():
        setattr(plan, name, value)
    if plan.roleplay is not None and plan.roleplay.kind != Scenario.Kind.ROLEPLAY:
        raise ValidationError({"roleplay": _("Choose a role-play scenario.")})
    if plan.case_review is not None and plan.case_review.kind != Scenario.Kind.CASE_REVIEW:
        raise ValidationError({"case_review": _("Choose a real-case review.")})
    plan.full_clean()
    plan.save()
    return plan


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


def _best_submissions(scenario_id: int | None, people: list[int]) -> dict[int, Decimal]:
    if scenario_id is None:
        return {}
    return dict(
        Submission.objects.filter(
            scenario_id=scenario_id,
            agent_id__in=people,
            status=Submission.Status.GRADED,
            score__isnull=False,
        )
        .values("agent_id")
        .annotate(best=Max("score"))
        .values_list("agent_id", "best")
    )


def composite_scores(plan: AssessmentPlan, people: Iterable[int]) -> dict[int, CompositeScore]:
    """Every person's composite score on the plan, keyed by user id: at most three
    queries whatever the number of people."""
    people = list(people)
    quiz = (
        dict(
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
        if plan.quiz_id and plan.quiz_weight
        else {}
    )
    roleplay = _best_submissions(plan.roleplay_id if plan.roleplay_weight else None, people)
    case = _best_submissions(plan.case_review_id if plan.case_weight else None, people)
    parts = [
        (plan.quiz_weight, quiz),
        (plan.roleplay_weight, roleplay),
        (plan.case_weight, case),
    ]
    result = {}
    for person in people:
        scores = [(weight, found.get(person)) for weight, found in parts if weight]
        total = None
        if all(score is not None for _w, score in scores):
            total = (sum(Decimal(w) * s for w, s in scores) / 100).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP
            )
        result[person] = CompositeScore(
            quiz=quiz.get(person),
            roleplay=roleplay.get(person),
            case_review=case.get(person),
            score=total,
            passed=total is not None and total >= plan.pass_mark,
        )
    return result


def composite_score(plan: AssessmentPlan, person: User) -> CompositeScore:
    return composite_scores(plan, [person.pk])[person.pk]
