"""Fixes from the security and quality review of the assessments app."""

import io
from unittest.mock import patch

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import Workbook

from assessments import importing, selectors, services
from assessments.models import Attempt, DrawRule, Quiz
from lms.models import Evidence, Level
from tests.assessments.factories import (
    QuestionBankFactory,
    QuizFactory,
    published_quiz,
    question,
)
from tests.lms.factories import CompetencyFactory

pytestmark = pytest.mark.django_db


def _right_answers(attempt: Attempt) -> None:
    for item in attempt.paper:
        services.answer_save(
            attempt=attempt,
            question_id=item["id"],
            selected=attempt.key[str(item["id"])]["correct"],
        )


def test_a_pass_at_a_quiz_whose_competency_was_retired_is_scored_without_evidence(agent):
    competency = CompetencyFactory()
    quiz = published_quiz(questions=2, competency=competency, level=Level.BASIC)
    attempt = services.attempt_start(quiz=quiz, agent=agent)
    _right_answers(attempt)
    competency.is_active = False
    competency.save(update_fields=["is_active"])

    attempt = services.attempt_submit(attempt=attempt)

    assert (attempt.status, attempt.passed) == (Attempt.Status.SUBMITTED, True)
    assert not Evidence.objects.filter(agent=agent).exists()


def test_a_quiz_evidencing_a_retired_competency_cannot_be_published():
    competency = CompetencyFactory(is_active=False)
    quiz = QuizFactory(competency=competency, level=Level.BASIC)
    services.quiz_items_set(quiz=quiz, items=[(question(), 1)])

    with pytest.raises(ValidationError):
        services.quiz_publish(quiz=quiz)

    quiz.refresh_from_db()
    assert quiz.status == Quiz.Status.DRAFT


def test_closing_expired_attempts_goes_on_past_one_that_fails(agent, other_agent):
    quiz = published_quiz(questions=1, time_limit_minutes=5)

    start = timezone.now() - timezone.timedelta(hours=1)
    first = services.attempt_start(quiz=quiz, agent=agent, now=start)
    second = services.attempt_start(quiz=quiz, agent=other_agent, now=start)
    real_submit = services.attempt_submit

    def broken_for_first(*, attempt, now=None):
        if attempt.pk == first.pk:
            raise RuntimeError("this one cannot be closed")
        return real_submit(attempt=attempt, now=now)

    with patch.object(services, "attempt_submit", side_effect=broken_for_first):
        closed = services.attempts_close_expired()

    assert closed == 1
    assert Attempt.objects.get(pk=second.pk).status == Attempt.Status.SUBMITTED
    assert Attempt.objects.get(pk=first.pk).status == Attempt.Status.IN_PROGRESS


def test_a_published_fixed_quiz_cannot_be_emptied():
    quiz = published_quiz(questions=2)

    with pytest.raises(ValidationError) as refused:
        services.quiz_items_set(quiz=quiz, items=[])

    assert refused.value.error_list[0].code == "not_takeable"
    assert quiz.items.count() == 2


def test_a_published_random_quiz_keeps_a_rule_it_needs():
    bank = QuestionBankFactory()
    for _ in range(3):
        question(bank)
    quiz = QuizFactory(mode=Quiz.Mode.RANDOM)
    rule = services.draw_rule_save(quiz=quiz, bank=bank, count=2)
    services.quiz_publish(quiz=quiz)

    rule_id = rule.pk
    with pytest.raises(ValidationError):
        services.draw_rule_delete(rule=rule)
    with pytest.raises(ValidationError):
        services.draw_rule_save(quiz=quiz, rule=DrawRule.objects.get(pk=rule_id), count=5)

    assert DrawRule.objects.get(pk=rule_id).count == 2


def test_my_quizzes_never_loads_the_key_of_an_open_attempt(agent):
    quiz = published_quiz(questions=1)
    services.attempt_start(quiz=quiz, agent=agent)

    (summary,) = selectors.quizzes_for_agent(agent)

    assert {"key", "paper"} <= summary.open_attempt.get_deferred_fields()


def test_an_xlsx_is_read_no_further_than_the_row_limit():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["type", "question_zh", "option_a", "option_b", "answer"])
    for n in range(50):
        sheet.append(["single", f"题目{n}", "甲", "乙", "A"])
    data = io.BytesIO()
    workbook.save(data)
    data.seek(0)

    with patch.object(importing, "MAX_ROWS", 5), pytest.raises(importing.ImportRejected) as exc:
        importing.read_rows(data, "questions.xlsx")

    assert "5" in exc.value.errors[0].message


def test_deleting_the_rule_a_published_quiz_needs_is_refused_on_the_page(client, trainer):
    bank = QuestionBankFactory()
    for _ in range(3):
        question(bank)
    quiz = QuizFactory(mode=Quiz.Mode.RANDOM)
    rule = services.draw_rule_save(quiz=quiz, bank=bank, count=2)
    services.quiz_publish(quiz=quiz)
    client.force_login(trainer)

    response = client.post(f"/manage/draw-rules/{rule.pk}/delete/")

    assert response.status_code == 302
    assert DrawRule.objects.filter(pk=rule.pk).exists()
