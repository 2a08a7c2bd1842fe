"""Eligibility on a hand-built example (three people against a course, a quiz with a
minimum, a competency level, points and a composite assessment plan), the same answers
from the agent's batched checklist, and query counts that do not grow with the people."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import AssessmentPlan, Attempt, RubricVersion, Submission
from certification import programs, selectors
from certification.eligibility import eligibility
from certification.models import Certificate, PointsEntry, Program, Requirement
from lms.models import Level
from tests.assessments.factories import QuizFactory
from tests.assessments.roleplay_factories import ScenarioFactory
from tests.certification.factories import ProgramFactory, completed_course_for
from tests.certification.test_verify import certificate_row
from tests.courses.factories import published_course
from tests.lms.factories import CompetencyFactory, CompetencyLevelFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 20, 8, 0, tzinfo=datetime.UTC)


def attempt(quiz, person, percent, *, passed=True, submitted=True) -> Attempt:
    number = Attempt.objects.filter(quiz=quiz, agent=person).count() + 1
    return Attempt.objects.create(
        quiz=quiz,
        agent=person,
        number=number,
        status=Attempt.Status.SUBMITTED if submitted else Attempt.Status.IN_PROGRESS,
        started_at=NOW,
        submitted_at=NOW if submitted else None,
        paper=[],
        key={},
        max_score=100,
        score=Decimal(percent),
        percent=Decimal(percent),
        passed=passed if submitted else None,
    )


def graded(scenario, person, score) -> Submission:
    return Submission.objects.create(
        scenario=scenario,
        agent=person,
        rubric_version=RubricVersion.objects.filter(rubric=scenario.rubric).first(),
        status=Submission.Status.GRADED,
        started_at=NOW,
        submitted_at=NOW,
        graded_at=NOW,
        score=Decimal(score),
        passed=True,
    )


def points(person, amount: int, n: int) -> None:
    PointsEntry.objects.create(
        person=person, amount=amount, reason=PointsEntry.Reason.HONOUR, key=f"test:{n}"
    )


class Example:
    """Program: course, quiz ≥ 80 %, competency ≥ advanced, plan ≥ 70, points ≥ 100.

    A meets everything; B misses the quiz minimum (75 %), the points (50) and the plan
    (90·0.6 + 30·0.4 = 66); C has not completed the course, has only an unsubmitted 90 %
    and a failed 95 % attempt, a basic level, exactly 100 points and no role-play (the
    composite is incomplete)."""

    def __init__(self):
        self.course = published_course()
        self.quiz = QuizFactory()
        self.plan_quiz = QuizFactory()
        self.scenario = ScenarioFactory()
        self.competency = CompetencyFactory()
        self.plan = AssessmentPlan.objects.create(
            code="composite",
            title_zh="综合考核",
            quiz=self.plan_quiz,
            roleplay=self.scenario,
            quiz_weight=60,
            roleplay_weight=40,
            case_weight=0,
        )
        self.program = ProgramFactory(min_points=100)
        add = programs.requirement_add
        add(program=self.program, kind="course", course=self.course)
        add(program=self.program, kind="quiz", quiz=self.quiz, minimum=80)
        add(program=self.program, kind="competency", competency=self.competency, minimum=2)
        add(program=self.program, kind="plan", plan=self.plan, minimum=70)

    def person_a(self, **fields):
        a = UserFactory(**fields)
        completed_course_for(a, self.course)
        attempt(self.quiz, a, 70)
        attempt(self.quiz, a, 85)
        CompetencyLevelFactory(agent=a, competency=self.competency, level=Level.ADVANCED)
        attempt(self.plan_quiz, a, 90)
        graded(self.scenario, a, 80)  # 54 + 32 = 86
        points(a, 120, a.pk)
        return a

    def person_b(self, **fields):
        b = UserFactory(**fields)
        completed_course_for(b, self.course)
        attempt(self.quiz, b, 75)
        CompetencyLevelFactory(agent=b, competency=self.competency, level=Level.EXPERT)
        attempt(self.plan_quiz, b, 90)
        graded(self.scenario, b, 30)  # 54 + 12 = 66
        points(b, 50, b.pk)
        return b

    def person_c(self, **fields):
        c = UserFactory(**fields)
        attempt(self.quiz, c, 95, passed=False)
        attempt(self.quiz, c, 90, submitted=False)
        CompetencyLevelFactory(agent=c, competency=self.competency, level=Level.BASIC)
        attempt(self.plan_quiz, c, 100)
        points(c, 60, c.pk * 10)
        points(c, 40, c.pk * 10 + 1)
        return c


def labels_met(status) -> list[tuple[bool, object]]:
    """Each check's outcome and detail; a score as a number (SQLite and PostgreSQL print
    the same decimal differently)."""
    return [
        (c.met, Decimal(c.detail[:-1]) if c.detail.endswith("%") else c.detail)
        for c in status.checks
    ]


def test_eligibility_on_the_hand_built_example():
    example = Example()
    a, b, c = example.person_a(), example.person_b(), example.person_c()
    result = {row.person: row for row in eligibility(example.program, [a, b, c])}
    # Requirements come in kind order: competency, course, plan, quiz; then points.
    today = timezone.localdate().isoformat()
    assert labels_met(result[a]) == [
        (True, str(Level.ADVANCED.label)),
        (True, today),
        (True, Decimal(86)),
        (True, Decimal(85)),
        (True, "120"),
    ]
    assert result[a].eligible and result[a].can_issue
    assert labels_met(result[b]) == [
        (True, str(Level.EXPERT.label)),
        (True, today),
        (False, Decimal(66)),  # what they have so far, beside what is missing
        (False, Decimal(75)),
        (False, "50"),
    ]
    assert not result[b].eligible
    assert labels_met(result[c]) == [
        (False, str(Level.BASIC.label)),
        (False, ""),
        (False, ""),
        (False, ""),
        (True, "100"),
    ]
    assert [check.met for check in result[c].missing] == [False] * 4


def test_a_quiz_without_minimum_needs_a_pass_only():
    quiz = QuizFactory()
    program = ProgramFactory()
    programs.requirement_add(program=program, kind="quiz", quiz=quiz)
    passed, failed = UserFactory(), UserFactory()
    attempt(quiz, passed, 61)
    attempt(quiz, failed, 99, passed=False)
    result = {row.person: row.eligible for row in eligibility(program, [passed, failed])}
    assert result == {passed: True, failed: False}


def test_a_role_play_requirement_needs_a_graded_score_at_least_the_minimum():
    scenario = ScenarioFactory()
    program = ProgramFactory()
    programs.requirement_add(program=program, kind="roleplay", scenario=scenario, minimum=75)
    good, short = UserFactory(), UserFactory()
    graded(scenario, good, 75)
    graded(scenario, short, 74)
    result = {row.person: row.eligible for row in eligibility(program, [good, short])}
    assert result == {good: True, short: False}


def test_the_agents_checklist_agrees_with_eligibility():
    """The batched checklist (all programs at once) gives what ``eligibility`` gives one
    program at a time, for the eligible and the missing alike."""
    example = Example()
    people = [example.person_a(), example.person_b(), example.person_c()]
    course_only = ProgramFactory()
    programs.requirement_add(program=course_only, kind="course", course=example.course)
    roleplay_program = ProgramFactory(min_points=10)
    programs.requirement_add(
        program=roleplay_program, kind="roleplay", scenario=example.scenario, minimum=50
    )
    programs.requirement_add(program=roleplay_program, kind="quiz", quiz=example.quiz)
    all_programs = list(selectors.checklist_programs())
    for person in people:
        for entry in selectors.checklists_for(person, all_programs):
            expected = eligibility(entry.program, [person])[0]
            assert [(c.label, c.met, c.detail) for c in entry.status.checks] == [
                (c.label, c.met, c.detail) for c in expected.checks
            ]
            assert entry.status.eligible == expected.eligible


def test_the_latest_certificate_is_reported():
    program = ProgramFactory(validity_months=None)
    person = UserFactory()
    old = Certificate.objects.create(
        program=program,
        holder=person,
        cycle=1,
        serial="AA-2026-000001",
        code="code-1",
        requested_at=NOW,
        valid_from=datetime.date(2025, 1, 1),
        status=Certificate.Status.REVOKED,
        revoked_at=NOW,
    )
    new = Certificate.objects.create(
        program=program,
        holder=person,
        cycle=2,
        serial="AA-2026-000002",
        code="code-2",
        requested_at=NOW,
        valid_from=datetime.date(2026, 1, 1),
    )
    row = eligibility(program, [person])[0]
    assert row.current == new and row.current != old
    assert row.holds_valid  # pending counts as held: no second issue


# --- Query counts --------------------------------------------------------------------------


def _eligibility_page_queries(example: Example, viewer, show: str) -> tuple[int, int]:
    viewer = type(viewer).objects.get(pk=viewer.pk)  # fresh, as in a request
    with CaptureQueriesContext(connection) as ctx:
        page = selectors.eligibility_page(viewer, example.program, show=show, page_size=100)
        rows = list(page.object_list)
    return len(ctx.captured_queries), sum(1 for r in rows if r.eligible)


@pytest.mark.parametrize(
    ("show", "small_eligible", "large_eligible"),
    [("", 2, 8), ("eligible", 1, 4), ("missing", 0, 0), ("certified", 1, 4)],
)
def test_eligibility_queries_do_not_grow_with_the_people(hr, show, small_eligible, large_eligible):
    """Unfiltered, the page is cut first; filtered, everyone is checked at once: either
    way the same number of queries for 4 people as for 16. Every other eligible person
    holds a certificate, so that each filter keeps some rows."""
    example = Example()

    def add(count: int) -> None:
        for n in range(count):
            a = example.person_a()
            example.person_b()
            if n % 2:
                certificate_row(a, example.program)

    add(2)
    small, eligible = _eligibility_page_queries(example, hr, show)
    assert eligible == small_eligible
    add(6)
    large, eligible = _eligibility_page_queries(example, hr, show)
    assert eligible == large_eligible
    assert small == large


def test_eligibility_selector_queries_do_not_grow_with_the_people():
    example = Example()
    few = [example.person_a(), example.person_b()]
    many = few + [example.person_c() for _n in range(6)]
    with CaptureQueriesContext(connection) as small:
        eligibility(example.program, few)
    with CaptureQueriesContext(connection) as large:
        eligibility(example.program, many)
    assert len(small.captured_queries) == len(large.captured_queries)


def test_program_list_counts_requirements_and_certificates_in_force():
    program = ProgramFactory()
    other = ProgramFactory(is_active=False)
    programs.requirement_add(program=program, kind="course", course=published_course())
    programs.requirement_add(program=program, kind="course", course=published_course())
    today = timezone.localdate()

    def certificate(n, **fields):
        values = {
            "program": program,
            "holder": UserFactory(),
            "serial": f"AA-2026-{n:06d}",
            "code": f"c{n}",
            "requested_at": NOW,
            "valid_from": today - datetime.timedelta(days=30),
            "expires_on": today + datetime.timedelta(days=300),
            "status": Certificate.Status.ISSUED,
            "issued_at": NOW,
            "pdf": "certificates/x.pdf",
        }
        values.update(fields)
        return Certificate.objects.create(**values)

    certificate(1)
    certificate(2, expires_on=today + datetime.timedelta(days=10))  # expiring: still in force
    certificate(3, expires_on=today)  # expired today
    certificate(4, status=Certificate.Status.REVOKED, revoked_at=NOW)
    certificate(5, status=Certificate.Status.PENDING, issued_at=None, pdf="")
    with CaptureQueriesContext(connection) as ctx:
        rows = {p.pk: p for p in selectors.program_list().object_list}
    assert len(ctx.captured_queries) == 2
    assert (rows[program.pk].requirement_count, rows[program.pk].valid_count) == (2, 2)
    assert (rows[other.pk].requirement_count, rows[other.pk].valid_count) == (0, 0)
    assert Program.objects.count() == 2 and Requirement.objects.count() == 2


def test_the_outcome_filters_keep_the_rows_and_order_of_the_unfiltered_list(hr):
    """Filtered by outcome, the pages hold exactly the unfiltered list's rows that have
    that outcome, in the same order and with the same checks, page after page."""
    example = Example()
    program = example.program
    plain = example.person_a()  # eligible, nothing issued
    held = example.person_a()  # eligible, holds a valid certificate: not to issue again
    certificate_row(held, program)
    expiring = example.person_a()  # eligible, certificate about to expire: renewable
    certificate_row(expiring, program, expires_in=5)
    pending = example.person_a()  # eligible, a certificate being issued
    certificate_row(pending, program, status=Certificate.Status.PENDING)
    lapsed = example.person_b()  # missing, with a certificate still valid
    certificate_row(lapsed, program)
    revoked = example.person_c()  # missing, certificate revoked
    certificate_row(revoked, program, status=Certificate.Status.REVOKED, revoked_at=NOW)
    example.person_b()

    def rows(show: str) -> list:
        first = selectors.eligibility_page(hr, program, show=show, page_size=2)
        pages = [first] + [
            selectors.eligibility_page(hr, program, show=show, page_number=n, page_size=2)
            for n in first.paginator.page_range[1:]
        ]
        assert first.paginator.count == sum(len(page.object_list) for page in pages)
        return [
            (row.person, [(c.label, c.met, c.detail) for c in row.checks], row.current)
            for page in pages
            for row in page.object_list
        ]

    everyone = selectors.eligibility_page(hr, program, page_size=100).object_list
    in_force = ("pending", "valid", "expiring")

    def expected(keep) -> list:
        return [
            (row.person, [(c.label, c.met, c.detail) for c in row.checks], row.current)
            for row in everyone
            if keep(row)
        ]

    assert rows("eligible") == expected(lambda row: row.can_issue)
    assert {r[0] for r in rows("eligible")} == {plain, expiring}
    assert rows("missing") == expected(lambda row: not row.eligible)
    assert {lapsed, revoked, hr} <= {r[0] for r in rows("missing")}
    assert rows("certified") == expected(
        lambda row: row.current is not None and row.current.state() in in_force
    )
    assert {r[0] for r in rows("certified")} == {held, expiring, pending, lapsed}


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (97.21000000000001, "97.21%"),
        (Decimal("97.2100000000000"), "97.21%"),
        (Decimal("85.00"), "85%"),
        (100, "100%"),
        (Decimal("66.666"), "66.67%"),
    ],
)
def test_scores_in_the_how_far_details_are_rounded_to_hundredths(value, shown):
    from certification.eligibility import percent_text

    assert percent_text(value) == shown
