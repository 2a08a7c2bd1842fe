"""The demo role-plays of 云裳优品: what ``seed_demo`` leaves behind, and that it is idempotent."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import TestCase
from django.utils import timezone

from assessments import roleplay, roleplay_demo_content
from assessments.models import (
    Criterion,
    CriterionScore,
    Grade,
    Rubric,
    Scenario,
    ScenarioTurn,
    Submission,
    SubmissionTurn,
)
from lms.models import Evidence

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]

COUNTED = [Rubric, Criterion, Scenario, ScenarioTurn, Submission, SubmissionTurn, Grade]
COUNTED += [CriterionScore, Evidence]
SCENARIO_CODES = {s.code for s in roleplay_demo_content.SCENARIOS}


def _seed() -> str:
    out = io.StringIO()
    # Tests run with DEBUG=False, which the seeders refuse without --force. The quality
    # check is queued on commit: run those callbacks, as a real commit would.
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("seed_demo", force=True, stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in COUNTED}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module, in a transaction rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        output = _seed()
        yield output
        transaction.set_rollback(True)


def _submissions():
    return Submission.objects.filter(scenario__code__in=SCENARIO_CODES)


def test_first_run_prints_a_one_line_summary(seeded):
    lines = [line for line in seeded.splitlines() if line.startswith("Demo role-play:")]
    assert len(lines) == 1
    assert "Rubric 2 (+2)" in lines[0] and "Scenario 9 (+9)" in lines[0]


def test_two_rubrics_are_published_with_weights_of_100_and_a_critical_opening():
    rubrics = {r.code: r for r in Rubric.objects.filter(code__in=["im-conversation", "phone-call"])}
    assert {r.title_zh for r in rubrics.values()} == {"IM 对话评分表", "电话沟通评分表"}
    for rubric in rubrics.values():
        version = roleplay.rubric_current(rubric)
        assert version is not None
        criteria = list(version.criteria.select_related("competency").prefetch_related("levels"))
        assert sum(c.weight for c in criteria) == 100
        assert [c.critical for c in criteria].count(True) == 1
        for criterion in criteria:
            assert criterion.competency.is_active
            levels = list(criterion.levels.all())
            assert 3 <= len(levels) <= 4
            assert all(level.descriptor_zh for level in levels)
            assert any(level.demonstrates for level in levels)
    im = roleplay.rubric_current(rubrics["im-conversation"])
    titles = [c.title_zh for c in im.criteria.order_by("order")]
    assert titles == ["开场与结束用语", "信息准确", "流程完整", "共情表达", "情绪安抚"]
    assert im.criteria.get(critical=True).title_zh == "开场与结束用语"


def test_at_least_eight_published_scenarios_with_scripts_and_a_case_review():
    scenarios = list(Scenario.objects.filter(code__in=SCENARIO_CODES).prefetch_related("turns"))
    assert len(scenarios) >= 8
    assert {s.status for s in scenarios} == {Scenario.Status.PUBLISHED}
    assert {s.channel for s in scenarios} >= {"im", "phone"}
    roleplays = [s for s in scenarios if s.kind == Scenario.Kind.ROLEPLAY]
    assert len(roleplays) >= 8
    for scenario in roleplays:
        turns = sorted(scenario.turns.all(), key=lambda t: t.order)
        assert 3 <= len(turns) <= 5, scenario.code
        assert turns[-1].ends and not any(t.ends for t in turns[:-1])
        assert scenario.brief_zh and scenario.persona_zh
        assert scenario.quality_rules.get("required") and scenario.quality_rules.get("forbidden")
    assert sum(any(t.branches for t in s.turns.all()) for s in roleplays) >= 4
    (case,) = [s for s in scenarios if s.kind == Scenario.Kind.CASE_REVIEW]
    assert not case.turns.exists()


def test_submissions_in_every_state_with_quality_findings_once_handed_in():
    now = timezone.now()
    submissions = _submissions()
    assert set(submissions.values_list("status", flat=True)) == set(Submission.Status.values)
    handed_in = submissions.exclude(status=Submission.Status.IN_PROGRESS).filter(
        scenario__kind=Scenario.Kind.ROLEPLAY
    )
    assert handed_in and not handed_in.filter(quality=None).exists()
    assert not SubmissionTurn.objects.filter(submission__in=submissions, shown_at__gt=now).exists()
    assert not submissions.filter(submitted_at__gt=now).exists()

    queue = submissions.filter(status=Submission.Status.SUBMITTED)
    assert queue.filter(grading_due_at__lt=now).exists()  # one overdue
    assert queue.filter(grading_due_at__gt=now).exists()

    graded = submissions.filter(status=Submission.Status.GRADED)
    assert graded.filter(passed=True).exists() and graded.filter(passed=False).exists()
    assert not graded.filter(graded_at__gt=now).exists()
    assert Grade.objects.filter(submission__in=graded, role=Grade.Role.SECOND).exists()

    draft = Grade.objects.get(submission__status=Submission.Status.IN_REVIEW)
    assert draft.status == Grade.Status.DRAFT and draft.grader.username == "mentor"
    returned = submissions.get(status=Submission.Status.RETURNED)
    assert returned.return_comment and not returned.grades.exists()

    mine = submissions.filter(agent__username="agent")
    opened = mine.get(status=Submission.Status.IN_PROGRESS)
    assert opened.turns.filter(replied_at__isnull=False).count() == 2
    assert opened.turns.filter(replied_at=None).count() == 1


def test_graded_work_records_evidence_from_roleplay_dated_in_the_past():
    today = timezone.localdate()
    evidence = Evidence.objects.filter(
        source__in=[Evidence.Source.ROLEPLAY, Evidence.Source.CASE_REVIEW],
        source_ref__startswith="grade:",
    )
    assert evidence.filter(source=Evidence.Source.ROLEPLAY).exists()
    assert evidence.filter(source=Evidence.Source.CASE_REVIEW).exists()
    assert not evidence.filter(observed_on__gt=today).exists()
    assert evidence.filter(agent__username="agent").exists()


def test_refuses_without_force_when_debug_is_off(settings):
    before = _counts()
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo_roleplay", stdout=io.StringIO())
    assert _counts() == before


def test_second_run_changes_no_counts():
    first = _counts()
    statuses = dict(_submissions().values_list("pk", "status"))

    output = _seed()

    assert _counts() == first
    assert dict(_submissions().values_list("pk", "status")) == statuses
    line = next(line for line in output.splitlines() if line.startswith("Demo role-play:"))
    assert all(part.endswith("(+0)") for part in line.split(", "))
