"""Question banks, quizzes and attempts: every write, each one transaction.

Answer keys and explanations are copied into ``Attempt.key`` when an attempt starts and
read back only by scoring and by the report shown after submission.
"""

import datetime
import itertools
import logging
import random
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Enrolment
from courses.services import enrolment_complete_if_done
from lms.models import Evidence, User
from lms.services import evidence_record

from .models import (
    Answer,
    Attempt,
    DrawRule,
    Option,
    Question,
    QuestionBank,
    Quiz,
    QuizQuestion,
)
from .signals import assessment_passed

logger = logging.getLogger(__name__)

# --- Questions -----------------------------------------------------------------------

OptionSpec = tuple[str, str, bool]  # (text_zh, text_en, is_correct)


def true_false_options(correct: bool) -> list[OptionSpec]:
    return [("正确", "True", correct), ("错误", "False", not correct)]


def _options_check(kind: str, options: list[OptionSpec]) -> None:
    if kind not in Question.Kind.values:
        raise ValidationError(_("Unknown question type."), code="kind")
    texts = [zh.strip() for zh, _en, _ok in options]
    if any(not t for t in texts):
        raise ValidationError(_("Every option needs its text."), code="option_text")
    if len(set(texts)) != len(texts):
        raise ValidationError(_("Two options have the same text."), code="option_twice")
    correct = sum(1 for *_texts, ok in options if ok)
    if kind == Question.Kind.TRUE_FALSE and len(options) != 2:
        raise ValidationError(_("A true/false question has exactly two options."), code="tf")
    if len(options) < 2:
        raise ValidationError(_("Give at least two options."), code="options")
    if kind in (Question.Kind.SINGLE, Question.Kind.TRUE_FALSE) and correct != 1:
        raise ValidationError(_("Mark exactly one option as correct."), code="correct_one")
    if kind == Question.Kind.MULTIPLE and correct < 1:
        raise ValidationError(_("Mark at least one option as correct."), code="correct_some")


@transaction.atomic
def bank_create(
    *, code: str, title_zh: str, created_by: User | None, **fields: Any
) -> QuestionBank:
    bank = QuestionBank(code=code, title_zh=title_zh, created_by=created_by, **fields)
    bank.full_clean()
    bank.save()
    return bank


@transaction.atomic
def question_create(
    *,
    bank: QuestionBank,
    kind: str,
    text_zh: str,
    options: list[OptionSpec],
    created_by: User | None,
    **fields: Any,
) -> Question:
    _options_check(kind, options)
    question = Question(bank=bank, kind=kind, text_zh=text_zh, created_by=created_by, **fields)
    question.full_clean()
    question.save()
    Option.objects.bulk_create(
        Option(question=question, order=i, text_zh=zh.strip(), text_en=en.strip(), is_correct=ok)
        for i, (zh, en, ok) in enumerate(options, start=1)
    )
    return question


@transaction.atomic
def question_update(
    *, question: Question, options: list[OptionSpec] | None = None, **fields: Any
) -> Question:
    """Edit a question. Attempts already started keep the version they drew.

    ``options`` None keeps the options; when the kind changes they are checked again
    against the new kind (a true/false question has exactly two, …).
    """
    if options is None and fields.get("kind", question.kind) != question.kind:
        options = [(o.text_zh, o.text_en, o.is_correct) for o in question.options.all()]
    for name, value in fields.items():
        setattr(question, name, value)
    question.full_clean()
    question.save()
    if options is not None:
        _options_check(question.kind, options)
        question.options.all().delete()
        Option.objects.bulk_create(
            Option(
                question=question, order=i, text_zh=zh.strip(), text_en=en.strip(), is_correct=ok
            )
            for i, (zh, en, ok) in enumerate(options, start=1)
        )
    return question


# --- Quizzes -------------------------------------------------------------------------


@transaction.atomic
def quiz_items_set(*, quiz: Quiz, items: list[tuple[Question, int]]) -> Quiz:
    """Set the fixed questions of a quiz, in order, with their marks."""
    if len({q.pk for q, _marks in items}) != len(items):
        raise ValidationError(_("A question appears twice in the quiz."), code="twice")
    if any(marks < 1 for _q, marks in items):
        raise ValidationError(_("Each question is worth at least one mark."), code="marks")
    quiz.items.all().delete()
    QuizQuestion.objects.bulk_create(
        QuizQuestion(quiz=quiz, question=q, order=i, marks=marks)
        for i, (q, marks) in enumerate(items, start=1)
    )
    _published_stays_takeable(quiz)
    return quiz


