"""The level derivation rule: evidence in, one traceable current level out."""

import datetime
import zoneinfo
from unittest.mock import patch

import pytest
from django.core.exceptions import ValidationError

from lms import selectors, services
from lms.models import CompetencyLevel, Evidence, Level
from tests.lms.factories import (
    BehaviouralIndicatorFactory,
    CompetencyFactory,
    CompetencyLevelFactory,
    PositionProfileFactory,
    PositionRequirementFactory,
)

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
D = datetime.date


class Clock:
    """What ``timezone.now()`` answers while the fixture is active: noon in Shanghai."""

    def __init__(self, today: datetime.date):
        self.today = today

    def now(self) -> datetime.datetime:
        noon = datetime.datetime.combine(self.today, datetime.time(12), tzinfo=SHANGHAI)
        return noon.astimezone(datetime.UTC)


@pytest.fixture
def clock():
    clock = Clock(D(2026, 3, 10))
    with patch("django.utils.timezone.now", side_effect=clock.now):
        yield clock


@pytest.fixture
def competency(db):
    return CompetencyFactory(name_zh="倾听与共情", name_en="Listening and empathy")


def record(agent, competency, level, observed_on, *, source=Evidence.Source.QUIZ, **kwargs):
    return services.evidence_record(
        agent=agent,
        competency=competency,
        level=level,
        source=source,
        recorded_by=None,
        observed_on=observed_on,
        **kwargs,
    )


def current(agent, competency) -> CompetencyLevel | None:
    return CompetencyLevel.objects.filter(agent=agent, competency=competency).first()


# --- Highest valid level wins ----------------------------------------------------------


def test_first_evidence_sets_the_level_and_points_at_it(clock, agent, competency):
    assert current(agent, competency) is None

    evidence = record(agent, competency, Level.ADVANCED, D(2026, 2, 1))

    level = current(agent, competency)
    assert level.level == Level.ADVANCED
    assert level.evidence_id == evidence.pk


def test_highest_level_wins_even_when_a_lower_one_comes_later(clock, agent, competency):
    expert = record(agent, competency, Level.EXPERT, D(2026, 1, 5))
    record(agent, competency, Level.BASIC, D(2026, 2, 20), source=Evidence.Source.ROLEPLAY)

    level = current(agent, competency)
    assert level.level == Level.EXPERT
    assert level.evidence_id == expert.pk
    assert CompetencyLevel.objects.filter(agent=agent).count() == 1


def test_among_equal_levels_the_most_recent_decides(clock, agent, competency):
    record(agent, competency, Level.ADVANCED, D(2026, 2, 20), source_ref="quiz-attempt:2")
    older = record(agent, competency, Level.ADVANCED, D(2026, 1, 5), source_ref="quiz-attempt:1")

    level = current(agent, competency)
    assert level.level == Level.ADVANCED
    assert level.evidence.observed_on == D(2026, 2, 20)
    assert level.evidence_id != older.pk


def test_levels_are_kept_per_agent_and_competency(clock, agent, other_agent, competency):
    second = CompetencyFactory()
    record(agent, competency, Level.EXPERT, D(2026, 2, 1))
    record(agent, second, Level.BASIC, D(2026, 2, 1))
    record(other_agent, competency, Level.ADVANCED, D(2026, 2, 1))

    assert current(agent, competency).level == Level.EXPERT
    assert current(agent, second).level == Level.BASIC
    assert current(other_agent, competency).level == Level.ADVANCED
    assert current(other_agent, second) is None


# --- Withdrawal --------------------------------------------------------------------------


def test_withdrawing_the_deciding_evidence_lowers_the_level(clock, agent, hr, competency):
    basic = record(agent, competency, Level.BASIC, D(2026, 1, 5))
    expert = record(agent, competency, Level.EXPERT, D(2026, 2, 1))
    assert current(agent, competency).evidence_id == expert.pk

    services.evidence_withdraw(evidence=expert, withdrawn_by=hr, reason="  录入错误  ")

    expert.refresh_from_db()
    assert expert.withdrawn_at is not None
    assert expert.withdrawn_by == hr
    assert expert.withdrawal_reason == "录入错误"
    level = current(agent, competency)
    assert level.level == Level.BASIC
    assert level.evidence_id == basic.pk


