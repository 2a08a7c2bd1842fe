"""Scoring rules: marks per answer, then totals, percent and the pass mark of an attempt.

``answer_marks`` is a pure function and is tested on its own; the attempt tests go
through ``attempt_start`` / ``answer_save`` / ``attempt_submit`` and check what is stored.
The right options are read from the questions' own options (``Option.is_correct``), not
from the attempt's key, so a test also proves the key was copied correctly.
"""

import datetime
import zoneinfo
from decimal import Decimal

import pytest

from assessments import services
from assessments.models import Answer, Attempt, Question, Quiz
from tests.assessments.factories import (
    DrawRuleFactory,
    QuestionBankFactory,
    QuizFactory,
    QuizQuestionFactory,
    question,
)

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)
SECOND = datetime.timedelta(seconds=1)
SINGLE = Question.Kind.SINGLE
MULTIPLE = Question.Kind.MULTIPLE
TRUE_FALSE = Question.Kind.TRUE_FALSE


# --- answer_marks --------------------------------------------------------------------


@pytest.mark.parametrize("kind", [SINGLE, TRUE_FALSE])
@pytest.mark.parametrize("partial", [False, True])
@pytest.mark.parametrize(
    ("selected", "expected"),
    [({1}, Decimal(2)), ({2}, Decimal(0)), ({1, 2}, Decimal(0)), (set(), Decimal(0))],
)
def test_single_and_true_false_score_all_marks_only_for_the_right_option(
    kind, partial, selected, expected
):
    marks = services.answer_marks(
        kind=kind, selected=selected, correct={1}, marks=2, partial=partial
    )

    assert isinstance(marks, Decimal)
    assert marks == expected


@pytest.mark.parametrize(
    ("selected", "expected"),
    [
        ({1, 3}, Decimal(3)),
        ({1}, Decimal(0)),  # half right is wrong
        ({1, 2, 3}, Decimal(0)),  # one too many is wrong
        ({2}, Decimal(0)),
        (set(), Decimal(0)),
    ],
)
def test_multiple_choice_is_all_or_nothing_by_default(selected, expected):
    marks = services.answer_marks(
        kind=MULTIPLE, selected=selected, correct={1, 3}, marks=3, partial=False
    )

    assert marks == expected


@pytest.mark.parametrize(
    ("selected", "expected"),
    [
        ({1, 2, 3}, "3.00"),
        ({1, 2}, "2.00"),  # two right shares
        ({1}, "1.00"),
        ({1, 2, 4}, "1.00"),  # two right shares minus one wrong share
        ({1, 2, 3, 4}, "2.00"),  # all right but one wrong share taken away
        ({1, 4}, "0.00"),  # one right, one wrong: nothing
        ({4}, "0.00"),  # floored at zero, never negative
        ({1, 4, 5, 6}, "0.00"),
        (set(), "0.00"),
    ],
)
def test_partial_credit_is_right_shares_minus_wrong_shares_floored_at_zero(selected, expected):
    marks = services.answer_marks(
        kind=MULTIPLE, selected=selected, correct={1, 2, 3}, marks=3, partial=True
    )

    assert marks == Decimal(expected)
    assert marks >= 0


@pytest.mark.parametrize(
    ("marks", "correct", "selected", "expected"),
    [
        (1, {1, 2, 3}, {1}, "0.33"),
        (1, {1, 2, 3}, {1, 2}, "0.67"),
        (2, {1, 2, 3}, {1}, "0.67"),
        # Exact halves round up (ROUND_HALF_UP), not to the even cent.
        (1, set(range(1, 9)), {1}, "0.13"),
        (1, set(range(1, 9)), {1, 2, 3, 4, 5}, "0.63"),
    ],
)
def test_partial_credit_is_rounded_half_up_to_two_decimals(marks, correct, selected, expected):
    result = services.answer_marks(
        kind=MULTIPLE, selected=selected, correct=correct, marks=marks, partial=True
    )

    assert str(result) == expected


# --- Attempts ------------------------------------------------------------------------


def fixed_quiz(*items: tuple[Question, int], **fields) -> Quiz:
    """A published fixed quiz of ``(question, marks)`` in this order, nothing shuffled."""
    quiz = QuizFactory(**fields)
    for order, (item, marks) in enumerate(items, start=1):
        QuizQuestionFactory(quiz=quiz, question=item, order=order, marks=marks)
    return services.quiz_publish(quiz=quiz)


def right(item: Question) -> list[int]:
    return list(item.options.filter(is_correct=True).values_list("pk", flat=True))


