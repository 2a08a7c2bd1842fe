"""Calibration: second graders, independent double grading, the rubric policy, and the
agreement report (Cohen's quadratic weighted kappa)."""

import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import roleplay
from assessments.calibration import agreement_report, quadratic_weighted_kappa
from assessments.models import Grade, Rubric, Submission
from lms.models import Evidence
from tests.assessments.roleplay_factories import (
    criteria_of,
    level,
    published_scenario,
    rubric,
    submitted,
)
from tests.lms.factories import UserFactory

pytestmark = pytest.mark.django_db


def url(name: str, *args) -> str:
    return reverse(f"assessments:{name}", args=args)


def grade_with(grade: Grade, points: list[int], comment: str = "") -> Grade:
    """Score the criteria in order at the levels worth ``points`` (LEVELS: 0, 2, 4)."""
    for criterion, p in zip(criteria_of(grade.submission), points, strict=True):
        roleplay.grade_score_set(
            grade=grade, criterion=criterion, level=level(criterion, p), comment=comment
        )
    return grade


def double_graded(scenario, agent, primary, second, p_points, s_points, *, hr) -> Submission:
    submission = submitted(scenario, agent)
    g2 = roleplay.second_grader_request(submission=submission, grader=second, requested_by=hr)
    g1 = roleplay.grade_start(submission=submission, grader=primary)
    roleplay.grade_finalise(grade=grade_with(g1, p_points), feedback="")
    roleplay.grade_finalise(grade=grade_with(g2, s_points), feedback="")
    submission.refresh_from_db()
    return submission


# --- The kappa function ----------------------------------------------------------------


def test_kappa_on_a_textbook_three_by_three_table():
    # Rater A in rows, rater B in columns, categories 0, 1, 2 (N = 10):
    #        B0 B1 B2
    #   A0 [  2, 1, 0 ]
    #   A1 [  1, 2, 1 ]
    #   A2 [  0, 1, 2 ]
    # Quadratic weights w_ij = (i - j)² / (k - 1)² = (i - j)² / 4.
    # Observed: four cells one step apart, weight 1/4 each: Σ w·p_o = 4 · (1/4) / 10 = 0.1.
    # Marginals A = B = (3, 4, 3); expected p_e(i, j) = A_i · B_j / 100.
    #   one step apart: (0,1) 12 + (1,0) 12 + (1,2) 12 + (2,1) 12 = 48, weight 1/4 → 12
    #   two steps apart: (0,2) 9 + (2,0) 9 = 18, weight 1 → 18
    #   Σ w·p_e = 30 / 100 = 0.3.
    # κ = 1 − 0.1 / 0.3 = 2/3.
    table = [[2, 1, 0], [1, 2, 1], [0, 1, 2]]
    pairs = [
        (i / 2, j / 2) for i, row in enumerate(table) for j, n in enumerate(row) for _ in range(n)
    ]
    assert quadratic_weighted_kappa(pairs) == pytest.approx(2 / 3)


def test_kappa_edge_cases():
    assert quadratic_weighted_kappa([(0, 0), (0.5, 0.5), (1, 1)]) == pytest.approx(1)
    # Nobody varies: chance agreement is total, kappa is undefined.
    assert quadratic_weighted_kappa([(1, 1), (1, 1)]) is None
    assert quadratic_weighted_kappa([]) is None
    # Systematic opposite: worse than chance.
    assert quadratic_weighted_kappa([(0, 1), (1, 0)]) < 0


# --- Requesting a second grader ---------------------------------------------------------


def test_second_grader_request_is_for_hr_and_authors_only(client, agent, mentor, hr, trainer):
    submission = submitted(published_scenario(), agent)
    for person in (agent, mentor):
        client.force_login(person)
        response = client.post(url("roleplay-second-grader", submission.pk), {"grader": trainer.pk})
        assert response.status_code == 404
        assert not Grade.objects.filter(submission=submission).exists()
    client.force_login(hr)
    response = client.post(url("roleplay-second-grader", submission.pk), {"grader": trainer.pk})
    assert response.status_code == 302
    grade = Grade.objects.get(submission=submission)
    assert (grade.role, grade.grader, grade.status) == (
        Grade.Role.SECOND,
        trainer,
        Grade.Status.DRAFT,
    )
    submission.refresh_from_db()
    assert submission.status == Submission.Status.IN_REVIEW


