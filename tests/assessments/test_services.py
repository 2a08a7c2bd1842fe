"""Domain rules of quizzes: authoring, drawing, attempts, deadlines, effects of a pass.

Everything goes through the services; each refusal is checked for its code and for the
fact that nothing changed. Time is passed explicitly (``now=``): no test sleeps.
"""

import copy
import datetime
import json
import random
import zoneinfo
from decimal import Decimal
from types import SimpleNamespace
from unittest.mock import patch

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from assessments import services
from assessments.models import (
    Answer,
    Attempt,
    Option,
    Question,
    Quiz,
    QuizSection,
)
from assessments.signals import assessment_passed
from courses import services as course_services
from courses.hooks import completion_conditions_unmet
from courses.models import Enrolment
from courses.signals import course_completed
from lms.models import CompetencyLevel, Evidence, Level
from tests.assessments.factories import (
    DrawRuleFactory,
    QuestionBankFactory,
    QuizFactory,
    QuizQuestionFactory,
    published_quiz,
    question,
)
from tests.courses.factories import enrolment_for, published_course
from tests.lms.factories import CompetencyFactory, UserFactory

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)
MINUTE = datetime.timedelta(minutes=1)
SECOND = datetime.timedelta(seconds=1)


def right(question_id: int) -> list[int]:
    """The right options of a question as it is now, from its own options."""
    return list(
        Option.objects.filter(question_id=question_id, is_correct=True).values_list("pk", flat=True)
    )


def wrong(question_id: int) -> list[int]:
    return list(
        Option.objects.filter(question_id=question_id, is_correct=False).values_list(
            "pk", flat=True
        )
    )


def answer_all(attempt: Attempt, *, now: datetime.datetime, correctly: bool = True) -> None:
    for entry in attempt.paper:
        chosen = right(entry["id"]) if correctly else wrong(entry["id"])[:1]
        services.answer_save(attempt=attempt, question_id=entry["id"], selected=chosen, now=now)


def fixed_quiz(*items: tuple[Question, int], **fields) -> Quiz:
    quiz = QuizFactory(**fields)
    for order, (item, marks) in enumerate(items, start=1):
        QuizQuestionFactory(quiz=quiz, question=item, order=order, marks=marks)
    return services.quiz_publish(quiz=quiz)


def codes(excinfo) -> set[str]:
    error = excinfo.value
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors}
    return {e.code for e in error.error_list}


class ReversingRandom(random.Random):
    """A predictable draw: ``shuffle`` reverses, ``sample`` takes the last ``k``."""

    def shuffle(self, x):
        x.reverse()

    def sample(self, population, k, **kwargs):
        return list(population)[-k:]


predictable_draw = patch.object(services, "random", SimpleNamespace(Random=ReversingRandom))


# --- Questions -----------------------------------------------------------------------


def test_question_create_stores_the_options_in_order_with_their_key(trainer):
    bank = QuestionBankFactory()

    created = services.question_create(
        bank=bank,
        kind=Question.Kind.MULTIPLE,
        text_zh="以下哪些属于规范的服务用语？",
        options=[(" 您好 ", "Hello", True), ("应该没问题", "", False), ("感谢支持", "", True)],
        created_by=trainer,
    )

    created.refresh_from_db()
    assert (created.bank, created.created_by, created.kind) == (bank, trainer, "multiple")
    assert list(created.options.values_list("order", "text_zh", "text_en", "is_correct")) == [
        (1, "您好", "Hello", True),
        (2, "应该没问题", "", False),
        (3, "感谢支持", "", True),
    ]


@pytest.mark.parametrize(
    ("kind", "options", "code"),
    [
        (Question.Kind.SINGLE, [("甲", "", False), ("乙", "", False)], "correct_one"),
        (Question.Kind.SINGLE, [("甲", "", True), ("乙", "", True)], "correct_one"),
        (Question.Kind.MULTIPLE, [("甲", "", False), ("乙", "", False)], "correct_some"),
        (Question.Kind.SINGLE, [("甲", "", True), ("甲", "", False)], "option_twice"),
        (Question.Kind.MULTIPLE, [("甲", "", True), (" 甲 ", "A", True)], "option_twice"),
        (Question.Kind.SINGLE, [("甲", "", True), ("  ", "B", False)], "option_text"),
        (Question.Kind.SINGLE, [("甲", "", True)], "options"),
        (
            Question.Kind.TRUE_FALSE,
            [("正确", "True", True), ("错误", "False", False), ("不确定", "", False)],
            "tf",
        ),
        (
            Question.Kind.TRUE_FALSE,
            [("正确", "True", True), ("错误", "False", True)],
            "correct_one",
        ),
        (
            Question.Kind.TRUE_FALSE,
            [("正确", "True", False), ("错误", "False", False)],
            "correct_one",
        ),
        ("essay", [("甲", "", True), ("乙", "", False)], "kind"),
    ],
)
def test_question_create_refuses_a_bad_question_and_saves_nothing(kind, options, code):
    bank = QuestionBankFactory()

    with pytest.raises(ValidationError) as excinfo:
        services.question_create(
            bank=bank, kind=kind, text_zh="退货运费由谁承担？", options=options, created_by=None
        )

    assert codes(excinfo) == {code}
    assert not Question.objects.exists()
    assert not Option.objects.exists()


def test_question_create_without_text_saves_nothing():
    with pytest.raises(ValidationError) as excinfo:
        services.question_create(
            bank=QuestionBankFactory(),
            kind=Question.Kind.SINGLE,
            text_zh="",
            options=[("甲", "", True), ("乙", "", False)],
            created_by=None,
        )

    assert "text_zh" in excinfo.value.error_dict
    assert not Question.objects.exists()
    assert not Option.objects.exists()