@transaction.atomic
def quiz_question_replace(*, item: QuizQuestion, question: Question) -> QuizQuestion:
    """Swap one question of a quiz for another, keeping its place, section and marks."""
    if item.quiz.items.exclude(pk=item.pk).filter(question=question).exists():
        raise ValidationError(_("That question is already in the quiz."), code="twice")
    if not question.is_active:
        raise ValidationError(_("That question has been retired."), code="inactive")
    item.question = question
    item.save(update_fields=["question"])
    _published_stays_takeable(item.quiz)
    return item


def _draw_candidates(rule: DrawRule):
    questions = Question.objects.filter(is_active=True)
    if rule.bank_id:
        questions = questions.filter(bank_id=rule.bank_id)
    if rule.competency_id:
        questions = questions.filter(competency_id=rule.competency_id)
    if rule.level:
        questions = questions.filter(level=rule.level)
    if rule.difficulty:
        questions = questions.filter(difficulty=rule.difficulty)
    return questions


def quiz_problems(quiz: Quiz) -> list[str]:
    """What stops the quiz from being taken, as sentences; empty when it can be."""
    problems = []
    if quiz.mode == Quiz.Mode.FIXED:
        if not quiz.items.exists():
            problems.append(_("Add at least one question."))
        if quiz.items.filter(question__is_active=False).exists():
            problems.append(_("Replace the retired questions."))
    else:
        rules = list(quiz.draw_rules.all())
        if not rules:
            problems.append(_("Add at least one draw rule."))
        if len(rules) > MAX_DRAW_RULES:
            return [_("At most %(max)s draw rules per quiz.") % {"max": MAX_DRAW_RULES}]
        pools = {r.pk: set(_draw_candidates(r).values_list("pk", flat=True)) for r in rules}
        for rule in rules:
            available = len(pools[rule.pk])
            if available < rule.count:
                problems.append(
                    _("A draw rule asks for %(count)s questions but only %(available)s match.")
                    % {"count": rule.count, "available": available}
                )
        # Rules that share questions must find enough between them too (Hall's condition;
        # quizzes have a handful of rules, so checking every group is cheap).
        if not problems:
            for size in range(2, len(rules) + 1):
                for group in itertools.combinations(rules, size):
                    needed = sum(r.count for r in group)
                    available = len(set().union(*(pools[r.pk] for r in group)))
                    if available < needed:
                        problems.append(
                            _(
                                "The draw rules together ask for %(count)s questions "
                                "but only %(available)s match."
                            )
                            % {"count": needed, "available": available}
                        )
                        break
                if problems:
                    break
    if quiz.competency_id and not quiz.level:
        problems.append(_("Give the level the quiz evidences."))
    if quiz.competency_id and not quiz.competency.is_active:
        problems.append(_("The competency this quiz evidences is no longer in use."))
    return problems


MAX_DRAW_RULES = 10


def _published_stays_takeable(quiz: Quiz) -> None:
    """Edits to a published quiz may not leave it impossible to take (the transaction
    they run in is rolled back with the reasons)."""
    if quiz.status != Quiz.Status.PUBLISHED:
        return
    problems = quiz_problems(quiz)
    if problems:
        raise ValidationError(
            [
                ValidationError(
                    _("This quiz is published and could no longer be taken: %(problem)s")
                    % {"problem": problem},
                    code="not_takeable",
                )
                for problem in problems
            ]
        )


@transaction.atomic
def quiz_publish(*, quiz: Quiz) -> Quiz:
    problems = quiz_problems(quiz)
    if problems:
        raise ValidationError([ValidationError(p, code="not_ready") for p in problems])
    quiz.status = Quiz.Status.PUBLISHED
    quiz.save(update_fields=["status", "updated_at"])
    return quiz


@transaction.atomic
def quiz_archive(*, quiz: Quiz) -> Quiz:
    quiz.status = Quiz.Status.ARCHIVED
    quiz.save(update_fields=["status", "updated_at"])
    return quiz