def wrong(item: Question) -> list[int]:
    return list(item.options.filter(is_correct=False).values_list("pk", flat=True))


def save(attempt: Attempt, item: Question, selected: list[int]) -> Answer:
    return services.answer_save(
        attempt=attempt, question_id=item.pk, selected=selected, now=NOW + 30 * SECOND
    )


@pytest.fixture
def paper():
    """Four questions worth 2 + 3 + 1 + 4 = 10 marks."""
    bank = QuestionBankFactory()
    return {
        "single": question(bank, kind=SINGLE, correct=(1,), options=4),
        "multiple": question(bank, kind=MULTIPLE, correct=(0, 2), options=4),
        "true_false": question(bank, kind=TRUE_FALSE, correct=(0,)),
        "unanswered": question(bank, kind=SINGLE, correct=(0,)),
    }


def quiz_of(paper: dict[str, Question], **fields) -> Quiz:
    marks = {"single": 2, "multiple": 3, "true_false": 1, "unanswered": 4}
    return fixed_quiz(*((paper[name], marks[name]) for name in marks), **fields)


def test_submit_totals_the_marks_and_stores_each_answer_s_marks(agent, paper):
    quiz = quiz_of(paper, pass_mark=60)
    attempt = services.attempt_start(quiz=quiz, agent=agent, now=NOW)
    save(attempt, paper["single"], right(paper["single"]))
    save(attempt, paper["multiple"], right(paper["multiple"])[:1])  # half right
    save(attempt, paper["true_false"], right(paper["true_false"]))

    submitted = services.attempt_submit(attempt=attempt, now=NOW + datetime.timedelta(minutes=5))

    submitted.refresh_from_db()
    assert submitted.status == Attempt.Status.SUBMITTED
    assert submitted.submitted_at == NOW + datetime.timedelta(minutes=5)
    assert submitted.max_score == 10
    assert submitted.score == Decimal("3.00")
    assert submitted.percent == Decimal("30.00")
    assert submitted.passed is False
    stored = {a.question_id: (a.marks_awarded, a.is_correct) for a in submitted.answers.all()}
    assert stored == {
        paper["single"].pk: (Decimal(2), True),
        paper["multiple"].pk: (Decimal(0), False),
        paper["true_false"].pk: (Decimal(1), True),
    }


def test_partial_credit_quiz_gives_shares_for_multiple_choice_only(agent, paper):
    quiz = quiz_of(paper, pass_mark=60, partial_credit=True)
    attempt = services.attempt_start(quiz=quiz, agent=agent, now=NOW)
    save(attempt, paper["single"], wrong(paper["single"])[:1])
    save(attempt, paper["multiple"], right(paper["multiple"])[:1])
    save(attempt, paper["true_false"], right(paper["true_false"]))

    submitted = services.attempt_submit(attempt=attempt, now=NOW + datetime.timedelta(minutes=5))

    submitted.refresh_from_db()
    assert submitted.score == Decimal("2.50")  # 0 + 3/2 + 1 + 0
    assert submitted.percent == Decimal("25.00")
    multiple = submitted.answers.get(question_id=paper["multiple"].pk)
    # Partly right earns marks but is still not "correct".
    assert (multiple.marks_awarded, multiple.is_correct) == (Decimal("1.50"), False)


def test_percent_is_rounded_to_two_decimals(agent):
    bank = QuestionBankFactory()
    items = [question(bank) for _ in range(3)]
    quiz = fixed_quiz(*((item, 1) for item in items))
    attempt = services.attempt_start(quiz=quiz, agent=agent, now=NOW)
    for item in items[:2]:
        save(attempt, item, right(item))

    submitted = services.attempt_submit(attempt=attempt, now=NOW + datetime.timedelta(minutes=1))

    submitted.refresh_from_db()
    assert (submitted.score, submitted.percent) == (Decimal("2.00"), Decimal("66.67"))