def test_question_update_with_bad_options_changes_nothing():
    item = question(text_zh="原题干", correct=(0,), options=3)
    before = list(item.options.values_list("pk", "text_zh", "is_correct"))

    with pytest.raises(ValidationError) as excinfo:
        services.question_update(
            question=item, text_zh="新题干", options=[("甲", "", True), ("乙", "", True)]
        )

    assert codes(excinfo) == {"correct_one"}
    item.refresh_from_db()
    assert item.text_zh == "原题干"
    assert list(item.options.values_list("pk", "text_zh", "is_correct")) == before


def test_changing_a_questions_kind_checks_the_options_it_keeps():
    three = question(options=3)

    with pytest.raises(ValidationError) as excinfo:
        services.question_update(question=three, kind=Question.Kind.TRUE_FALSE)

    assert codes(excinfo) == {"tf"}
    three.refresh_from_db()
    assert (three.kind, three.options.count()) == (Question.Kind.SINGLE, 3)

    two = question(options=2, correct=(1,))
    services.question_update(question=two, kind=Question.Kind.TRUE_FALSE)

    two.refresh_from_db()
    assert two.kind == Question.Kind.TRUE_FALSE
    assert list(two.options.values_list("text_zh", "is_correct")) == [
        ("选项1", False),
        ("选项2", True),
    ]


# --- Random draw ---------------------------------------------------------------------


@pytest.fixture
def tagged():
    """Three questions matching (bank, competency, advanced, hard), and one near miss in
    each tag, plus a matching question that has been retired."""
    bank, other_bank = QuestionBankFactory(), QuestionBankFactory()
    competency, other_competency = CompetencyFactory(), CompetencyFactory()
    tags = {
        "bank": bank,
        "competency": competency,
        "level": Level.ADVANCED,
        "difficulty": 3,
    }

    def make(**changes):
        fields = {**tags, **changes}
        return question(fields.pop("bank"), **fields)

    matching = [make() for _ in range(3)]
    misses = [
        make(bank=other_bank),
        make(competency=other_competency),
        make(level=Level.BASIC),
        make(level=None),
        make(difficulty=1),
    ]
    retired = services.question_update(question=make(), is_active=False)
    return SimpleNamespace(tags=tags, matching=matching, misses=misses, retired=retired)


def random_quiz(*rules: dict, **fields) -> Quiz:
    quiz = QuizFactory(mode=Quiz.Mode.RANDOM, **fields)
    for order, rule in enumerate(rules, start=1):
        DrawRuleFactory(quiz=quiz, order=order, **rule)
    return services.quiz_publish(quiz=quiz)


def paper_ids(attempt: Attempt) -> list[int]:
    return [entry["id"] for entry in attempt.paper]


def test_a_draw_rule_takes_only_active_questions_matching_every_tag(agent, tagged):
    quiz = random_quiz({**tagged.tags, "count": 3})

    attempt = services.attempt_start(quiz=quiz, agent=agent, now=NOW)

    assert sorted(paper_ids(attempt)) == sorted(q.pk for q in tagged.matching)


def test_every_draw_stays_within_the_tags_without_repeating(team, tagged):
    quiz = random_quiz({**tagged.tags, "count": 2, "marks_each": 2})
    allowed = {q.pk for q in tagged.matching}

    papers = [
        paper_ids(services.attempt_start(quiz=quiz, agent=UserFactory(team=team), now=NOW))
        for _ in range(12)
    ]

    for ids in papers:
        assert len(ids) == len(set(ids)) == 2
        assert set(ids) <= allowed
    assert set().union(*map(set, papers)) - allowed == set()


@pytest.mark.parametrize("blank", ["bank", "competency", "level", "difficulty"])
def test_a_blank_tag_matches_any_value(agent, tagged, blank):
    rule = {**tagged.tags, blank: None}
    widened = {
        "bank": tagged.misses[0],
        "competency": tagged.misses[1],
        "level": None,
        "difficulty": tagged.misses[4],
    }[blank]
    expected = {q.pk for q in tagged.matching}
    if blank == "level":
        expected |= {tagged.misses[2].pk, tagged.misses[3].pk}
    else:
        expected |= {widened.pk}
    quiz = random_quiz({**rule, "count": len(expected)})

    attempt = services.attempt_start(quiz=quiz, agent=agent, now=NOW)

    assert set(paper_ids(attempt)) == expected
    assert tagged.retired.pk not in paper_ids(attempt)


def test_rules_never_draw_the_same_question_twice(team):
    bank = QuestionBankFactory()
    easy = [question(bank, difficulty=1) for _ in range(3)]
    hard = [question(bank, difficulty=3) for _ in range(2)]
    # The first rule takes two of the three easy questions; the second, any question of
    # the bank, must then take exactly the three left.
    quiz = random_quiz(
        {"bank": bank, "difficulty": 1, "count": 2, "marks_each": 2},
        {"bank": bank, "count": 3, "marks_each": 1},
    )

    for _ in range(8):
        attempt = services.attempt_start(quiz=quiz, agent=UserFactory(team=team), now=NOW)
        ids = paper_ids(attempt)
        assert len(ids) == len(set(ids)) == 5
        assert set(ids) == {q.pk for q in easy + hard}
        assert attempt.max_score == 2 * 2 + 3 * 1