def test_withdrawing_the_only_evidence_deletes_the_level_row(clock, agent, hr, competency):
    evidence = record(agent, competency, Level.ADVANCED, D(2026, 2, 1))

    services.evidence_withdraw(evidence=evidence, withdrawn_by=hr, reason="重复录入")

    assert current(agent, competency) is None
    # Evidence is never deleted: the withdrawn row stays as the trace.
    assert Evidence.objects.filter(pk=evidence.pk, withdrawn_at__isnull=False).exists()


def test_withdrawing_requires_a_reason_and_happens_once(clock, agent, hr, competency):
    evidence = record(agent, competency, Level.ADVANCED, D(2026, 2, 1))

    with pytest.raises(ValidationError) as blank:
        services.evidence_withdraw(evidence=evidence, withdrawn_by=hr, reason="   ")
    assert blank.value.code == "reason"
    evidence.refresh_from_db()
    assert evidence.withdrawn_at is None
    assert current(agent, competency).level == Level.ADVANCED

    services.evidence_withdraw(evidence=evidence, withdrawn_by=hr, reason="录入错误")
    evidence.refresh_from_db()
    first_withdrawal = evidence.withdrawn_at

    with pytest.raises(ValidationError) as twice:
        services.evidence_withdraw(evidence=evidence, withdrawn_by=hr, reason="再次撤回")
    assert twice.value.code == "withdrawn"
    evidence.refresh_from_db()
    assert evidence.withdrawn_at == first_withdrawal
    assert evidence.withdrawal_reason == "录入错误"


# --- Expiry ------------------------------------------------------------------------------


def test_expired_evidence_does_not_count(clock, agent, competency):
    basic = record(agent, competency, Level.BASIC, D(2026, 1, 5))
    # Observed in time, but its validity ended yesterday.
    record(
        agent,
        competency,
        Level.EXPERT,
        D(2025, 3, 1),
        source=Evidence.Source.CERTIFICATE,
        valid_until=D(2026, 3, 9),
    )

    level = current(agent, competency)
    assert level.level == Level.BASIC
    assert level.evidence_id == basic.pk


def test_evidence_counts_on_its_last_valid_day(clock, agent, competency):
    certificate = record(
        agent,
        competency,
        Level.EXPERT,
        D(2025, 3, 1),
        source=Evidence.Source.CERTIFICATE,
        valid_until=D(2026, 3, 10),
    )

    assert current(agent, competency).evidence_id == certificate.pk


def test_refresh_expired_rederives_levels_once_validity_has_passed(
    clock, agent, other_agent, competency
):
    basic = record(agent, competency, Level.BASIC, D(2026, 1, 5))
    record(
        agent,
        competency,
        Level.EXPERT,
        D(2026, 2, 1),
        source=Evidence.Source.CERTIFICATE,
        valid_until=D(2026, 3, 31),
    )
    untouched = record(other_agent, competency, Level.ADVANCED, D(2026, 2, 1))
    assert current(agent, competency).level == Level.EXPERT

    clock.today = D(2026, 4, 1)
    refreshed = services.competency_levels_refresh_expired()

    assert refreshed == 1
    level = current(agent, competency)
    assert level.level == Level.BASIC
    assert level.evidence_id == basic.pk
    assert current(other_agent, competency).evidence_id == untouched.pk


def test_refresh_expired_deletes_a_level_with_nothing_valid_left(clock, agent, competency):
    record(
        agent,
        competency,
        Level.ADVANCED,
        D(2026, 2, 1),
        source=Evidence.Source.CERTIFICATE,
        valid_until=D(2026, 3, 31),
    )

    clock.today = D(2026, 4, 1)
    assert services.competency_levels_refresh_expired() == 1

    assert current(agent, competency) is None


def test_refresh_expired_leaves_levels_still_valid_on_that_day(clock, agent, competency):
    certificate = record(
        agent,
        competency,
        Level.EXPERT,
        D(2026, 2, 1),
        source=Evidence.Source.CERTIFICATE,
        valid_until=D(2026, 3, 31),
    )

    clock.today = D(2026, 3, 31)
    assert services.competency_levels_refresh_expired() == 0

    assert current(agent, competency).evidence_id == certificate.pk


