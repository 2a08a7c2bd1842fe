"""The career ladder: a person's next level and what it still needs (certificates, position
profile, points, tenure), who is eligible, and HR's decisions."""

import datetime
import uuid
from unittest.mock import patch

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from certification import ladder, points
from certification.issuing import add_months
from certification.models import CareerStatus, Certificate, Promotion
from lms.models import CompetencyLevel, Level, PositionRequirement
from tests.certification.factories import CareerLevelFactory, ProgramFactory
from tests.lms.factories import (
    CompetencyFactory,
    EvidenceFactory,
    PositionProfileFactory,
    UserFactory,
)


def today() -> datetime.date:
    return timezone.localdate()


def certificate_row(holder, program, *, expires_in_days=300, status="issued"):
    """A certificate row without rendering a PDF (the PDF is not the point here)."""
    return Certificate.objects.create(
        program=program,
        holder=holder,
        serial=f"AA-T-{uuid.uuid4().hex[:10]}",
        code=uuid.uuid4().hex,
        status=status,
        requested_at=timezone.now(),
        issued_at=timezone.now(),
        valid_from=today() - datetime.timedelta(days=400),
        expires_on=None
        if expires_in_days is None
        else today() + datetime.timedelta(expires_in_days),
        pdf="certificates/test.pdf",
        revoked_at=timezone.now() if status == "revoked" else None,
    )


def competency_level(person, competency, level: int) -> CompetencyLevel:
    evidence = EvidenceFactory(agent=person, competency=competency, level=level)
    return CompetencyLevel.objects.create(
        agent=person, competency=competency, level=level, evidence=evidence
    )


def give_points(person, amount: int, source_id: int = 1) -> None:
    points.points_award(
        person=person,
        amount=amount,
        reason="course",
        source_type="courses.course",
        source_id=source_id,
    )


class Ladder:
    """初级 (nothing required) → 中级 (a certificate, a position profile, 100 points,
    6 months) → 高级 (300 points)."""

    def __init__(self):
        self.junior = CareerLevelFactory(code="junior", rank=1, name_zh="初级")
        self.crm = CompetencyFactory(name_zh="CRM系统")
        self.empathy = CompetencyFactory(name_zh="倾听与共情")
        self.profile = PositionProfileFactory(name_zh="中级客服")
        PositionRequirement.objects.create(
            profile=self.profile, competency=self.crm, level=Level.ADVANCED
        )
        PositionRequirement.objects.create(
            profile=self.profile, competency=self.empathy, level=Level.BASIC
        )
        self.program = ProgramFactory(title_zh="售后技能认证")
        self.intermediate = CareerLevelFactory(
            code="intermediate",
            rank=2,
            name_zh="中级",
            min_points=100,
            min_tenure_months=6,
            profile=self.profile,
        )
        self.intermediate.programs.set([self.program])
        self.senior = CareerLevelFactory(code="senior", rank=3, name_zh="高级", min_points=300)

    def qualify(self, person, *, points_amount=100):
        """Everything 中级 needs, for a junior hired 7 months ago."""
        person.hire_date = add_months(today(), -7)
        person.save(update_fields=["hire_date"])
        CareerStatus.objects.update_or_create(
            person=person, defaults={"level": self.junior, "since": today()}
        )
        certificate_row(person, self.program)
        competency_level(person, self.crm, Level.ADVANCED)
        competency_level(person, self.empathy, Level.EXPERT)
        give_points(person, points_amount)


@pytest.fixture
def rungs(db):
    return Ladder()


def kinds(status) -> dict[str, list[bool]]:
    found: dict[str, list[bool]] = {}
    for check in status.checks:
        found.setdefault(check.kind, []).append(check.met)
    return found


# --- Tenure --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hired", "on", "months"),
    [
        (datetime.date(2025, 3, 1), datetime.date(2026, 11, 23), 20),
        (datetime.date(2026, 1, 15), datetime.date(2026, 2, 14), 0),
        (datetime.date(2026, 1, 15), datetime.date(2026, 2, 15), 1),
        (datetime.date(2026, 1, 31), datetime.date(2026, 2, 28), 1),
        (datetime.date(2026, 5, 1), datetime.date(2026, 4, 1), 0),
    ],
)
def test_tenure_counts_whole_months(hired, on, months):
    assert ladder.tenure_months(hired, on) == months


def test_no_hire_date_is_no_tenure():
    assert ladder.tenure_months(None, datetime.date(2026, 1, 1)) is None


# --- ladder_status ----------------------------------------------------------------------------