def test_a_draw_with_too_few_questions_left_fails_clearly_and_starts_nothing(agent, tagged):
    quiz = random_quiz({**tagged.tags, "count": 3})
    services.question_update(question=tagged.matching[0], is_active=False)

    with pytest.raises(ValidationError) as excinfo:
        services.attempt_start(quiz=quiz, agent=agent, now=NOW)

    assert codes(excinfo) == {"draw"}
    assert not Attempt.objects.exists()
    assert services.quiz_problems(quiz) == [
        gettext("A draw rule asks for %(count)s questions but only %(available)s match.")
        % {"count": 3, "available": 2}
    ]


def test_a_general_rule_does_not_take_the_question_a_specific_rule_needs(agent):
    """Rule 1 may take either question; rule 2 needs the hard one. Whatever rule 1 draws
    (here the draw is made predictable and picks the hard one), the quiz can be drawn."""
    bank = QuestionBankFactory()
    easy = question(bank, difficulty=1)
    hard = question(bank, difficulty=3)
    quiz = random_quiz({"bank": bank, "count": 1}, {"bank": bank, "difficulty": 3, "count": 1})

    with predictable_draw:
        attempt = services.attempt_start(quiz=quiz, agent=agent, now=NOW)

    assert sorted(paper_ids(attempt)) == sorted([easy.pk, hard.pk])


# --- Authoring a quiz with its questions --------------------------------------------


def test_quiz_create_saves_the_quiz_with_its_fixed_questions_in_order(trainer):
    bank = QuestionBankFactory()
    first, second = question(bank), question(bank)

    quiz = services.quiz_create(
        code="returns-basics",
        title_zh="退换货基础",
        created_by=trainer,
        pass_mark=80,
        items=[(second, 2), (first, 1)],
    )

    quiz.refresh_from_db()
    assert (quiz.code, quiz.status, quiz.pass_mark, quiz.created_by) == (
        "returns-basics",
        Quiz.Status.DRAFT,
        80,
        trainer,
    )
    assert list(quiz.items.values_list("order", "question", "marks")) == [
        (1, second.pk, 2),
        (2, first.pk, 1),
    ]


def test_quiz_create_with_a_bad_item_or_rule_leaves_no_quiz_behind():
    bank = QuestionBankFactory()
    item = question(bank)

    with pytest.raises(ValidationError) as excinfo:
        services.quiz_create(
            code="twice", title_zh="重复", created_by=None, items=[(item, 1), (item, 1)]
        )
    assert codes(excinfo) == {"twice"}

    with pytest.raises(ValidationError) as excinfo:
        services.quiz_create(
            code="no-draw",
            title_zh="抽零题",
            created_by=None,
            mode=Quiz.Mode.RANDOM,
            draw_rules=[{"bank": bank, "count": 0}],
        )
    assert "count" in excinfo.value.error_dict

    assert not Quiz.objects.exists()


def test_quiz_create_with_draw_rules_gives_a_quiz_ready_to_publish():
    bank = QuestionBankFactory()
    for _ in range(3):
        question(bank)

    quiz = services.quiz_create(
        code="random-quiz",
        title_zh="随机测验",
        created_by=None,
        mode=Quiz.Mode.RANDOM,
        draw_rules=[{"bank": bank, "count": 2, "marks_each": 2}],
    )

    assert list(quiz.draw_rules.values_list("order", "bank", "count", "marks_each")) == [
        (1, bank.pk, 2, 2)
    ]
    assert services.quiz_problems(quiz) == []
    assert services.quiz_publish(quiz=quiz).status == Quiz.Status.PUBLISHED


def test_quiz_update_keeps_nothing_that_would_leave_a_published_quiz_untakeable():
    quiz = published_quiz(questions=2)
    before = list(quiz.items.values_list("question", "marks"))
    title = quiz.title_zh

    with pytest.raises(ValidationError) as excinfo:
        services.quiz_update(quiz=quiz, title_zh="新标题", items=[])

    assert codes(excinfo) == {"not_takeable"}
    quiz.refresh_from_db()
    assert quiz.title_zh == title
    assert list(quiz.items.values_list("question", "marks")) == before

    replacement = question()
    services.quiz_update(quiz=quiz, title_zh="新标题", items=[(replacement, 3)])

    quiz.refresh_from_db()
    assert quiz.title_zh == "新标题"
    assert list(quiz.items.values_list("question", "marks")) == [(replacement.pk, 3)]


# --- Readiness and publishing --------------------------------------------------------


def test_quiz_problems_name_what_stops_a_fixed_quiz():
    empty = QuizFactory()
    retired_item = QuizQuestionFactory(quiz=QuizFactory())
    services.question_update(question=retired_item.question, is_active=False)
    ready = QuizQuestionFactory(quiz=QuizFactory()).quiz

    assert services.quiz_problems(empty) == [gettext("Add at least one question.")]
    assert services.quiz_problems(retired_item.quiz) == [gettext("Replace the retired questions.")]
    assert services.quiz_problems(ready) == []


def test_quiz_problems_name_what_stops_a_random_quiz():
    bank = QuestionBankFactory()
    question(bank)
    no_rules = QuizFactory(mode=Quiz.Mode.RANDOM)
    too_few = DrawRuleFactory(bank=bank, count=2).quiz

    assert services.quiz_problems(no_rules) == [gettext("Add at least one draw rule.")]
    assert services.quiz_problems(too_few) == [
        gettext("A draw rule asks for %(count)s questions but only %(available)s match.")
        % {"count": 2, "available": 1}
    ]