def test_refresh_expired_derives_levels_as_of_the_day_it_is_given(clock, agent, competency):
    """The nightly job may run for a given day (a catch-up run, a test): the levels it
    re-derives must follow that day, not whatever the wall clock says."""
    basic = record(agent, competency, Level.BASIC, D(2026, 1, 5))
    record(
        agent,
        competency,
        Level.EXPERT,
        D(2026, 2, 1),
        source=Evidence.Source.CERTIFICATE,
        valid_until=D(2026, 3, 31),
    )

    refreshed = services.competency_levels_refresh_expired(today=D(2026, 4, 1))

    assert refreshed == 1
    level = current(agent, competency)
    assert level.level == Level.BASIC
    assert level.evidence_id == basic.pk


# --- HR assessment resets ----------------------------------------------------------------


def test_later_hr_assessment_lowers_the_level(clock, agent, competency):
    record(agent, competency, Level.EXPERT, D(2026, 1, 10))
    assessment = record(
        agent, competency, Level.BASIC, D(2026, 2, 1), source=Evidence.Source.HR_ASSESSMENT
    )

    level = current(agent, competency)
    assert level.level == Level.BASIC
    assert level.evidence_id == assessment.pk


def test_evidence_after_an_hr_assessment_counts_again(clock, agent, competency):
    record(agent, competency, Level.EXPERT, D(2026, 1, 10))
    record(agent, competency, Level.BASIC, D(2026, 2, 1), source=Evidence.Source.HR_ASSESSMENT)
    roleplay = record(
        agent, competency, Level.ADVANCED, D(2026, 2, 15), source=Evidence.Source.ROLEPLAY
    )

    level = current(agent, competency)
    assert level.level == Level.ADVANCED
    assert level.evidence_id == roleplay.pk


def test_evidence_dated_before_the_hr_assessment_stays_reset(clock, agent, competency):
    """Recorded after the assessment but observed before it: the assessment already
    took it into account."""
    assessment = record(
        agent, competency, Level.BASIC, D(2026, 2, 1), source=Evidence.Source.HR_ASSESSMENT
    )
    record(agent, competency, Level.EXPERT, D(2026, 1, 20), source=Evidence.Source.CASE_REVIEW)

    assert current(agent, competency).evidence_id == assessment.pk


def test_withdrawn_hr_assessment_no_longer_resets(clock, agent, hr, competency):
    expert = record(agent, competency, Level.EXPERT, D(2026, 1, 10))
    assessment = record(
        agent, competency, Level.BASIC, D(2026, 2, 1), source=Evidence.Source.HR_ASSESSMENT
    )

    services.evidence_withdraw(evidence=assessment, withdrawn_by=hr, reason="评估对象搞错")

    level = current(agent, competency)
    assert level.level == Level.EXPERT
    assert level.evidence_id == expert.pk


def _row(pk, level, observed_on, source=Evidence.Source.QUIZ, **kwargs):
    return Evidence(pk=pk, level=level, observed_on=observed_on, source=source, **kwargs)


@pytest.mark.parametrize(
    ("rows", "today", "expected_pk"),
    [
        pytest.param([], D(2026, 3, 10), None, id="no evidence"),
        pytest.param(
            [_row(1, 1, D(2026, 1, 1)), _row(2, 3, D(2025, 6, 1))], D(2026, 3, 10), 2, id="highest"
        ),
        pytest.param(
            [_row(1, 2, D(2026, 1, 1)), _row(2, 2, D(2026, 2, 1))],
            D(2026, 3, 10),
            2,
            id="equal levels: most recent",
        ),
        pytest.param(
            [_row(1, 1, D(2026, 1, 1)), _row(2, 3, D(2026, 1, 1), valid_until=D(2026, 3, 9))],
            D(2026, 3, 10),
            1,
            id="expired",
        ),
        pytest.param(
            [_row(1, 3, D(2026, 1, 1), valid_until=D(2026, 3, 9))],
            D(2026, 3, 9),
            1,
            id="valid on its last day",
        ),
        pytest.param(
            [
                _row(1, 1, D(2026, 1, 1)),
                _row(
                    2, 3, D(2026, 1, 1), withdrawn_at=datetime.datetime(2026, 2, 1, tzinfo=SHANGHAI)
                ),
            ],
            D(2026, 3, 10),
            1,
            id="withdrawn",
        ),
        pytest.param(
            [
                _row(1, 3, D(2026, 1, 1)),
                _row(2, 1, D(2026, 2, 1), source=Evidence.Source.HR_ASSESSMENT),
                _row(3, 2, D(2026, 1, 15), source=Evidence.Source.ROLEPLAY),
            ],
            D(2026, 3, 10),
            2,
            id="hr assessment resets",
        ),
        pytest.param(
            [
                _row(1, 3, D(2026, 1, 1)),
                _row(2, 1, D(2026, 2, 1), source=Evidence.Source.HR_ASSESSMENT),
                _row(3, 2, D(2026, 2, 10)),
            ],
            D(2026, 3, 10),
            3,
            id="after the assessment counts",
        ),
    ],
)
def test_deciding_evidence_rule(rows, today, expected_pk):
    decided = services.deciding_evidence(rows, today)

    assert (decided.pk if decided else None) == expected_pk