def test_second_grader_is_neither_the_agent_nor_the_primary_grader_nor_after_grading(
    agent, mentor, hr, trainer
):
    submission = submitted(published_scenario(), agent)
    roleplay.grade_start(submission=submission, grader=mentor)
    for person, code in ((agent, "self"), (mentor, "same")):
        with pytest.raises(ValidationError) as exc:
            roleplay.second_grader_request(submission=submission, grader=person, requested_by=hr)
        assert exc.value.code == code
    outsider = UserFactory()  # no mentee here, not an author: may not grade it
    with pytest.raises(ValidationError):
        roleplay.second_grader_request(submission=submission, grader=outsider, requested_by=hr)
    graded = submitted(published_scenario(), agent)
    roleplay.grade_finalise(
        grade=grade_with(roleplay.grade_start(submission=graded, grader=mentor), [4, 4]),
        feedback="",
    )
    with pytest.raises(ValidationError):
        roleplay.second_grader_request(submission=graded, grader=trainer, requested_by=hr)
    assert not Grade.objects.filter(role=Grade.Role.SECOND).exists()


def test_second_graders_sample_takes_the_share_of_waiting_submissions(
    agent, other_agent, hr, trainer
):
    scenario = published_scenario()
    for person in (agent, other_agent, agent, other_agent):
        submitted(scenario, person)
    created = roleplay.second_graders_sample(
        share=50, requested_by=hr, graders=[trainer], rng=random.Random(1)
    )
    assert len(created) == 2
    assert {g.grader for g in created} == {trainer}
    assert Grade.objects.filter(role=Grade.Role.SECOND).count() == 2


# --- Independence and the policy ----------------------------------------------------------


def test_the_second_grader_never_sees_the_first_grade(client, agent, mentor, hr, trainer):
    submission = submitted(published_scenario(), agent)
    roleplay.second_grader_request(submission=submission, grader=trainer, requested_by=hr)
    primary = grade_with(
        roleplay.grade_start(submission=submission, grader=mentor), [4, 4], "导师评语甲乙丙"
    )
    roleplay.grade_finalise(grade=primary, feedback="导师总评丁戊")
    client.force_login(trainer)
    for name in ("roleplay-grade", "roleplay-submission"):
        page = client.get(url(name, submission.pk)).content.decode()
        assert "导师评语甲乙丙" not in page
        assert "导师总评丁戊" not in page
    # The same page shows the trainer's own comments.
    second = Grade.objects.get(submission=submission, role=Grade.Role.SECOND)
    grade_with(second, [2, 2], "培训师评语")
    page = client.get(url("roleplay-grade", submission.pk)).content.decode()
    assert "培训师评语" in page
    assert "导师评语甲乙丙" not in page


@pytest.mark.parametrize(
    ("policy", "expected"),
    [(Rubric.Policy.MEAN, Decimal("75.00")), (Rubric.Policy.SENIOR, Decimal("100.00"))],
)
def test_graded_only_once_both_grades_are_final(policy, expected, agent, mentor, hr, trainer):
    scenario = published_scenario(rubric=rubric(policy=policy))
    submission = submitted(scenario, agent)
    second = roleplay.second_grader_request(submission=submission, grader=trainer, requested_by=hr)
    primary = roleplay.grade_start(submission=submission, grader=mentor)
    roleplay.grade_finalise(grade=grade_with(primary, [4, 4]), feedback="")  # 100 %
    submission.refresh_from_db()
    assert (submission.status, submission.score) == (Submission.Status.IN_REVIEW, None)
    assert not Evidence.objects.filter(agent=agent).exists()
    roleplay.grade_finalise(grade=grade_with(second, [2, 2]), feedback="")  # 50 %
    submission.refresh_from_db()
    assert (submission.status, submission.score) == (Submission.Status.GRADED, expected)
    assert submission.passed is True  # pass mark 70
    refs = set(Evidence.objects.filter(agent=agent).values_list("source_ref", flat=True))
    assert refs and all(ref.startswith(f"grade:{primary.pk}:") for ref in refs)