@pytest.mark.parametrize("mode", [Quiz.Mode.FIXED, Quiz.Mode.RANDOM])
def test_quiz_publish_refuses_an_unready_quiz_and_leaves_it_a_draft(mode):
    quiz = QuizFactory(mode=mode)

    with pytest.raises(ValidationError) as excinfo:
        services.quiz_publish(quiz=quiz)

    assert excinfo.value.messages == services.quiz_problems(quiz) != []
    quiz.refresh_from_db()
    assert quiz.status == Quiz.Status.DRAFT


def test_quiz_publish_refusal_carries_its_code():
    """``ValidationError(list, code=...)`` drops the code: each message needs its own."""
    with pytest.raises(ValidationError) as excinfo:
        services.quiz_publish(quiz=QuizFactory())

    assert codes(excinfo) == {"not_ready"}


def test_quiz_publish_refuses_rules_that_together_need_more_questions_than_exist():
    """Each rule alone finds enough easy questions, but they may not share one."""
    bank = QuestionBankFactory()
    question(bank, difficulty=1)
    question(bank, difficulty=1)
    quiz = QuizFactory(mode=Quiz.Mode.RANDOM)
    DrawRuleFactory(quiz=quiz, bank=bank, difficulty=1, count=2, order=1)
    DrawRuleFactory(quiz=quiz, bank=bank, difficulty=1, count=1, order=2)

    with pytest.raises(ValidationError):
        services.quiz_publish(quiz=quiz)

    quiz.refresh_from_db()
    assert quiz.status == Quiz.Status.DRAFT


def test_quiz_publish_opens_a_ready_quiz(agent):
    quiz = QuizQuestionFactory().quiz
    with pytest.raises(ValidationError) as excinfo:
        services.attempt_start(quiz=quiz, agent=agent, now=NOW)
    assert codes(excinfo) == {"unpublished"}

    services.quiz_publish(quiz=quiz)

    quiz.refresh_from_db()
    assert quiz.status == Quiz.Status.PUBLISHED
    assert services.attempt_start(quiz=quiz, agent=agent, now=NOW).quiz == quiz


def test_an_archived_quiz_cannot_be_started(agent):
    quiz = services.quiz_archive(quiz=published_quiz())

    with pytest.raises(ValidationError) as excinfo:
        services.attempt_start(quiz=quiz, agent=agent, now=NOW)

    assert codes(excinfo) == {"unpublished"}
    assert not Attempt.objects.exists()


# --- Replacing a question ------------------------------------------------------------


@pytest.fixture
def three_items():
    quiz = QuizFactory()
    section = QuizSection.objects.create(quiz=quiz, title_zh="退换货", order=1)
    bank = QuestionBankFactory()
    items = [
        QuizQuestionFactory(quiz=quiz, question=question(bank), order=order, marks=marks)
        for order, marks in [(1, 1), (2, 4), (3, 2)]
    ]
    items[1].section = section
    items[1].save(update_fields=["section"])
    return quiz, items, bank


def stored_items(quiz: Quiz) -> list[tuple]:
    return list(quiz.items.values_list("pk", "order", "marks", "section", "question"))


def test_replace_swaps_the_question_and_keeps_place_section_and_marks(three_items):
    quiz, items, bank = three_items
    before = stored_items(quiz)
    newcomer = question(bank, text_zh="物流停滞超过48小时怎么办？")

    services.quiz_question_replace(item=items[1], question=newcomer)

    after = stored_items(quiz)
    assert after[0] == before[0]
    assert after[2] == before[2]
    assert after[1] == (*before[1][:4], newcomer.pk)


def test_replace_refuses_a_question_already_in_the_quiz(three_items):
    quiz, items, _bank = three_items
    before = stored_items(quiz)

    with pytest.raises(ValidationError) as excinfo:
        services.quiz_question_replace(item=items[1], question=items[0].question)

    assert codes(excinfo) == {"twice"}
    assert stored_items(quiz) == before


def test_replace_refuses_a_retired_question(three_items):
    quiz, items, bank = three_items
    before = stored_items(quiz)
    retired = services.question_update(question=question(bank), is_active=False)

    with pytest.raises(ValidationError) as excinfo:
        services.quiz_question_replace(item=items[1], question=retired)

    assert codes(excinfo) == {"inactive"}
    assert stored_items(quiz) == before


def test_replacing_a_question_leaves_started_attempts_alone(agent, three_items):
    quiz, items, bank = three_items
    services.quiz_publish(quiz=quiz)
    attempt = services.attempt_start(quiz=quiz, agent=agent, now=NOW)
    old = items[1].question.pk

    services.quiz_question_replace(item=items[1], question=question(bank))

    attempt.refresh_from_db()
    assert old in paper_ids(attempt)
    assert str(old) in attempt.key


# --- The paper and the key -----------------------------------------------------------


def test_the_paper_carries_nothing_of_the_key(agent):
    bank = QuestionBankFactory()
    items = [
        question(bank, kind=Question.Kind.SINGLE, explanation_zh="解析甲：签收次日起算"),
        question(bank, kind=Question.Kind.MULTIPLE, correct=(0, 2), explanation_zh="解析乙"),
        question(bank, kind=Question.Kind.TRUE_FALSE, explanation_en="Explanation C"),
    ]
    quiz = fixed_quiz(*((item, 1) for item in items))

    attempt = services.attempt_start(quiz=quiz, agent=agent, now=NOW)

    for entry in attempt.paper:
        assert set(entry) == {"id", "kind", "text_zh", "text_en", "marks", "section_id", "options"}
        for option in entry["options"]:
            assert set(option) == {"id", "text_zh", "text_en"}
    dumped = json.dumps(attempt.paper, ensure_ascii=False)
    for secret in ["解析甲", "签收次日起算", "解析乙", "Explanation C", "correct", "explanation"]:
        assert secret not in dumped
    assert attempt.key == {
        str(item.pk): {
            "correct": sorted(right(item.pk)),
            "explanation_zh": item.explanation_zh,
            "explanation_en": item.explanation_en,
        }
        for item in items
    }


