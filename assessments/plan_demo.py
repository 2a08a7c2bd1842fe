"""The demo composite plan: the onboarding check of the fictional shop's new agents.

Called by the demo seed command after the demo quizzes and role-plays exist. Idempotent:
the plan is keyed by its code and left as it is once created (never updated), so a
second run creates nothing.
"""

from typing import TextIO

from django.db import transaction

from lms.models import User

from . import demo_content
from .models import AssessmentPlan, Quiz, Scenario
from .plans import plan_save

PLAN_CODE = "onboarding-composite"
QUIZ_CODE = demo_content.NEWCOMER_QUIZ.code  # 新人综合测验
# Codes of roleplay_demo_content.SCENARIOS (tests/assessments/test_plans.py checks them).
ROLEPLAY_CODE = "im-late-night-order"  # an IM role-play: the 2 a.m. order with no reply
CASE_CODE = "case-bad-review"  # the real-case review of a bad review


def _say(stdout: TextIO | None, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


@transaction.atomic
def seed_plan_demo(stdout: TextIO | None = None) -> int:
    """Create the demo plan "客服上岗综合考核" (40 / 35 / 25, pass 70) unless it exists;
    answers how many plans were created (0 or 1). Skips, saying why, when the demo quiz
    or scenarios are missing."""
    if AssessmentPlan.objects.filter(code=PLAN_CODE).exists():
        _say(stdout, "Demo assessment plan: already there.")
        return 0
    quiz = Quiz.objects.filter(code=QUIZ_CODE).first()
    scenarios = {s.code: s for s in Scenario.objects.filter(code__in=[ROLEPLAY_CODE, CASE_CODE])}
    if quiz is None or len(scenarios) < 2:
        _say(
            stdout,
            "Demo assessment plan skipped: seed the demo quizzes and role-plays first.",
        )
        return 0
    plan_save(
        created_by=User.objects.filter(username="trainer").first(),
        code=PLAN_CODE,
        title_zh="客服上岗综合考核",
        title_en="New agent composite assessment",
        quiz=quiz,
        quiz_weight=40,
        roleplay=scenarios[ROLEPLAY_CODE],
        roleplay_weight=35,
        case_review=scenarios[CASE_CODE],
        case_weight=25,
        pass_mark=70,
        is_active=True,
    )
    _say(stdout, "Demo assessment plan: created 客服上岗综合考核.")
    return 1