# --- Idempotency and validation ----------------------------------------------------------


def test_same_source_ref_records_one_row(clock, agent, competency):
    first = record(agent, competency, Level.ADVANCED, D(2026, 2, 1), source_ref="quiz-attempt:42")
    again = record(agent, competency, Level.EXPERT, D(2026, 2, 2), source_ref="quiz-attempt:42")

    assert again.pk == first.pk
    assert Evidence.objects.filter(agent=agent, competency=competency).count() == 1
    level = current(agent, competency)
    assert level.level == Level.ADVANCED
    assert level.evidence_id == first.pk


def test_source_ref_is_unique_per_agent_competency_and_source(clock, agent, competency):
    other = CompetencyFactory()
    record(agent, competency, Level.BASIC, D(2026, 2, 1), source_ref="attempt:7")
    record(agent, other, Level.BASIC, D(2026, 2, 1), source_ref="attempt:7")
    record(
        agent,
        competency,
        Level.BASIC,
        D(2026, 2, 1),
        source=Evidence.Source.ROLEPLAY,
        source_ref="attempt:7",
    )
    # Without a reference nothing can tell two events apart, so both are kept.
    record(agent, competency, Level.BASIC, D(2026, 2, 1))
    record(agent, competency, Level.BASIC, D(2026, 2, 1))

    assert Evidence.objects.filter(agent=agent).count() == 5


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        pytest.param({"observed_on": D(2026, 3, 11)}, "future", id="dated tomorrow"),
        pytest.param(
            {"observed_on": D(2026, 2, 1), "valid_until": D(2026, 1, 31)},
            "valid_until",
            id="expires before observed",
        ),
        pytest.param({"level": 0}, "level", id="level 0"),
        pytest.param({"level": 4}, "level", id="level 4"),
        pytest.param({"source": "rumour"}, "source", id="unknown source"),
    ],
)
def test_invalid_evidence_saves_nothing(clock, agent, competency, overrides, code):
    arguments = {
        "agent": agent,
        "competency": competency,
        "level": Level.ADVANCED,
        "source": Evidence.Source.QUIZ,
        "recorded_by": None,
        "observed_on": D(2026, 2, 1),
        "source_ref": "quiz-attempt:1",
    } | overrides

    with pytest.raises(ValidationError) as error:
        services.evidence_record(**arguments)

    assert error.value.code == code
    assert not Evidence.objects.exists()
    assert not CompetencyLevel.objects.exists()


def test_evidence_for_an_inactive_competency_is_refused(clock, agent, competency):
    record(agent, competency, Level.BASIC, D(2026, 1, 5))
    competency.is_active = False
    competency.save(update_fields=["is_active"])

    with pytest.raises(ValidationError) as error:
        record(agent, competency, Level.EXPERT, D(2026, 2, 1))

    assert error.value.code == "inactive"
    assert Evidence.objects.filter(agent=agent).count() == 1
    assert current(agent, competency).level == Level.BASIC


# --- Gap to the position profile ---------------------------------------------------------


def test_gap_lists_requirements_not_met_largest_shortfall_first(agent):
    position = PositionProfileFactory(name_zh="高级客服")
    agent.position = position
    agent.save(update_fields=["position"])
    small = CompetencyFactory(name_zh="书面规范")
    large = CompetencyFactory(name_zh="投诉安抚")
    met = CompetencyFactory(name_zh="CRM系统")
    exceeded = CompetencyFactory(name_zh="物流查询")
    retired = CompetencyFactory(name_zh="旧系统", is_active=False)
    for competency, required in [(small, 3), (large, 3), (met, 2), (exceeded, 1), (retired, 3)]:
        PositionRequirementFactory(profile=position, competency=competency, level=required)
    CompetencyLevelFactory(agent=agent, competency=small, level=Level.ADVANCED)
    CompetencyLevelFactory(agent=agent, competency=met, level=Level.ADVANCED)
    CompetencyLevelFactory(agent=agent, competency=exceeded, level=Level.EXPERT)

    gaps = selectors.competency_gap(agent=agent)

    assert [(g.competency.name_zh, g.current, g.required, g.shortfall) for g in gaps] == [
        ("投诉安抚", 0, 3, 3),
        ("书面规范", 2, 3, 1),
    ]