def test_an_edit_after_the_start_changes_neither_the_paper_nor_the_key(agent, other_agent):
    item = question(text_zh="七天无理由退货从哪天开始计算？", correct=(1,), options=3)
    quiz = fixed_quiz((item, 5))
    attempt = services.attempt_start(quiz=quiz, agent=agent, now=NOW)
    paper, key = copy.deepcopy(attempt.paper), copy.deepcopy(attempt.key)
    right_then = right(item.pk)

    services.question_update(
        question=item,
        text_zh="改过的题干",
        explanation_zh="新的解析",
        options=[("新选项一", "", True), ("新选项二", "", False)],
    )

    attempt.refresh_from_db()
    assert (attempt.paper, attempt.key) == (paper, key)
    assert attempt.paper[0]["text_zh"] == "七天无理由退货从哪天开始计算？"
    # The agent's right answer under the version they drew still earns every mark.
    services.answer_save(
        attempt=attempt, question_id=item.pk, selected=right_then, now=NOW + MINUTE
    )
    submitted = services.attempt_submit(attempt=attempt, now=NOW + 2 * MINUTE)
    assert (submitted.score, submitted.percent) == (Decimal(5), Decimal(100))
    # Someone starting now gets the new version.
    fresh = services.attempt_start(quiz=quiz, agent=other_agent, now=NOW)
    assert fresh.paper[0]["text_zh"] == "改过的题干"
    assert fresh.key[str(item.pk)]["correct"] == right(item.pk)
    with pytest.raises(ValidationError) as excinfo:
        services.answer_save(attempt=fresh, question_id=item.pk, selected=right_then, now=NOW)
    assert codes(excinfo) == {"option"}


@pytest.fixture
def mixed_questions():
    bank = QuestionBankFactory()
    return [
        question(bank, kind=Question.Kind.SINGLE, correct=(0,), options=4),
        question(bank, kind=Question.Kind.MULTIPLE, correct=(0, 3), options=5),
        question(bank, kind=Question.Kind.TRUE_FALSE, correct=()),  # the answer is 错误
        question(bank, kind=Question.Kind.SINGLE, correct=(2,), options=3),
    ]


def test_shuffled_questions_and_options_keep_the_key_consistent(agent, mixed_questions):
    quiz = fixed_quiz(
        *((item, 2) for item in mixed_questions), shuffle_questions=True, shuffle_options=True
    )

    with predictable_draw:
        attempt = services.attempt_start(quiz=quiz, agent=agent, now=NOW)

    assert paper_ids(attempt) == [item.pk for item in reversed(mixed_questions)]
    for entry in attempt.paper:
        in_order = list(Option.objects.filter(question_id=entry["id"]).values_list("pk", flat=True))
        shown = [option["id"] for option in entry["options"]]
        if entry["kind"] == Question.Kind.TRUE_FALSE:
            assert shown == in_order  # 正确 / 错误 keep their places
        else:
            assert shown == in_order[::-1]
        assert attempt.key[str(entry["id"])]["correct"] == sorted(right(entry["id"]))
    answer_all(attempt, now=NOW + MINUTE)
    submitted = services.attempt_submit(attempt=attempt, now=NOW + 2 * MINUTE)
    assert (submitted.score, submitted.percent, submitted.passed) == (
        Decimal(8),
        Decimal(100),
        True,
    )


def test_randomly_shuffled_papers_score_right_answers_in_full(team, mixed_questions):
    quiz = fixed_quiz(
        *((item, 1) for item in mixed_questions), shuffle_questions=True, shuffle_options=True
    )

    for _ in range(6):
        attempt = services.attempt_start(quiz=quiz, agent=UserFactory(team=team), now=NOW)
        assert sorted(paper_ids(attempt)) == sorted(item.pk for item in mixed_questions)
        answer_all(attempt, now=NOW + MINUTE)
        assert services.attempt_submit(attempt=attempt, now=NOW + 2 * MINUTE).percent == 100


# --- Deadline ------------------------------------------------------------------------


@pytest.fixture
def timed_quiz():
    return published_quiz(questions=3, time_limit_minutes=30, pass_mark=60)


def test_the_deadline_is_the_start_plus_the_time_limit(agent, timed_quiz):
    attempt = services.attempt_start(quiz=timed_quiz, agent=agent, now=NOW)

    attempt.refresh_from_db()
    assert attempt.started_at == NOW
    assert attempt.deadline == NOW + 30 * MINUTE
    assert (attempt.number, attempt.status) == (1, Attempt.Status.IN_PROGRESS)


def test_a_quiz_without_time_limit_has_no_deadline(agent):
    attempt = services.attempt_start(quiz=published_quiz(), agent=agent, now=NOW)
    later = NOW + datetime.timedelta(days=30)

    first = attempt.paper[0]["id"]
    services.answer_save(attempt=attempt, question_id=first, selected=right(first), now=later)

    assert attempt.deadline is None
    assert Answer.objects.get(attempt=attempt).saved_at == later