# --- Attempts ------------------------------------------------------------------------


def _paper_entry(question: Question, *, marks: int, section, rng: random.Random, shuffle: bool):
    options = list(question.options.all())
    if shuffle and question.kind != Question.Kind.TRUE_FALSE:
        rng.shuffle(options)
    entry = {
        "id": question.pk,
        "kind": question.kind,
        "text_zh": question.text_zh,
        "text_en": question.text_en,
        "marks": marks,
        "section_id": section.pk if section else None,
        "options": [{"id": o.pk, "text_zh": o.text_zh, "text_en": o.text_en} for o in options],
    }
    key = {
        "correct": sorted(o.pk for o in options if o.is_correct),
        "explanation_zh": question.explanation_zh,
        "explanation_en": question.explanation_en,
    }
    return entry, key


def _draw(quiz: Quiz, rng: random.Random) -> tuple[list[dict], dict[str, dict]]:
    paper: list[dict] = []
    key: dict[str, dict] = {}
    if quiz.mode == Quiz.Mode.FIXED:
        chosen = [
            (item.question, item.marks, item.section)
            for item in quiz.items.select_related("question", "section").prefetch_related(
                "question__options"
            )
        ]
    else:
        # The narrowest rule draws first, so that a broad rule ("any question of the
        # bank") cannot take the question a narrow one ("hard only") needs. The paper
        # still follows the rules' own order.
        rules = list(quiz.draw_rules.select_related("section"))
        pools = {r.pk: list(_draw_candidates(r).values_list("pk", flat=True)) for r in rules}
        picks: dict[int, list[int]] = {}
        taken: set[int] = set()
        for rule in sorted(rules, key=lambda r: (len(pools[r.pk]), r.order, r.pk)):
            ids = sorted(pk for pk in pools[rule.pk] if pk not in taken)
            if len(ids) < rule.count:
                raise ValidationError(
                    _("This quiz cannot be drawn right now: too few questions. Tell a trainer."),
                    code="draw",
                )
            picks[rule.pk] = rng.sample(ids, rule.count)
            taken.update(picks[rule.pk])
        questions = Question.objects.prefetch_related("options").in_bulk(list(taken))
        chosen = [
            (questions[pk], rule.marks_each, rule.section)
            for rule in rules
            for pk in picks[rule.pk]
        ]
    if quiz.shuffle_questions:
        rng.shuffle(chosen)
    for question, marks, section in chosen:
        entry, secret = _paper_entry(
            question, marks=marks, section=section, rng=rng, shuffle=quiz.shuffle_options
        )
        paper.append(entry)
        key[str(question.pk)] = secret
    return paper, key


def attempt_start(*, quiz: Quiz, agent: User, now: datetime.datetime | None = None) -> Attempt:
    """Start (or resume) an attempt; an attempt whose time ran out is submitted first.

    Two transactions: the expired attempt stays submitted (and scored) even when the
    start that follows is refused, e.g. because no attempt is left.
    """
    now = now or timezone.now()
    _attempt_close_if_expired(quiz=quiz, agent=agent, now=now)
    return _attempt_start(quiz=quiz, agent=agent, now=now)


@transaction.atomic
def _attempt_close_if_expired(*, quiz: Quiz, agent: User, now: datetime.datetime) -> None:
    User.objects.select_for_update(no_key=True).filter(pk=agent.pk).values_list("pk").get()
    expired = Attempt.objects.filter(
        quiz=quiz, agent=agent, status=Attempt.Status.IN_PROGRESS, deadline__lte=now
    ).first()
    if expired is not None:
        attempt_submit(attempt=expired, now=now)


