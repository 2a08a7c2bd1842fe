"""Rubrics, scenarios and submissions for the role-play tests.

Rubrics are built through ``assessments.roleplay`` services (so they are valid the way a
trainer's would be); scenarios and their turns are plain rows, published by the service.
"""

import datetime
import itertools
from typing import Any

import factory

from assessments import roleplay
from assessments.models import (
    Criterion,
    CriterionLevel,
    Grade,
    Rubric,
    Scenario,
    ScenarioTurn,
    Submission,
)
from lms.models import Level
from tests.lms.factories import CompetencyFactory

NOW = datetime.datetime(2026, 3, 10, 2, 0, tzinfo=datetime.UTC)
SECOND = datetime.timedelta(seconds=1)

# points, descriptor zh, descriptor en, competency level shown, fails the criterion
LEVELS: list[roleplay.LevelSpec] = [
    (0, "未做到", "Not done", None, True),
    (2, "基本做到", "Partly done", Level.BASIC, False),
    (4, "做得很好", "Done well", Level.ADVANCED, False),
]

DEFAULT_CRITERIA: list[dict[str, Any]] = [
    {"title_zh": "开场与结束语", "weight": 40},
    {"title_zh": "信息准确", "weight": 60},
]

_codes = itertools.count(1)


def rubric(
    *, criteria: list[dict[str, Any]] | None = None, publish: bool = True, **fields: Any
) -> Rubric:
    """A rubric through the services: version 1 with ``criteria`` (dicts of
    ``criterion_add`` fields; ``levels`` and ``competency`` optional), published."""
    fields.setdefault("code", f"rubric-{next(_codes)}")
    fields.setdefault("title_zh", f"评分表{fields['code']}")
    created = roleplay.rubric_create(created_by=fields.pop("created_by", None), **fields)
    version = roleplay.rubric_draft(rubric=created)
    for spec in criteria if criteria is not None else DEFAULT_CRITERIA:
        spec = dict(spec)
        spec.setdefault("levels", LEVELS)
        spec.setdefault("competency", CompetencyFactory())
        roleplay.criterion_add(version=version, **spec)
    if publish:
        roleplay.rubric_publish(version=version)
    return created


class ScenarioFactory(factory.django.DjangoModelFactory):
    """A draft scenario; use ``published_scenario()`` for one agents can run."""

    class Meta:
        model = Scenario

    code = factory.Sequence(lambda n: f"scenario-{n}")
    title_zh = factory.Sequence(lambda n: f"物流延迟{n}")
    title_en = factory.Sequence(lambda n: f"Late delivery {n}")
    brief_zh = "顾客凌晨两点下单，一直没人回复，威胁要给差评。"
    persona_zh = "急躁的年轻妈妈"
    emotion = 4
    rubric = factory.LazyFunction(rubric)


class ScenarioTurnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScenarioTurn

    scenario = factory.SubFactory(ScenarioFactory)
    order = factory.Sequence(lambda n: n + 1)
    text_zh = factory.Sequence(lambda n: f"顾客第{n}句")
    reply_target_seconds = 60


# Turn 1 branches to 3 on "退款"/"refund"; 3 ends the conversation, so 4 is never reached.
SCRIPT: list[dict[str, Any]] = [
    {
        "order": 1,
        "text_zh": "我凌晨两点下的单，到现在都没人回复！",
        "reply_target_seconds": 60,
        "branches": [{"contains": ["退款", "refund"], "goto": 3}],
    },
    {"order": 2, "text_zh": "那到底什么时候能发货？", "reply_target_seconds": 60},
    {"order": 3, "text_zh": "好吧，那就这样。", "reply_target_seconds": 30, "ends": True},
    {"order": 4, "text_zh": "我要给差评！", "reply_target_seconds": 30},
]

REPLIES = [
    "您好，非常抱歉让您久等了，我马上查。",
    "今天下午就发货，我会跟进。",
    "感谢您的理解，祝您生活愉快！",
]


def published_scenario(*, script: list[dict[str, Any]] | None = None, **fields: Any) -> Scenario:
    """A published scenario with ``script`` (SCRIPT by default; none for a case review)."""
    if script is None:
        script = [] if fields.get("kind") == Scenario.Kind.CASE_REVIEW else SCRIPT
    scenario = ScenarioFactory(**fields)
    for turn in script:
        ScenarioTurnFactory(scenario=scenario, **turn)
    return roleplay.scenario_publish(scenario=scenario)


def run(
    scenario: Scenario,
    agent,
    replies: list[str] | None = None,
    *,
    now: datetime.datetime = NOW,
    seconds: int = 30,
) -> Submission:
    """Start the scenario at ``now`` and reply to each customer message ``seconds`` after
    it appeared; the submission stays in progress."""
    submission = roleplay.submission_start(scenario=scenario, agent=agent, now=now)
    for reply in REPLIES if replies is None else replies:
        now += seconds * SECOND
        roleplay.turn_reply(submission=submission, reply=reply, now=now)
    return submission


def submitted(
    scenario: Scenario, agent, replies: list[str] | None = None, *, now: datetime.datetime = NOW
) -> Submission:
    """A role-play run and handed in (or a case review handed in with a text)."""
    if scenario.kind == Scenario.Kind.CASE_REVIEW:
        submission = roleplay.submission_start(scenario=scenario, agent=agent, now=now)
        return roleplay.submission_submit(
            submission=submission, case_text="顾客投诉物流慢，我先致歉再查单。", now=now
        )
    submission = run(scenario, agent, replies, now=now)
    return roleplay.submission_submit(submission=submission, now=now + 5 * 60 * SECOND)


def criteria_of(submission: Submission) -> list[Criterion]:
    return list(Criterion.objects.filter(version=submission.rubric_version))


def level(criterion: Criterion, points: int) -> CriterionLevel:
    return criterion.levels.get(points=points)


def score_all(grade: Grade, points: int = 4) -> Grade:
    """Every criterion of the submission's rubric at the level worth ``points``."""
    for criterion in criteria_of(grade.submission):
        roleplay.grade_score_set(grade=grade, criterion=criterion, level=level(criterion, points))
    grade.refresh_from_db()
    return grade


__all__ = [
    "LEVELS",
    "NOW",
    "REPLIES",
    "SCRIPT",
    "SECOND",
    "ScenarioFactory",
    "ScenarioTurnFactory",
    "criteria_of",
    "level",
    "published_scenario",
    "rubric",
    "run",
    "score_all",
    "submitted",
]