def test_status_of_a_hand_built_example(rungs, agent):
    rungs.qualify(agent, points_amount=90)

    status = ladder.ladder_status(agent)
    assert (status.level, status.next_level) == (rungs.junior, rungs.intermediate)
    assert (status.points, status.tenure_months) == (90, 7)
    assert kinds(status) == {
        "certificate": [True],
        "competency": [True, True],
        "points": [False],
        "tenure": [True],
    }
    assert not status.eligible
    assert [c.detail for c in status.missing] == ["90"]

    give_points(agent, 10, source_id=2)
    assert ladder.ladder_status(agent).eligible


def test_each_missing_requirement_is_named(rungs, agent):
    agent.hire_date = add_months(today(), -5)
    agent.save(update_fields=["hire_date"])
    CareerStatus.objects.create(person=agent, level=rungs.junior, since=today())
    certificate_row(agent, rungs.program, expires_in_days=-1)  # expired
    competency_level(agent, rungs.crm, Level.BASIC)  # advanced required
    give_points(agent, 150)

    status = ladder.ladder_status(agent)
    assert kinds(status) == {
        "certificate": [False],
        "competency": [False, False],
        "points": [True],
        "tenure": [False],
    }
    crm, empathy = [c for c in status.checks if c.kind == "competency"]
    assert "CRM系统" in crm.label and crm.detail == str(Level.BASIC.label)
    assert "倾听与共情" in empathy.label
    tenure = next(c for c in status.checks if c.kind == "tenure")
    assert "6" in tenure.label and "5" in tenure.detail


def test_an_expiring_certificate_still_counts_a_revoked_one_does_not(rungs, agent, other_agent):
    rungs.qualify(agent)
    Certificate.objects.filter(holder=agent).delete()
    certificate_row(agent, rungs.program, expires_in_days=10)
    assert kinds(ladder.ladder_status(agent))["certificate"] == [True]

    rungs.qualify(other_agent)
    Certificate.objects.filter(holder=other_agent).delete()
    certificate_row(other_agent, rungs.program, status="revoked")
    assert kinds(ladder.ladder_status(other_agent))["certificate"] == [False]


def test_a_missing_hire_date_fails_the_tenure_requirement(rungs, agent):
    rungs.qualify(agent)
    agent.hire_date = None
    agent.save(update_fields=["hire_date"])
    status = ladder.ladder_status(agent)
    assert status.tenure_months is None
    assert kinds(status)["tenure"] == [False]


def test_nobody_on_the_ladder_aims_at_the_lowest_level(rungs, agent):
    status = ladder.ladder_status(agent)
    assert status.level is None
    assert status.next_level == rungs.junior
    assert status.checks == [] and status.eligible


def test_the_top_of_the_ladder_has_no_next_level(rungs, agent):
    CareerStatus.objects.create(person=agent, level=rungs.senior, since=today())
    status = ladder.ladder_status(agent)
    assert status.next_level is None and not status.eligible


def test_no_level_defined_means_no_next_level(agent):
    status = ladder.ladder_status(agent)
    assert (status.level, status.next_level, status.eligible) == (None, None, False)


# --- Candidates ----------------------------------------------------------------------------


def test_candidates_are_the_eligible_people_with_the_last_rejection(rungs, agent, other_agent, hr):
    rungs.qualify(agent)
    rungs.qualify(other_agent, points_amount=10)  # not enough points
    newcomer = UserFactory(username="newcomer")  # not on the ladder: eligible for 初级
    ladder.promotion_decide(
        person=agent, to_level=rungs.intermediate, approve=False, note="再观察一个月", decided_by=hr
    )

    found = {s.person: s for s in ladder.promotion_candidates([agent, other_agent, newcomer])}
    assert set(found) == {agent, newcomer}
    assert found[agent].next_level == rungs.intermediate
    assert found[agent].last_rejection.note == "再观察一个月"
    assert found[newcomer].next_level == rungs.junior
    assert found[newcomer].last_rejection is None


def _candidate_queries(rungs, people: int) -> int:
    for _ in range(people):
        rungs.qualify(UserFactory())
    everyone = list(ladder.ladder_people())
    with CaptureQueriesContext(connection) as ctx:
        found = ladder.promotion_candidates(everyone)
    assert len(found) == len(everyone)
    return len(ctx.captured_queries)


def test_candidates_take_a_fixed_number_of_queries(rungs):
    assert _candidate_queries(rungs, 2) == _candidate_queries(rungs, 12)


def test_the_ladder_lists_agents_and_level_holders_only(rungs, agent, hr, trainer):
    CareerStatus.objects.create(person=trainer, level=rungs.senior, since=today())
    people = set(ladder.ladder_people())
    assert agent in people and trainer in people and hr not in people


# --- Decisions -----------------------------------------------------------------------------