@transaction.atomic
def _attempt_start(*, quiz: Quiz, agent: User, now: datetime.datetime) -> Attempt:
    """Draw the paper and fix the deadline on the server (or resume the open attempt).

    Starts by one agent take turns (row lock), and (quiz, agent, number) is unique, so
    the attempt limit holds even when two starts arrive together.
    """
    if quiz.status != Quiz.Status.PUBLISHED:
        raise ValidationError(_("This quiz is not open."), code="unpublished")
    User.objects.select_for_update(no_key=True).filter(pk=agent.pk).values_list("pk").get()
    open_attempt = Attempt.objects.filter(
        quiz=quiz, agent=agent, status=Attempt.Status.IN_PROGRESS
    ).first()
    if open_attempt is not None:
        if open_attempt.deadline is None or now < open_attempt.deadline:
            return open_attempt
        attempt_submit(attempt=open_attempt, now=now)
    used = Attempt.objects.filter(quiz=quiz, agent=agent).aggregate(n=Max("number"))["n"] or 0
    if quiz.attempt_limit is not None and used >= quiz.attempt_limit:
        raise ValidationError(
            _("You have used all %(limit)s attempts at this quiz.") % {"limit": quiz.attempt_limit},
            code="attempt_limit",
        )
    paper, key = _draw(quiz, random.Random())
    if not paper:
        raise ValidationError(_("This quiz has no questions yet. Tell a trainer."), code="empty")
    deadline = (
        now + datetime.timedelta(minutes=quiz.time_limit_minutes)
        if quiz.time_limit_minutes
        else None
    )
    try:
        with transaction.atomic():
            return Attempt.objects.create(
                quiz=quiz,
                agent=agent,
                number=used + 1,
                started_at=now,
                deadline=deadline,
                paper=paper,
                key=key,
                max_score=sum(item["marks"] for item in paper),
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("Another attempt at this quiz was just started. Reload the page."), code="race"
        ) from exc


@transaction.atomic
def answer_save(
    *,
    attempt: Attempt,
    question_id: int,
    selected: list[int],
    now: datetime.datetime | None = None,
) -> Answer:
    """Save the agent's choice for one question; refused once the time is up."""
    now = now or timezone.now()
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if not attempt.is_open:
        raise ValidationError(_("This attempt has been submitted."), code="submitted")
    if attempt.deadline is not None and now >= attempt.deadline:
        raise ValidationError(_("Time is up: answers can no longer be changed."), code="deadline")
    entry = next((item for item in attempt.paper if item["id"] == question_id), None)
    if entry is None:
        raise ValidationError(_("This question is not in your attempt."), code="question")
    allowed = {option["id"] for option in entry["options"]}
    chosen = sorted(set(selected))
    if not set(chosen) <= allowed:
        raise ValidationError(_("Choose among the question's options."), code="option")
    if entry["kind"] != "multiple" and len(chosen) > 1:
        raise ValidationError(_("Choose one option."), code="one")
    answer, _created = Answer.objects.update_or_create(
        attempt=attempt, question_id=question_id, defaults={"selected": chosen, "saved_at": now}
    )
    return answer


