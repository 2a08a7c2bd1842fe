"""Calibration reads: how far two graders of the same submissions agree.

Only submissions whose PRIMARY and SECOND grades are both final count. For every
criterion graded by both (not-applicable on either side leaves it out) the chosen level
becomes its *position* among the criterion's levels (ordered by ``order``, then id),
normalised to 0–1: ``rank / (number of levels − 1)``. Criteria with a single level carry
no information and are skipped.

Cohen's weighted kappa with quadratic weights is computed per group (per rubric, per
primary grader) on these normalised pairs, pooled over the group's criteria::

    kappa = 1 − D_o / D_e
    D_o = mean over pairs of (a − b)²                 (observed disagreement)
    D_e = mean over all a, b of (a − b)²              (expected by chance from the marginals)
        = var(a) + var(b) + (mean(a) − mean(b))²      (population variances)

When every criterion has the same number of levels k this is exactly the textbook
quadratic weighted kappa on the k×k table (weights (i − j)² / (k − 1)², the constant
cancels). Normalising lets criteria with different numbers of levels share one kappa;
the price is that a step on a 3-level criterion weighs more than one on a 5-level one.
Without variation (D_e = 0) kappa is undefined and reported as ``None``.

The mean score difference is primary − second over the submissions: above zero the
primary grader is more generous (the second grader harsher), below zero the reverse.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from lms.models import User

from .models import CriterionLevel, CriterionScore, Grade, Rubric

Pair = tuple[float, float]


def quadratic_weighted_kappa(pairs: Iterable[Pair]) -> float | None:
    """Cohen's kappa with quadratic weights on pairs of normalised level positions;
    ``None`` with no pairs or no variation at all."""
    pairs = list(pairs)
    if not pairs:
        return None
    n = len(pairs)
    a = [p[0] for p in pairs]
    b = [p[1] for p in pairs]
    mean_a, mean_b = sum(a) / n, sum(b) / n
    var_a = sum((x - mean_a) ** 2 for x in a) / n
    var_b = sum((y - mean_b) ** 2 for y in b) / n
    expected = var_a + var_b + (mean_a - mean_b) ** 2
    if expected <= 1e-12:
        return None
    observed = sum((x - y) ** 2 for x, y in pairs) / n
    return 1 - observed / expected


@dataclass
class AgreementRow:
    label: str  # the rubric or the primary grader
    submissions: int = 0
    criteria: int = 0  # double-graded criteria
    exact: int = 0  # of which both chose the same level
    score_diff_total: Decimal = Decimal(0)
    pairs: list = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        self.pairs = []

    @property
    def exact_share(self) -> float | None:
        return self.exact / self.criteria if self.criteria else None

    @property
    def exact_percent(self) -> int | None:
        share = self.exact_share
        return None if share is None else round(100 * share)

    @property
    def kappa(self) -> float | None:
        return quadratic_weighted_kappa(self.pairs)

    @property
    def mean_score_difference(self) -> Decimal | None:
        """Primary − second, in score points (%): above zero the second grader is harsher."""
        if not self.submissions:
            return None
        return (self.score_diff_total / self.submissions).quantize(Decimal("0.01"))


@dataclass
class AgreementReport:
    by_rubric: list[AgreementRow]
    by_grader: list[AgreementRow]


def agreement_report() -> AgreementReport:
    """Agreement over every double-graded submission: three queries whatever the size.
    The caller checks that the viewer is HR or an author."""
    double = Grade.objects.filter(role=Grade.Role.SECOND, status=Grade.Status.FINAL).values(
        "submission"
    )
    grades = list(
        Grade.objects.filter(submission__in=double, status=Grade.Status.FINAL)
        .select_related("grader", "submission__rubric_version__rubric")
        .order_by("submission_id", "role")
    )
    scores = list(
        CriterionScore.objects.filter(grade__in=[g.pk for g in grades]).values(
            "grade_id", "criterion_id", "level_id"
        )
    )
    positions: dict[int, float] = {}
    by_criterion: dict[int, list[int]] = defaultdict(list)
    for row in (
        CriterionLevel.objects.filter(criterion__in={s["criterion_id"] for s in scores})
        .order_by("criterion_id", "order", "pk")
        .values("pk", "criterion_id")
    ):
        by_criterion[row["criterion_id"]].append(row["pk"])
    for levels in by_criterion.values():
        for rank, pk in enumerate(levels):
            positions[pk] = rank / (len(levels) - 1) if len(levels) > 1 else -1.0
    levels_of: dict[int, dict[int, int | None]] = defaultdict(dict)
    for s in scores:
        levels_of[s["grade_id"]][s["criterion_id"]] = s["level_id"]

    pairs_by_submission: dict[int, dict[str, Grade]] = defaultdict(dict)
    for grade in grades:
        pairs_by_submission[grade.submission_id][grade.role] = grade
    rubrics: dict[int, AgreementRow] = {}
    graders: dict[int, AgreementRow] = {}
    for both in pairs_by_submission.values():
        primary, second = both.get(Grade.Role.PRIMARY), both.get(Grade.Role.SECOND)
        if primary is None or second is None:
            continue
        rubric: Rubric = primary.submission.rubric_version.rubric
        grader: User = primary.grader
        rows = (
            rubrics.setdefault(rubric.pk, AgreementRow(str(rubric))),
            graders.setdefault(grader.pk, AgreementRow(str(grader))),
        )
        first, other = levels_of[primary.pk], levels_of[second.pk]
        diff = (primary.score or Decimal(0)) - (second.score or Decimal(0))
        for row in rows:
            row.submissions += 1
            row.score_diff_total += diff
        for criterion_id, level_a in first.items():
            level_b = other.get(criterion_id)
            if level_a is None or level_b is None:
                continue
            pos_a, pos_b = positions.get(level_a, -1.0), positions.get(level_b, -1.0)
            if pos_a < 0 or pos_b < 0:
                continue
            for row in rows:
                row.criteria += 1
                row.exact += level_a == level_b
                row.pairs.append((pos_a, pos_b))

    def ordered(rows: dict[int, AgreementRow]) -> list[AgreementRow]:
        return sorted(rows.values(), key=lambda r: r.label)

    return AgreementReport(ordered(rubrics), ordered(graders))
