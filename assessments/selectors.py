"""Reads for quiz pages and the API, each in a fixed number of queries.

``attempt_paper`` is what an agent may see while answering: it never touches
``Attempt.key``. Only ``attempt_report`` reads the key, and only for submitted attempts.
"""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, Prefetch, Q, QuerySet

from lms.models import User
from lms.models.bilingual import pick_language

from .models import Answer, Attempt, Option, Question, QuestionBank, Quiz, QuizSection
from .permissions import attempts_visible_to, quizzes_visible_to

RESULTS_PAGE_SIZE = 50


def _pick(item: dict, name: str, english: bool) -> str:
    zh, en = item.get(f"{name}_zh", ""), item.get(f"{name}_en", "")
    return (en or zh) if english else (zh or en)


@dataclass
class PaperOption:
    id: int
    text: str
    selected: bool = False
    correct: bool | None = None  # filled in the report only


@dataclass
class PaperQuestion:
    number: int
    id: int
    kind: str
    text: str
    marks: int
    section: QuizSection | None
    options: list[PaperOption]
    answered: bool
    # Report only:
    explanation: str = ""
    marks_awarded: Decimal | None = None
    is_correct: bool | None = None


def _sections(attempt: Attempt) -> dict[int, QuizSection]:
    ids = {item["section_id"] for item in attempt.paper if item.get("section_id")}
    return QuizSection.objects.in_bulk(list(ids)) if ids else {}


def attempt_paper(attempt: Attempt, *, language: str) -> list[PaperQuestion]:
    """The questions as drawn, with the agent's saved choices, and nothing of the key."""
    english = language.startswith("en")
    answers = {a.question_id: set(a.selected) for a in attempt.answers.all()}
    sections = _sections(attempt)
    return [
        PaperQuestion(
            number=number,
            id=item["id"],
            kind=item["kind"],
            text=_pick(item, "text", english),
            marks=item["marks"],
            section=sections.get(item.get("section_id")),
            options=[
                PaperOption(
                    id=o["id"],
                    text=_pick(o, "text", english),
                    selected=o["id"] in answers.get(item["id"], set()),
                )
                for o in item["options"]
            ],
            answered=bool(answers.get(item["id"])),
        )
        for number, item in enumerate(attempt.paper, start=1)
    ]


def attempt_report(attempt: Attempt, *, language: str) -> list[PaperQuestion]:
    """The graded attempt question by question, with the right answers and explanations.

    Refuses an open attempt: the key must not leave the server before submission.
    """
    if attempt.is_open:
        raise PermissionError("The report of an open attempt would reveal the answer key.")
    english = language.startswith("en")
    answers = {a.question_id: a for a in attempt.answers.all()}
    sections = _sections(attempt)
    report = []
    for number, item in enumerate(attempt.paper, start=1):
        key = attempt.key[str(item["id"])]
        correct = set(key["correct"])
        answer = answers.get(item["id"])
        selected = set(answer.selected) if answer else set()
        report.append(
            PaperQuestion(
                number=number,
                id=item["id"],
                kind=item["kind"],
                text=_pick(item, "text", english),
                marks=item["marks"],
                section=sections.get(item.get("section_id")),
                options=[
                    PaperOption(
                        id=o["id"],
                        text=_pick(o, "text", english),
                        selected=o["id"] in selected,
                        correct=o["id"] in correct,
                    )
                    for o in item["options"]
                ],
                answered=bool(selected),
                explanation=_pick(key, "explanation", english),
                marks_awarded=answer.marks_awarded if answer else Decimal(0),
                is_correct=selected == correct,
            )
        )
    return report


def attempt_get_for(viewer: User, attempt_id: int) -> Attempt:
    return attempts_visible_to(viewer).select_related("quiz", "agent").get(pk=attempt_id)


def quiz_get_for(viewer: User, quiz_id: int) -> Quiz:
    return (
        quizzes_visible_to(viewer)
        .select_related("course", "competency")
        .prefetch_related("sections")
        .get(pk=quiz_id)
    )


@dataclass
class QuizSummary:
    quiz: Quiz
    attempts_used: int = 0
    best_percent: Decimal | None = None
    passed: bool = False
    open_attempt: Attempt | None = None
    attempts_left: int | None = None
    extra: dict = field(default_factory=dict)