def test_mean_policy_fails_on_either_critical_failure():
    primary = Grade(score=Decimal("90"), critical_failed=False)
    second = Grade(score=Decimal("81"), critical_failed=True)
    assert roleplay.combined_result(Rubric.Policy.MEAN, primary, second) == (
        Decimal("85.50"),
        True,
    )
    assert roleplay.combined_result(Rubric.Policy.SENIOR, primary, second) == (
        Decimal("90"),
        False,
    )


# --- The agreement report ---------------------------------------------------------------


def test_agreement_report_numbers(agent, other_agent, hr, trainer):
    scenario = published_scenario()
    # Criteria weigh 40 and 60; levels 0, 2, 4 sit at positions 0, 0.5, 1.
    double_graded(scenario, agent, hr, trainer, [4, 4], [4, 2], hr=hr)  # 100 vs 70
    double_graded(scenario, other_agent, hr, trainer, [2, 0], [2, 0], hr=hr)  # 20 vs 20
    # Pairs (1, 1), (1, .5), (.5, .5), (0, 0): 3 of 4 the same level.
    # mean a = .625, mean b = .5; var a = .171875, var b = .125
    # D_e = .171875 + .125 + .125² = .3125; D_o = .25 / 4 = .0625; κ = 1 − .2 = 0.8.
    report = agreement_report()
    [row] = report.by_rubric
    assert row.label == str(scenario.rubric)
    assert (row.submissions, row.criteria, row.exact, row.exact_percent) == (2, 4, 3, 75)
    assert row.kappa == pytest.approx(0.8)
    assert row.mean_score_difference == Decimal("15.00")  # the second grader is harsher
    [by_grader] = report.by_grader
    assert by_grader.label == str(hr)
    assert by_grader.kappa == pytest.approx(0.8)


def test_calibration_page_for_hr_and_authors_only(client, agent, mentor, hr, trainer):
    double_graded(published_scenario(), agent, mentor, trainer, [4, 4], [4, 2], hr=hr)
    for person in (agent, mentor):
        client.force_login(person)
        assert client.get(url("roleplay-calibration")).status_code == 404
    client.force_login(hr)
    page = client.get(url("roleplay-calibration")).content.decode()
    assert str(mentor) in page
    assert "50%" in page  # one of two criteria at the same level


def test_calibration_page_queries_do_not_grow(client, agent, other_agent, hr, trainer):
    scenario = published_scenario()
    client.force_login(hr)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url("roleplay-calibration"))
        assert response.status_code == 200
        return len(ctx.captured_queries)

    double_graded(scenario, agent, hr, trainer, [4, 4], [4, 2], hr=hr)
    small = count()
    other = published_scenario()
    for person in (agent, other_agent, other_agent):
        double_graded(other, person, trainer, hr, [2, 2], [0, 4], hr=hr)
    report = agreement_report()
    assert sum(r.submissions for r in report.by_rubric) == 4
    assert count() == small


def test_submission_page_offers_second_graders_to_hr_only(client, agent, mentor, hr, trainer):
    submission = submitted(published_scenario(), agent)
    roleplay.grade_start(submission=submission, grader=mentor)
    target = url("roleplay-second-grader", submission.pk)
    client.force_login(mentor)
    assert target not in client.get(url("roleplay-submission", submission.pk)).content.decode()
    client.force_login(hr)
    page = client.get(url("roleplay-submission", submission.pk)).content.decode()
    assert target in page
    assert f'<option value="{trainer.pk}">' in page
    assert f'<option value="{mentor.pk}">' not in page  # already the primary grader
    assert f'<option value="{agent.pk}">' not in page