def test_gap_is_empty_without_a_position(agent):
    requirement = PositionRequirementFactory(level=Level.EXPERT)
    assert agent.position is None

    assert selectors.competency_gap(agent=agent) == []
    # Against an explicit profile the same agent does have a gap.
    gaps = selectors.competency_gap(agent=agent, profile=requirement.profile)
    assert [(g.competency, g.shortfall) for g in gaps] == [(requirement.competency, 3)]


def test_gap_is_empty_when_every_requirement_is_met(agent):
    requirement = PositionRequirementFactory(level=Level.ADVANCED)
    agent.position = requirement.profile
    agent.save(update_fields=["position"])
    CompetencyLevelFactory(agent=agent, competency=requirement.competency, level=Level.ADVANCED)

    assert selectors.competency_gap(agent=agent) == []


def test_gap_ignores_other_agents_levels(agent, other_agent):
    requirement = PositionRequirementFactory(level=Level.ADVANCED)
    agent.position = requirement.profile
    agent.save(update_fields=["position"])
    CompetencyLevelFactory(agent=other_agent, competency=requirement.competency, level=Level.EXPERT)

    [gap] = selectors.competency_gap(agent=agent)
    assert (gap.current, gap.shortfall) == (0, 2)


# --- Profile -----------------------------------------------------------------------------


def test_profile_shows_indicators_of_the_current_and_the_next_level(agent):
    competency = CompetencyFactory(name_zh="情绪识别")
    by_level = {
        level: [
            BehaviouralIndicatorFactory(competency=competency, level=level, order=i)
            for i in range(2)
        ]
        for level in Level.values
    }
    unassessed = CompetencyFactory(name_zh="跨文化沟通")
    first_steps = BehaviouralIndicatorFactory(competency=unassessed, level=Level.BASIC)
    BehaviouralIndicatorFactory(competency=unassessed, level=Level.ADVANCED)
    CompetencyFactory(name_zh="已停用能力", is_active=False)
    CompetencyLevelFactory(agent=agent, competency=competency, level=Level.ADVANCED)

    rows = {row.competency.name_zh: row for row in selectors.competency_profile_for(agent)}

    assert set(rows) == {"情绪识别", "跨文化沟通"}
    assessed = rows["情绪识别"]
    assert assessed.level == Level.ADVANCED
    assert assessed.indicators == by_level[Level.ADVANCED]
    assert assessed.next_indicators == by_level[Level.EXPERT]
    fresh = rows["跨文化沟通"]
    assert fresh.level == 0
    assert fresh.indicators == []
    assert fresh.next_indicators == [first_steps]


def test_profile_at_the_top_level_has_no_next_indicators(agent):
    competency = CompetencyFactory()
    top = BehaviouralIndicatorFactory(competency=competency, level=Level.EXPERT)
    BehaviouralIndicatorFactory(competency=competency, level=Level.ADVANCED)
    CompetencyLevelFactory(agent=agent, competency=competency, level=Level.EXPERT)

    [row] = selectors.competency_profile_for(agent)

    assert row.indicators == [top]
    assert row.next_indicators == []


def test_profile_carries_the_position_requirement(agent):
    requirement = PositionRequirementFactory(level=Level.EXPERT)
    agent.position = requirement.profile
    agent.save(update_fields=["position"])
    CompetencyLevelFactory(agent=agent, competency=requirement.competency, level=Level.BASIC)
    other = CompetencyFactory()

    rows = {row.competency: row for row in selectors.competency_profile_for(agent)}

    assert (rows[requirement.competency].required, rows[requirement.competency].gap) == (3, 2)
    assert (rows[other].required, rows[other].gap) == (None, 0)


def test_profile_of_another_agent_uses_their_levels_only(agent, other_agent):
    competency = CompetencyFactory()
    CompetencyLevelFactory(agent=other_agent, competency=competency, level=Level.EXPERT)

    [row] = selectors.competency_profile_for(agent)

    assert row.level == 0