def answer_marks(
    *, kind: str, selected: set[int], correct: set[int], marks: int, partial: bool
) -> Decimal:
    """Marks for one answer. Multiple choice is all-or-nothing unless ``partial``: then each
    right choice earns its share and each wrong one takes a share away, never below 0."""
    if kind != "multiple" or not partial:
        return Decimal(marks) if selected == correct else Decimal(0)
    share = Decimal(marks) / len(correct)
    earned = share * (len(selected & correct) - len(selected - correct))
    return max(earned, Decimal(0)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@transaction.atomic
def attempt_submit(*, attempt: Attempt, now: datetime.datetime | None = None) -> Attempt:
    """Score the attempt with what was saved (before the deadline: later saves are refused).

    Idempotent: submitting a submitted attempt returns it unchanged.
    """
    now = now or timezone.now()
    # Lock the attempt row only: the quiz's competency is an outer join, which PostgreSQL
    # will not lock.
    attempt = (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("quiz", "quiz__competency")
        .get(pk=attempt.pk)
    )
    if not attempt.is_open:
        return attempt
    answers = {a.question_id: a for a in attempt.answers.all()}
    total = Decimal(0)
    for entry in attempt.paper:
        correct = set(attempt.key[str(entry["id"])]["correct"])
        answer = answers.get(entry["id"])
        selected = set(answer.selected) if answer else set()
        marks = answer_marks(
            kind=entry["kind"],
            selected=selected,
            correct=correct,
            marks=entry["marks"],
            partial=attempt.quiz.partial_credit,
        )
        total += marks
        if answer is not None:
            answer.marks_awarded = marks
            answer.is_correct = selected == correct
            answer.save(update_fields=["marks_awarded", "is_correct"])
    attempt.status = Attempt.Status.SUBMITTED
    # A late submission counts as handed in when the time ran out.
    attempt.submitted_at = min(now, attempt.deadline) if attempt.deadline else now
    attempt.score = total
    attempt.percent = (
        (100 * total / attempt.max_score).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if attempt.max_score
        else Decimal(0)
    )
    attempt.passed = attempt.percent >= attempt.quiz.pass_mark
    attempt.save(update_fields=["status", "submitted_at", "score", "percent", "passed"])
    if attempt.passed:
        _on_pass(attempt)
    return attempt


def _on_pass(attempt: Attempt) -> None:
    quiz = attempt.quiz
    # A competency retired since the quiz was published evidences nothing, but the
    # attempt is still scored and passed.
    if quiz.competency_id and quiz.level and quiz.competency.is_active:
        evidence_record(
            agent=attempt.agent,
            competency=quiz.competency,
            level=quiz.level,
            source=Evidence.Source.QUIZ,
            source_ref=f"quiz-attempt:{attempt.pk}",
            observed_on=timezone.localdate(attempt.submitted_at),
            recorded_by=None,
            note=str(quiz),
        )
    if quiz.course_id and quiz.required_for_course:
        enrolment = (
            Enrolment.objects.select_for_update()
            .select_related("version", "course")
            .filter(
                agent=attempt.agent, course_id=quiz.course_id, status__in=Enrolment.ACTIVE_STATUSES
            )
            .first()
        )
        if enrolment is not None:
            enrolment_complete_if_done(enrolment=enrolment)
    transaction.on_commit(lambda: assessment_passed.send(sender=Attempt, attempt=attempt))


def attempts_close_expired(*, now: datetime.datetime | None = None) -> int:
    """Submit attempts whose time ran out while the agent was away; returns how many."""
    now = now or timezone.now()
    expired = Attempt.objects.filter(status=Attempt.Status.IN_PROGRESS, deadline__lte=now)
    count = 0
    for attempt in expired:
        # One attempt that cannot be closed must not keep the others open.
        try:
            attempt_submit(attempt=attempt, now=now)
        except Exception:
            logger.exception("Could not close expired attempt %s", attempt.pk)
            continue
        count += 1
    return count


# --- Course completion ---------------------------------------------------------------


def required_quizzes_unmet(enrolment: Enrolment) -> list[str]:
    """Registered with courses.hooks: a course is complete only once its required quizzes
    are passed."""
    required = Quiz.objects.filter(
        course_id=enrolment.course_id,
        required_for_course=True,
        status=Quiz.Status.PUBLISHED,
    )
    passed = set(
        Attempt.objects.filter(
            agent_id=enrolment.agent_id, quiz__in=required, passed=True
        ).values_list("quiz_id", flat=True)
    )
    return [
        _("pass the quiz %(quiz)s") % {"quiz": quiz} for quiz in required if quiz.pk not in passed
    ]


# --- Quiz authoring ------------------------------------------------------------------


def _quiz_questions_set(
    *,
    quiz: Quiz,
    items: list[tuple[Question, int]] | None,
    draw_rules: list[dict[str, Any]] | None,
) -> None:
    if items is not None:
        quiz_items_set(quiz=quiz, items=items)
    if draw_rules is not None:
        quiz_draw_rules_set(quiz=quiz, rules=draw_rules)


@transaction.atomic
def quiz_create(
    *,
    code: str,
    title_zh: str,
    created_by: User | None,
    items: list[tuple[Question, int]] | None = None,
    draw_rules: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> Quiz:
    """A draft quiz, with its fixed questions (``items``: (question, marks), in order) and
    its draw rules (see ``quiz_draw_rules_set``) when given; they can also come later.

    One transaction: a bad item or rule leaves no half-made quiz behind.
    """
    quiz = Quiz(code=code, title_zh=title_zh, created_by=created_by, **fields)
    quiz.full_clean()
    quiz.save()
    _quiz_questions_set(quiz=quiz, items=items, draw_rules=draw_rules)
    return quiz


@transaction.atomic
def quiz_update(
    *,
    quiz: Quiz,
    items: list[tuple[Question, int]] | None = None,
    draw_rules: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> Quiz:
    """Change a quiz's rules and, when given, replace its fixed questions (``items``) or
    its draw rules. Attempts already started keep the paper they drew.

    One transaction: a published quiz that one of the changes would leave impossible to
    take (checked after the fields, then after the questions and rules) keeps none of them.
    """
    for name, value in fields.items():
        setattr(quiz, name, value)
    quiz.full_clean()
    quiz.save(update_fields=[*fields, "updated_at"])
    _published_stays_takeable(quiz)
    _quiz_questions_set(quiz=quiz, items=items, draw_rules=draw_rules)
    return quiz


@transaction.atomic
def quiz_draw_rules_set(*, quiz: Quiz, rules: list[dict[str, Any]]) -> Quiz:
    """Replace the draw rules of a quiz, in order. Each rule: ``count`` and optionally
    ``bank``, ``competency``, ``level``, ``difficulty``, ``marks_each``, ``section``."""
    new = [DrawRule(quiz=quiz, order=i, **rule) for i, rule in enumerate(rules, start=1)]
    for rule in new:
        rule.full_clean()
    quiz.draw_rules.all().delete()
    DrawRule.objects.bulk_create(new)
    _published_stays_takeable(quiz)
    return quiz


# --- Authoring pages: banks, quizzes, sections, draw rules, preview ------------------


@transaction.atomic
def bank_update(*, bank: QuestionBank, **fields: Any) -> QuestionBank:
    for name, value in fields.items():
        setattr(bank, name, value)
    bank.full_clean()
    bank.save(update_fields=list(fields))
    return bank


@transaction.atomic
def quiz_section_save(*, quiz: Quiz, section: Any = None, **fields: Any) -> Any:
    from .models import QuizSection

    section = section or QuizSection(quiz=quiz)
    if section.quiz_id != quiz.pk:
        raise ValidationError(_("That section belongs to another quiz."), code="section")
    for name, value in fields.items():
        setattr(section, name, value)
    section.full_clean()
    section.save()
    return section


@transaction.atomic
def quiz_section_delete(*, section: Any) -> None:
    """Its questions and draw rules stay in the quiz, outside any section."""
    section.delete()


@transaction.atomic
def quiz_items_place(*, quiz: Quiz, items: list[tuple[Question, int, Any]]) -> Quiz:
    """``quiz_items_set`` with each question's section: (question, marks, section|None)."""
    if any(section is not None and section.quiz_id != quiz.pk for _q, _m, section in items):
        raise ValidationError(_("That section belongs to another quiz."), code="section")
    quiz_items_set(quiz=quiz, items=[(question, marks) for question, marks, _s in items])
    sections = {question.pk: section for question, _m, section in items}
    placed = list(quiz.items.all())
    for item in placed:
        item.section = sections.get(item.question_id)
    QuizQuestion.objects.bulk_update(placed, ["section"])
    return quiz


@transaction.atomic
def draw_rule_save(*, quiz: Quiz, rule: DrawRule | None = None, **fields: Any) -> DrawRule:
    rule = rule or DrawRule(quiz=quiz)
    if rule.quiz_id != quiz.pk:
        raise ValidationError(_("That draw rule belongs to another quiz."), code="rule")
    for name, value in fields.items():
        setattr(rule, name, value)
    if rule.section_id and rule.section.quiz_id != quiz.pk:
        raise ValidationError(_("That section belongs to another quiz."), code="section")
    if rule.pk is None and quiz.draw_rules.count() >= MAX_DRAW_RULES:
        raise ValidationError(
            _("At most %(max)s draw rules per quiz.") % {"max": MAX_DRAW_RULES}, code="rules"
        )
    rule.full_clean()
    rule.save()
    _published_stays_takeable(quiz)
    return rule


@transaction.atomic
def draw_rule_delete(*, rule: DrawRule) -> None:
    quiz = rule.quiz
    rule.delete()
    _published_stays_takeable(quiz)


def quiz_draw_preview(*, quiz: Quiz, rng: random.Random | None = None) -> list[dict]:
    """A sample paper drawn exactly as an attempt would draw it, saving nothing.

    For authors only: each entry carries its key (``correct`` option ids and the
    explanations). Raises ValidationError when a draw rule has too few questions.
    """
    paper, key = _draw(quiz, rng or random.Random())
    return [{**entry, **key[str(entry["id"])]} for entry in paper]