def test_an_approval_moves_the_level_and_keeps_the_evidence(rungs, agent, hr):
    rungs.qualify(agent)
    promotion = ladder.promotion_decide(
        person=agent, to_level=rungs.intermediate, approve=True, note="", decided_by=hr
    )

    assert (promotion.status, promotion.from_level, promotion.to_level, promotion.decided_by) == (
        Promotion.Status.APPROVED,
        rungs.junior,
        rungs.intermediate,
        hr,
    )
    assert promotion.evidence["points"] == 100
    assert promotion.evidence["to_level"] == "intermediate"
    assert all(check["met"] for check in promotion.evidence["checks"])
    assert len(promotion.evidence["checks"]) == 5
    career = CareerStatus.objects.get(person=agent)
    assert (career.level, career.since) == (rungs.intermediate, today())
    assert ladder.ladder_status(agent).next_level == rungs.senior


def test_a_first_approval_puts_the_person_on_the_ladder(rungs, agent, hr):
    ladder.promotion_decide(
        person=agent, to_level=rungs.junior, approve=True, note="入职转正", decided_by=hr
    )
    assert CareerStatus.objects.get(person=agent).level == rungs.junior
    assert Promotion.objects.get().from_level is None


def test_the_level_and_the_history_change_together_or_not_at_all(rungs, agent, hr):
    rungs.qualify(agent)
    with (
        patch.object(CareerStatus, "save", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        ladder.promotion_decide(
            person=agent, to_level=rungs.intermediate, approve=True, note="", decided_by=hr
        )
    assert not Promotion.objects.exists()
    assert CareerStatus.objects.get(person=agent).level == rungs.junior


def test_a_rejection_needs_a_note_and_changes_no_level(rungs, agent, hr):
    rungs.qualify(agent)
    with pytest.raises(ValidationError) as caught:
        ladder.promotion_decide(
            person=agent, to_level=rungs.intermediate, approve=False, note="  ", decided_by=hr
        )
    assert caught.value.code == "note"
    assert not Promotion.objects.exists()

    promotion = ladder.promotion_decide(
        person=agent, to_level=rungs.intermediate, approve=False, note="客诉率偏高", decided_by=hr
    )
    assert (promotion.status, promotion.note) == (Promotion.Status.REJECTED, "客诉率偏高")
    assert promotion.evidence["checks"]
    assert CareerStatus.objects.get(person=agent).level == rungs.junior


def test_approving_someone_not_eligible_is_refused(rungs, agent, hr):
    rungs.qualify(agent, points_amount=50)
    with pytest.raises(ValidationError) as caught:
        ladder.promotion_decide(
            person=agent, to_level=rungs.intermediate, approve=True, note="", decided_by=hr
        )
    assert caught.value.code == "not_eligible"
    assert not Promotion.objects.exists()
    assert CareerStatus.objects.get(person=agent).level == rungs.junior


@pytest.mark.parametrize("approve", [True, False])
def test_a_stale_decision_is_refused(rungs, agent, hr, approve):
    rungs.qualify(agent, points_amount=400)
    ladder.promotion_decide(
        person=agent, to_level=rungs.intermediate, approve=True, note="", decided_by=hr
    )
    # The board was loaded before that approval: the same decision again is stale...
    with pytest.raises(ValidationError) as caught:
        ladder.promotion_decide(
            person=agent, to_level=rungs.intermediate, approve=approve, note="晚了", decided_by=hr
        )
    assert caught.value.code == "stale"
    # ...and a level cannot be skipped.
    CareerStatus.objects.filter(person=agent).update(level=rungs.junior)
    with pytest.raises(ValidationError) as caught:
        ladder.promotion_decide(
            person=agent, to_level=rungs.senior, approve=approve, note="跳级", decided_by=hr
        )
    assert caught.value.code == "stale"
    assert Promotion.objects.count() == 1


def test_nobody_decides_their_own_promotion(rungs, hr):
    with pytest.raises(ValidationError) as caught:
        ladder.promotion_decide(
            person=hr, to_level=rungs.junior, approve=True, note="", decided_by=hr
        )
    assert caught.value.code == "self"
    assert not CareerStatus.objects.exists()


def test_levels_are_created_and_edited_through_the_services(db):
    program = ProgramFactory()
    level = ladder.career_level_create(
        code="junior", name_zh="初级", rank=1, min_points=0, programs=[program]
    )
    assert list(level.programs.all()) == [program]
    ladder.career_level_update(level=level, programs=[], min_points=50, name_en="Junior")
    level.refresh_from_db()
    assert (level.min_points, level.name_en, level.programs.count()) == (50, "Junior", 0)
    with pytest.raises(ValidationError):
        ladder.career_level_create(code="again", name_zh="重复", rank=1)