@pytest.mark.parametrize("late", [datetime.timedelta(0), SECOND, 45 * MINUTE])
def test_answers_are_refused_at_and_after_the_deadline_and_nothing_changes(agent, timed_quiz, late):
    attempt = services.attempt_start(quiz=timed_quiz, agent=agent, now=NOW)
    first, second = paper_ids(attempt)[:2]
    last_moment = attempt.deadline - SECOND
    services.answer_save(attempt=attempt, question_id=first, selected=right(first), now=last_moment)

    for question_id, choice in [(first, wrong(first)[:1]), (second, right(second))]:
        with pytest.raises(ValidationError) as excinfo:
            services.answer_save(
                attempt=attempt,
                question_id=question_id,
                selected=choice,
                now=attempt.deadline + late,
            )
        assert codes(excinfo) == {"deadline"}

    assert list(Answer.objects.values_list("question_id", "selected", "saved_at")) == [
        (first, right(first), last_moment)
    ]


def test_a_late_submission_scores_what_was_saved_and_is_dated_at_the_deadline(agent, timed_quiz):
    attempt = services.attempt_start(quiz=timed_quiz, agent=agent, now=NOW)
    first, second, _third = paper_ids(attempt)
    services.answer_save(attempt=attempt, question_id=first, selected=right(first), now=NOW)
    services.answer_save(attempt=attempt, question_id=second, selected=right(second), now=NOW)
    with pytest.raises(ValidationError):
        services.answer_save(
            attempt=attempt,
            question_id=second,
            selected=wrong(second)[:1],
            now=attempt.deadline + MINUTE,
        )

    submitted = services.attempt_submit(attempt=attempt, now=NOW + 3 * 60 * MINUTE)

    submitted.refresh_from_db()
    assert submitted.submitted_at == NOW + 30 * MINUTE == submitted.deadline
    assert (submitted.score, submitted.percent, submitted.passed) == (
        Decimal(2),
        Decimal("66.67"),
        True,
    )


def test_an_early_submission_is_dated_when_it_was_made(agent, timed_quiz):
    attempt = services.attempt_start(quiz=timed_quiz, agent=agent, now=NOW)

    submitted = services.attempt_submit(attempt=attempt, now=NOW + 12 * MINUTE)

    submitted.refresh_from_db()
    assert submitted.submitted_at == NOW + 12 * MINUTE


def test_answer_save_refuses_what_is_not_on_the_paper_and_changes_nothing(agent, other_agent):
    quiz = published_quiz(questions=2)
    attempt = services.attempt_start(quiz=quiz, agent=agent, now=NOW)
    first, second = paper_ids(attempt)
    elsewhere = question()
    multiple = question(kind=Question.Kind.MULTIPLE, correct=(0, 1))

    refusals = [
        (elsewhere.pk, right(elsewhere.pk), "question"),
        (multiple.pk, right(multiple.pk), "question"),
        (first, right(second), "option"),
        (first, right(first) + wrong(first)[:1], "one"),
    ]
    for question_id, selected, code in refusals:
        with pytest.raises(ValidationError) as excinfo:
            services.answer_save(
                attempt=attempt, question_id=question_id, selected=selected, now=NOW
            )
        assert codes(excinfo) == {code}
    assert not Answer.objects.exists()

    services.attempt_submit(attempt=attempt, now=NOW + MINUTE)
    with pytest.raises(ValidationError) as excinfo:
        services.answer_save(attempt=attempt, question_id=first, selected=right(first), now=NOW)
    assert codes(excinfo) == {"submitted"}
    assert not Answer.objects.exists()


# --- Resuming and the attempt limit --------------------------------------------------


def test_starting_again_resumes_the_open_attempt(agent, timed_quiz):
    attempt = services.attempt_start(quiz=timed_quiz, agent=agent, now=NOW)

    again = services.attempt_start(quiz=timed_quiz, agent=agent, now=attempt.deadline - SECOND)

    assert again.pk == attempt.pk
    assert (again.paper, again.started_at, again.deadline) == (
        attempt.paper,
        NOW,
        NOW + 30 * MINUTE,
    )
    assert Attempt.objects.count() == 1


def test_starting_after_the_time_ran_out_submits_the_old_attempt_and_starts_a_new_one(agent):
    timed_quiz = published_quiz(questions=3, time_limit_minutes=30, attempt_limit=2)
    old = services.attempt_start(quiz=timed_quiz, agent=agent, now=NOW)
    first = paper_ids(old)[0]
    services.answer_save(attempt=old, question_id=first, selected=right(first), now=NOW + MINUTE)

    new = services.attempt_start(quiz=timed_quiz, agent=agent, now=old.deadline)

    old.refresh_from_db()
    assert new.pk != old.pk
    assert (new.number, new.status, new.started_at) == (2, Attempt.Status.IN_PROGRESS, old.deadline)
    assert (old.status, old.submitted_at, old.score) == (
        Attempt.Status.SUBMITTED,
        old.deadline,
        Decimal(1),
    )


def test_an_expired_attempt_is_submitted_even_when_no_attempt_is_left(agent):
    quiz = published_quiz(questions=2, time_limit_minutes=10, attempt_limit=1)
    old = services.attempt_start(quiz=quiz, agent=agent, now=NOW)
    first = paper_ids(old)[0]
    services.answer_save(attempt=old, question_id=first, selected=right(first), now=NOW + MINUTE)

    with pytest.raises(ValidationError) as excinfo:
        services.attempt_start(quiz=quiz, agent=agent, now=NOW + 20 * MINUTE)

    assert codes(excinfo) == {"attempt_limit"}
    assert Attempt.objects.count() == 1
    old.refresh_from_db()
    assert (old.status, old.submitted_at, old.score) == (
        Attempt.Status.SUBMITTED,
        old.deadline,
        Decimal(1),
    )