def quizzes_for_agent(agent: User) -> list[QuizSummary]:
    """Published quizzes with the agent's standing in each (attempts, best, passed)."""
    quizzes = list(
        quizzes_visible_to(agent)
        .filter(status=Quiz.Status.PUBLISHED)
        .select_related("course", "competency")
        .order_by("course__code", "code")
    )
    stats = {
        row["quiz_id"]: row
        for row in Attempt.objects.filter(agent=agent, quiz__in=quizzes)
        .values("quiz_id")
        .annotate(
            used=Count("id"),
            best=Max("percent"),
            passes=Count("id", filter=Q(passed=True)),
        )
    }
    open_attempts = {
        a.quiz_id: a
        for a in Attempt.objects.filter(
            agent=agent, quiz__in=quizzes, status=Attempt.Status.IN_PROGRESS
        )
    }
    summaries = []
    for quiz in quizzes:
        row = stats.get(quiz.pk, {})
        used = row.get("used", 0)
        summaries.append(
            QuizSummary(
                quiz=quiz,
                attempts_used=used,
                best_percent=row.get("best"),
                passed=bool(row.get("passes")),
                open_attempt=open_attempts.get(quiz.pk),
                attempts_left=None
                if quiz.attempt_limit is None
                else max(quiz.attempt_limit - used, 0),
            )
        )
    return summaries


def attempt_history(agent: User, *, quiz: Quiz | None = None) -> QuerySet[Attempt]:
    attempts = Attempt.objects.filter(agent=agent).select_related("quiz").order_by("-started_at")
    if quiz is not None:
        attempts = attempts.filter(quiz=quiz)
    return attempts.defer("paper", "key")


def results_for_quiz(
    viewer: User, quiz: Quiz, *, team_code: str = "", page_number: int | str = 1
) -> Page:
    """Submitted attempts at a quiz by the people the viewer may see, best first."""
    attempts = (
        attempts_visible_to(viewer)
        .filter(quiz=quiz, status=Attempt.Status.SUBMITTED)
        .select_related("agent", "agent__team")
        .defer("paper", "key")
        .order_by("-percent", "agent__display_name", "-submitted_at")
    )
    if team_code:
        attempts = attempts.filter(agent__team__code=team_code)
    return Paginator(attempts, RESULTS_PAGE_SIZE).get_page(page_number)


def results_for_person(viewer: User, person: User) -> QuerySet[Attempt]:
    return (
        attempts_visible_to(viewer)
        .filter(agent=person)
        .select_related("quiz")
        .defer("paper", "key")
        .order_by("-started_at")
    )


@dataclass
class ItemStats:
    question: Question
    answered: int
    correct: int
    most_chosen_wrong: Option | None
    most_chosen_wrong_count: int

    @property
    def share_correct(self) -> Decimal | None:
        if not self.answered:
            return None
        return (Decimal(100) * self.correct / self.answered).quantize(Decimal("0.1"))


def item_analysis(quiz: Quiz) -> list[ItemStats]:
    """Per question of a quiz's submitted attempts: share correct and the wrong option
    chosen most — the questions to look at are the ones most people get wrong. 3 queries."""
    answers = Answer.objects.filter(
        attempt__quiz=quiz, attempt__status=Attempt.Status.SUBMITTED
    ).values_list("question_id", "selected", "is_correct")
    answered: Counter[int] = Counter()
    correct: Counter[int] = Counter()
    wrong_choices: dict[int, Counter[int]] = {}
    for question_id, selected, is_correct in answers:
        answered[question_id] += 1
        if is_correct:
            correct[question_id] += 1
            continue
        for option_id in selected:
            wrong_choices.setdefault(question_id, Counter())[option_id] += 1
    questions = Question.objects.prefetch_related(
        Prefetch("options", queryset=Option.objects.order_by("order", "id"))
    ).in_bulk(list(answered))
    stats = []
    for question_id, count in answered.items():
        question = questions.get(question_id)
        if question is None:
            continue
        wrong_options = {o.pk: o for o in question.options.all() if not o.is_correct}
        chosen = [
            (n, option_id)
            for option_id, n in wrong_choices.get(question_id, Counter()).items()
            if option_id in wrong_options
        ]
        top = max(chosen, default=None)
        stats.append(
            ItemStats(
                question=question,
                answered=count,
                correct=correct[question_id],
                most_chosen_wrong=wrong_options[top[1]] if top else None,
                most_chosen_wrong_count=top[0] if top else 0,
            )
        )
    return sorted(stats, key=lambda s: (s.share_correct or Decimal(0), s.question.pk))


def banks_with_counts() -> QuerySet[QuestionBank]:
    return QuestionBank.objects.annotate(
        question_count=Count("questions", filter=Q(questions__is_active=True))
    ).order_by("code")


def bank_questions(bank: QuestionBank, *, search: str = "", page_number: int | str = 1) -> Page:
    questions = (
        bank.questions.select_related("competency")
        .prefetch_related(Prefetch("options", queryset=Option.objects.order_by("order", "id")))
        .order_by("-is_active", "id")
    )
    if search:
        questions = questions.filter(Q(text_zh__icontains=search) | Q(text_en__icontains=search))
    return Paginator(questions, RESULTS_PAGE_SIZE).get_page(page_number)


def question_label(question: Question) -> str:
    return pick_language(question.text_zh, question.text_en)
