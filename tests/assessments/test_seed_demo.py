"""The demo quizzes of 云裳优品: what ``seed_demo`` leaves behind, and that it is idempotent."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from assessments import demo_content, selectors, services
from assessments.models import Answer, Attempt, Option, Question, QuestionBank, Quiz
from courses.models import Enrolment
from lms.models import Evidence

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]

COUNTED = [QuestionBank, Question, Option, Quiz, Attempt, Answer, Evidence]
QUIZ_CODES = {quiz.code for quiz in demo_content.QUIZZES}


def _seed() -> str:
    out = io.StringIO()
    # Tests run with DEBUG=False, which the seeders refuse without --force.
    call_command("seed_demo", force=True, stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in COUNTED}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module, in a transaction rolled back at its end.

    A full seed takes seconds; each test then runs in a savepoint inside this
    transaction, so what one test changes never reaches the next.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        output = _seed()
        yield output
        transaction.set_rollback(True)


def _quizzes() -> dict[str, Quiz]:
    return {q.code: q for q in Quiz.objects.filter(code__in=QUIZ_CODES)}


def test_first_run_prints_a_one_line_summary(seeded):
    lines = [line for line in seeded.splitlines() if line.startswith("Demo assessments:")]
    assert len(lines) == 1
    assert "Quiz 4 (+4)" in lines[0]
    assert "QuestionBank 4 (+4)" in lines[0]


def test_banks_hold_at_least_sixty_tagged_questions_of_every_kind():
    banks = QuestionBank.objects.filter(code__in=[b.code for b in demo_content.BANKS])
    assert banks.count() == 4
    questions = list(
        Question.objects.filter(bank__in=banks)
        .select_related("competency")
        .prefetch_related("options")
    )
    assert len(questions) >= 60
    assert {q.kind for q in questions} == set(Question.Kind.values)
    assert {q.difficulty for q in questions} == {1, 2, 3}
    assert {q.level for q in questions} == {1, 2}
    for question in questions:
        assert question.competency is not None and question.is_active
        assert question.text_en and question.explanation_zh, question.text_zh
        options = list(question.options.all())
        correct = sum(o.is_correct for o in options)
        if question.kind == Question.Kind.MULTIPLE:
            assert correct >= 1 and all(o.text_en for o in options)
        else:
            assert correct == 1
    competencies = {q.competency.code for q in questions}
    assert {"platform-backoffice", "logistics-delay-handling", "written-standards"} <= competencies
    assert {"apparel-sizing-fabrics", "cosmetics-ingredients-skin", "electronics-specs"} <= (
        competencies
    )
    weak = Question.objects.get(text_zh__startswith="客户 3 月 1 日上午签收了一件外套")
    assert weak.options.get(is_correct=True).text_zh == "3 月 8 日 24:00"


def test_four_quizzes_are_published_with_their_rules():
    quizzes = _quizzes()
    assert len(quizzes) == 4
    assert {q.status for q in quizzes.values()} == {Quiz.Status.PUBLISHED}
    assert all(services.quiz_problems(q) == [] for q in quizzes.values())

    returns = quizzes["returns-policy"]
    assert returns.title_zh == "退换货政策测验"
    assert returns.mode == Quiz.Mode.FIXED and returns.items.count() == 10
    assert returns.course.code == "returns-refunds-101" and returns.required_for_course
    assert (returns.competency.code, returns.level) == ("platform-backoffice", 1)
    assert returns.time_limit_minutes is None

    logistics = quizzes["logistics-exceptions"]
    assert logistics.mode == Quiz.Mode.RANDOM
    assert (logistics.time_limit_minutes, logistics.attempt_limit) == (15, 3)
    rules = list(logistics.draw_rules.select_related("competency"))
    assert sorted(r.difficulty for r in rules) == [1, 2, 3]
    assert {r.competency.code for r in rules} == {"logistics-delay-handling"}

    wording = quizzes["service-wording"]
    assert wording.one_per_page and wording.time_limit_minutes is None
    sections = list(wording.sections.order_by("order"))
    assert [s.title_zh for s in sections] == ["规范用语与禁用语", "共情表达"]
    assert all(s.intro_zh and s.intro_en for s in sections)
    assert not wording.items.filter(section=None).exists()
    assert all(s.items.exists() for s in sections)

    newcomer = quizzes["newcomer-general"]
    assert newcomer.mode == Quiz.Mode.RANDOM and newcomer.partial_credit
    banks = [rule.bank_id for rule in newcomer.draw_rules.all()]
    assert None not in banks and len(set(banks)) == 4


def test_demo_agents_have_past_attempts_passed_and_failed_and_one_open():
    now = timezone.now()
    submitted = Attempt.objects.filter(quiz__code__in=QUIZ_CODES, status=Attempt.Status.SUBMITTED)
    assert submitted.filter(passed=True).exists() and submitted.filter(passed=False).exists()
    assert submitted.values("agent").distinct().count() >= 10
    assert not submitted.filter(submitted_at__gt=now).exists()
    # Timed sittings were handed in on time, or closed at their deadline.
    for attempt in submitted.exclude(deadline=None):
        assert attempt.started_at < attempt.submitted_at <= attempt.deadline
    assert submitted.filter(submitted_at=F("deadline")).exists()

    agent_attempts = Attempt.objects.filter(agent__username="agent")
    assert agent_attempts.filter(passed=True).exists()
    assert agent_attempts.filter(passed=False).exists()
    open_attempt = agent_attempts.get(status=Attempt.Status.IN_PROGRESS)
    assert open_attempt.quiz.code == "service-wording"
    assert open_attempt.deadline is None and open_attempt.started_at < now
    assert 0 < open_attempt.answers.count() < len(open_attempt.paper)


def test_attempt_limit_is_used_up_for_one_agent():
    zhao = Attempt.objects.filter(
        agent__username="zhao.mingyuan", quiz__code="logistics-exceptions"
    ).select_related("agent", "quiz")
    assert zhao.count() == 3
    with pytest.raises(ValidationError) as refused:
        services.attempt_start(quiz=zhao[0].quiz, agent=zhao[0].agent)
    assert refused.value.code == "attempt_limit"


def test_passes_record_competency_evidence_from_the_quiz():
    passed = Attempt.objects.filter(
        quiz__code__in=QUIZ_CODES, passed=True, quiz__competency__isnull=False
    ).select_related("quiz")
    assert passed
    evidence = Evidence.objects.filter(source=Evidence.Source.QUIZ, source_ref__startswith="quiz-")
    by_ref = {e.source_ref: e for e in evidence.select_related("competency")}
    for attempt in passed:
        record = by_ref[f"quiz-attempt:{attempt.pk}"]
        assert record.competency_id == attempt.quiz.competency_id
        assert record.level == attempt.quiz.level
        assert record.observed_on == timezone.localdate(attempt.submitted_at)
    failed = Attempt.objects.filter(quiz__code__in=QUIZ_CODES, passed=False)
    assert not evidence.filter(source_ref__in=[f"quiz-attempt:{a.pk}" for a in failed]).exists()


def test_item_analysis_shows_the_weak_question_and_its_trap():
    stats = selectors.item_analysis(Quiz.objects.get(code="returns-policy"))
    weakest, *rest = stats
    assert weakest.question.text_zh.startswith("客户 3 月 1 日上午签收了一件外套")
    assert weakest.share_correct < 40
    assert all(s.share_correct >= weakest.share_correct + 20 for s in rest)
    assert weakest.most_chosen_wrong.text_zh == "3 月 7 日 24:00"


def test_the_returns_course_waits_for_the_quiz():
    enrolment = Enrolment.objects.select_related("course").get(
        agent__username="agent", course__code="returns-refunds-101"
    )
    assert not Attempt.objects.filter(
        agent__username="agent", quiz__code="returns-policy", passed=True
    ).exists()
    unmet = services.required_quizzes_unmet(enrolment)
    assert len(unmet) == 1 and "退换货政策测验" in unmet[0]


def test_refuses_without_force_when_debug_is_off_and_runs_in_debug(settings):
    before = _counts()
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo_assessments", stdout=io.StringIO())

    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo_assessments", stdout=out)

    assert "Quiz 4 (+0)" in out.getvalue()
    assert _counts() == before


def test_second_run_creates_nothing_and_updates_nothing():
    first = _counts()
    question = Question.objects.get(text_zh="七天无理由退货的 7 天从什么时候开始计算？")
    Question.objects.filter(pk=question.pk).update(text_en="Edited by a trainer")
    Quiz.objects.filter(code="returns-policy").update(title_en="Edited title", pass_mark=90)
    attempts = dict(Attempt.objects.values_list("pk", "status"))

    output = _seed()

    assert _counts() == first
    question.refresh_from_db()
    assert question.text_en == "Edited by a trainer"
    quiz = Quiz.objects.get(code="returns-policy")
    assert (quiz.title_en, quiz.pass_mark) == ("Edited title", 90)
    assert dict(Attempt.objects.values_list("pk", "status")) == attempts
    line = next(line for line in output.splitlines() if line.startswith("Demo assessments:"))
    assert "(+" in line and all(part.endswith("(+0)") for part in line.split(", "))