def test_the_attempt_limit_refuses_one_more_start(agent, other_agent):
    quiz = published_quiz(attempt_limit=2)
    for minute in (0, 10):
        attempt = services.attempt_start(quiz=quiz, agent=agent, now=NOW + minute * MINUTE)
        services.attempt_submit(attempt=attempt, now=NOW + (minute + 5) * MINUTE)

    with pytest.raises(ValidationError) as excinfo:
        services.attempt_start(quiz=quiz, agent=agent, now=NOW + 30 * MINUTE)

    assert codes(excinfo) == {"attempt_limit"}
    assert "2" in excinfo.value.messages[0]
    assert sorted(Attempt.objects.filter(agent=agent).values_list("number", flat=True)) == [1, 2]
    # The limit is per person.
    assert services.attempt_start(quiz=quiz, agent=other_agent, now=NOW).number == 1


def test_without_a_limit_attempts_are_numbered_on(agent):
    quiz = published_quiz()
    numbers = []
    for minute in (0, 10, 20):
        attempt = services.attempt_start(quiz=quiz, agent=agent, now=NOW + minute * MINUTE)
        services.attempt_submit(attempt=attempt, now=NOW + (minute + 5) * MINUTE)
        numbers.append(attempt.number)

    assert numbers == [1, 2, 3]


# --- Effects of a pass ---------------------------------------------------------------


@pytest.fixture
def passed_signals():
    """The attempts ``assessment_passed`` was sent for, in order."""
    received: list[tuple[int, bool]] = []

    def receiver(sender, attempt, **kwargs):
        received.append((attempt.pk, attempt.passed))

    assessment_passed.connect(receiver, weak=False, dispatch_uid="test-assessments-passed")
    yield received
    assessment_passed.disconnect(dispatch_uid="test-assessments-passed")


@pytest.fixture
def evidencing_quiz():
    competency = CompetencyFactory(name_zh="退换货处理")
    return published_quiz(questions=2, pass_mark=50, competency=competency, level=Level.ADVANCED)


def take(quiz: Quiz, agent, *, correctly: bool, now: datetime.datetime = NOW) -> Attempt:
    attempt = services.attempt_start(quiz=quiz, agent=agent, now=now)
    answer_all(attempt, now=now + MINUTE, correctly=correctly)
    return services.attempt_submit(attempt=attempt, now=now + 2 * MINUTE)


def test_a_pass_records_evidence_at_the_quiz_level_and_derives_the_level(agent, evidencing_quiz):
    attempt = take(evidencing_quiz, agent, correctly=True)

    assert attempt.passed is True
    evidence = Evidence.objects.get()
    assert (
        evidence.agent,
        evidence.competency,
        evidence.level,
        evidence.source,
        evidence.source_ref,
        evidence.observed_on,
        evidence.recorded_by,
    ) == (
        agent,
        evidencing_quiz.competency,
        Level.ADVANCED,
        Evidence.Source.QUIZ,
        f"quiz-attempt:{attempt.pk}",
        datetime.date(2026, 3, 10),
        None,
    )
    level = CompetencyLevel.objects.get(agent=agent, competency=evidencing_quiz.competency)
    assert (level.level, level.evidence) == (Level.ADVANCED, evidence)


def test_a_fail_records_no_evidence(agent, evidencing_quiz):
    attempt = take(evidencing_quiz, agent, correctly=False)

    assert attempt.passed is False
    assert not Evidence.objects.exists()
    assert not CompetencyLevel.objects.exists()


def test_a_pass_of_a_quiz_without_competency_records_no_evidence(agent):
    attempt = take(published_quiz(), agent, correctly=True)

    assert attempt.passed is True
    assert not Evidence.objects.exists()


def test_assessment_passed_is_sent_once_after_commit(
    agent, evidencing_quiz, passed_signals, django_capture_on_commit_callbacks
):
    attempt = services.attempt_start(quiz=evidencing_quiz, agent=agent, now=NOW)
    answer_all(attempt, now=NOW + MINUTE)

    with django_capture_on_commit_callbacks() as callbacks:
        services.attempt_submit(attempt=attempt, now=NOW + 2 * MINUTE)
    assert passed_signals == []  # not before the commit
    for callback in callbacks:
        callback()
    assert passed_signals == [(attempt.pk, True)]

    with django_capture_on_commit_callbacks(execute=True) as again:
        services.attempt_submit(attempt=attempt, now=NOW + 3 * MINUTE)
        services.attempts_close_expired(now=NOW + 60 * MINUTE)
    assert again == []
    assert passed_signals == [(attempt.pk, True)]


def test_assessment_passed_is_not_sent_on_a_fail(
    agent, evidencing_quiz, passed_signals, django_capture_on_commit_callbacks
):
    attempt = services.attempt_start(quiz=evidencing_quiz, agent=agent, now=NOW)
    answer_all(attempt, now=NOW + MINUTE, correctly=False)

    with django_capture_on_commit_callbacks(execute=True):
        failed = services.attempt_submit(attempt=attempt, now=NOW + 2 * MINUTE)

    assert failed.passed is False
    assert passed_signals == []


# --- Course completion ---------------------------------------------------------------


@pytest.fixture
def completions():
    """The enrolments ``course_completed`` was sent for, in order."""
    received: list[int] = []

    def receiver(sender, enrolment, **kwargs):
        received.append(enrolment.pk)

    course_completed.connect(receiver, weak=False, dispatch_uid="test-assessments-completions")
    yield received
    course_completed.disconnect(dispatch_uid="test-assessments-completions")