@pytest.mark.parametrize(
    ("pass_mark", "questions", "right_answers", "percent", "passed"),
    [
        (60, 5, 3, "60.00", True),  # exactly the pass mark passes
        (60, 5, 2, "40.00", False),
        (80, 5, 4, "80.00", True),
        (80, 5, 3, "60.00", False),
        (67, 3, 2, "66.67", False),  # rounding never lifts a fail over the mark
        (66, 3, 2, "66.67", True),
        (100, 3, 3, "100.00", True),
        (100, 3, 2, "66.67", False),
        (0, 2, 0, "0.00", True),
    ],
)
def test_the_pass_mark_is_a_minimum_percent(
    agent, pass_mark, questions, right_answers, percent, passed
):
    bank = QuestionBankFactory()
    items = [question(bank) for _ in range(questions)]
    quiz = fixed_quiz(*((item, 1) for item in items), pass_mark=pass_mark)
    attempt = services.attempt_start(quiz=quiz, agent=agent, now=NOW)
    for item in items[:right_answers]:
        save(attempt, item, right(item))
    for item in items[right_answers:]:
        save(attempt, item, wrong(item)[:1])

    submitted = services.attempt_submit(attempt=attempt, now=NOW + datetime.timedelta(minutes=1))

    submitted.refresh_from_db()
    assert submitted.percent == Decimal(percent)
    assert submitted.passed is passed


def test_max_score_of_a_fixed_quiz_is_the_sum_of_its_marks(agent):
    bank = QuestionBankFactory()
    items = [question(bank) for _ in range(3)]
    quiz = fixed_quiz((items[0], 2), (items[1], 3), (items[2], 5))

    attempt = services.attempt_start(quiz=quiz, agent=agent, now=NOW)

    assert attempt.max_score == 10
    assert [entry["marks"] for entry in attempt.paper] == [2, 3, 5]


def test_max_score_of_a_random_quiz_is_count_times_marks_each(agent):
    bank = QuestionBankFactory()
    for _ in range(5):
        question(bank)
    quiz = QuizFactory(mode=Quiz.Mode.RANDOM)
    DrawRuleFactory(quiz=quiz, bank=bank, count=2, marks_each=3, order=1)
    DrawRuleFactory(quiz=quiz, bank=bank, count=1, marks_each=4, order=2)
    services.quiz_publish(quiz=quiz)

    attempt = services.attempt_start(quiz=quiz, agent=agent, now=NOW)

    assert attempt.max_score == 10
    assert sorted(entry["marks"] for entry in attempt.paper) == [3, 3, 4]


def test_unanswered_questions_score_zero(agent, paper):
    quiz = quiz_of(paper, pass_mark=1)
    attempt = services.attempt_start(quiz=quiz, agent=agent, now=NOW)

    submitted = services.attempt_submit(attempt=attempt, now=NOW + datetime.timedelta(minutes=1))

    submitted.refresh_from_db()
    assert (submitted.score, submitted.percent, submitted.passed) == (
        Decimal("0.00"),
        Decimal("0.00"),
        False,
    )
    assert submitted.max_score == 10
    assert not submitted.answers.exists()


def test_an_answer_saved_empty_scores_zero_even_with_partial_credit(agent, paper):
    quiz = quiz_of(paper, partial_credit=True)
    attempt = services.attempt_start(quiz=quiz, agent=agent, now=NOW)
    save(attempt, paper["multiple"], [])
    save(attempt, paper["single"], [])

    submitted = services.attempt_submit(attempt=attempt, now=NOW + datetime.timedelta(minutes=1))

    assert submitted.score == 0
    stored = {
        a.question_id: (a.selected, a.marks_awarded, a.is_correct) for a in Answer.objects.all()
    }
    assert stored == {
        paper["multiple"].pk: ([], Decimal(0), False),
        paper["single"].pk: ([], Decimal(0), False),
    }


def test_the_last_saved_answer_is_the_one_scored(agent, paper):
    quiz = quiz_of(paper)
    attempt = services.attempt_start(quiz=quiz, agent=agent, now=NOW)
    save(attempt, paper["single"], wrong(paper["single"])[:1])
    save(attempt, paper["single"], right(paper["single"]))

    submitted = services.attempt_submit(attempt=attempt, now=NOW + datetime.timedelta(minutes=1))

    assert submitted.score == 2
    assert Answer.objects.filter(attempt=attempt).count() == 1


def test_submitting_a_submitted_attempt_changes_nothing(agent, paper):
    quiz = quiz_of(paper)
    attempt = services.attempt_start(quiz=quiz, agent=agent, now=NOW)
    save(attempt, paper["single"], right(paper["single"]))
    first = services.attempt_submit(attempt=attempt, now=NOW + datetime.timedelta(minutes=1))

    again = services.attempt_submit(attempt=attempt, now=NOW + datetime.timedelta(minutes=9))

    again.refresh_from_db()
    assert again.pk == first.pk
    assert (again.score, again.submitted_at) == (
        Decimal("2.00"),
        NOW + datetime.timedelta(minutes=1),
    )