def finish_lessons(enrolment: Enrolment) -> Enrolment:
    for lesson in enrolment.version.snapshot["lessons"]:
        enrolment = course_services.lesson_complete(enrolment=enrolment, lesson_id=lesson["id"])
    return enrolment


@pytest.fixture
def course():
    return published_course(lessons=2, title_zh="退换货流程")


def test_a_required_quiz_blocks_completion_until_it_is_passed(
    agent, course, completions, django_capture_on_commit_callbacks
):
    quiz = published_quiz(
        questions=2, title_zh="退换货结课测验", course=course, required_for_course=True
    )
    enrolment = enrolment_for(agent, course)

    with django_capture_on_commit_callbacks(execute=True):
        enrolment = finish_lessons(enrolment)
        take(quiz, agent, correctly=False)

    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.completed_at) == (Enrolment.Status.IN_PROGRESS, None)
    unmet = completion_conditions_unmet(enrolment)
    assert len(unmet) == 1
    assert "退换货结课测验" in unmet[0]
    assert completions == []

    with django_capture_on_commit_callbacks(execute=True):
        take(quiz, agent, correctly=True, now=NOW + 10 * MINUTE)

    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert enrolment.completed_at is not None
    assert completion_conditions_unmet(enrolment) == []
    assert completions == [enrolment.pk]


def test_a_required_quiz_passed_first_lets_the_last_lesson_complete_the_course(
    agent, course, completions, django_capture_on_commit_callbacks
):
    quiz = published_quiz(course=course, required_for_course=True)
    enrolment = enrolment_for(agent, course)

    with django_capture_on_commit_callbacks(execute=True):
        take(quiz, agent, correctly=True)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.NOT_STARTED
    assert completions == []

    with django_capture_on_commit_callbacks(execute=True):
        enrolment = finish_lessons(enrolment)

    assert enrolment.status == Enrolment.Status.COMPLETED
    assert completions == [enrolment.pk]


def test_another_agent_s_pass_does_not_complete_my_course(agent, other_agent, course):
    quiz = published_quiz(course=course, required_for_course=True)
    enrolment = finish_lessons(enrolment_for(agent, course))
    enrolment_for(other_agent, course)

    take(quiz, other_agent, correctly=True)

    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.IN_PROGRESS


@pytest.mark.parametrize(
    "quiz_fields",
    [
        {"required_for_course": False},
        # A draft required quiz cannot be taken, so it cannot block anyone.
        {"required_for_course": True, "status": Quiz.Status.DRAFT},
    ],
)
def test_a_quiz_that_is_not_required_does_not_block_completion(
    agent, course, completions, django_capture_on_commit_callbacks, quiz_fields
):
    QuizFactory(course=course, **quiz_fields)
    enrolment = enrolment_for(agent, course)

    with django_capture_on_commit_callbacks(execute=True):
        enrolment = finish_lessons(enrolment)

    assert enrolment.status == Enrolment.Status.COMPLETED
    assert completion_conditions_unmet(enrolment) == []
    assert completions == [enrolment.pk]


# --- Closing expired attempts --------------------------------------------------------


def test_close_expired_submits_only_open_attempts_whose_time_ran_out(team):
    people = [UserFactory(team=team) for _ in range(5)]
    run_at = NOW + 40 * MINUTE
    timed = published_quiz(questions=2, time_limit_minutes=30)
    untimed = published_quiz()

    expired = services.attempt_start(quiz=timed, agent=people[0], now=NOW)
    answer_all(expired, now=NOW + MINUTE)
    at_deadline = services.attempt_start(quiz=timed, agent=people[1], now=NOW + 10 * MINUTE)
    running = services.attempt_start(quiz=timed, agent=people[2], now=NOW + 20 * MINUTE)
    no_limit = services.attempt_start(quiz=untimed, agent=people[3], now=NOW)
    done = services.attempt_start(quiz=timed, agent=people[4], now=NOW)
    done = services.attempt_submit(attempt=done, now=NOW + 5 * MINUTE)

    assert services.attempts_close_expired(now=run_at) == 2

    state = {a.pk: (a.status, a.submitted_at, a.score) for a in Attempt.objects.all()}
    assert state == {
        expired.pk: (Attempt.Status.SUBMITTED, NOW + 30 * MINUTE, Decimal(2)),
        at_deadline.pk: (Attempt.Status.SUBMITTED, run_at, Decimal(0)),
        running.pk: (Attempt.Status.IN_PROGRESS, None, None),
        no_limit.pk: (Attempt.Status.IN_PROGRESS, None, None),
        done.pk: (Attempt.Status.SUBMITTED, NOW + 5 * MINUTE, Decimal(0)),
    }

    # Idempotent: a second run finds nothing and changes nothing.
    assert services.attempts_close_expired(now=run_at + MINUTE) == 0
    assert {a.pk: (a.status, a.submitted_at, a.score) for a in Attempt.objects.all()} == state


def test_closing_an_expired_passing_attempt_records_its_evidence(agent, evidencing_quiz):
    timed = published_quiz(
        questions=2,
        time_limit_minutes=15,
        competency=evidencing_quiz.competency,
        level=Level.EXPERT,
    )
    attempt = services.attempt_start(quiz=timed, agent=agent, now=NOW)
    answer_all(attempt, now=NOW + MINUTE)

    assert services.attempts_close_expired(now=NOW + 16 * MINUTE) == 1

    attempt.refresh_from_db()
    assert attempt.passed is True
    evidence = Evidence.objects.get()
    assert (evidence.source_ref, evidence.level) == (f"quiz-attempt:{attempt.pk}", Level.EXPERT)
