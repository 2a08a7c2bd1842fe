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
        ).defer("paper", "key")
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


# --- Taking a quiz (the agent's pages) -----------------------------------------------


def attempt_get_own(agent: User, attempt_id: int) -> Attempt:
    """The agent's own attempt, for answering it: anyone else (even a mentor or HR, who
    may see it) gets DoesNotExist. ``key`` is not loaded, so it cannot reach a template."""
    return (
        attempts_visible_to(agent)
        .filter(agent=agent)
        .select_related("quiz")
        .defer("key")
        .get(pk=attempt_id)
    )


def quiz_question_count(quiz: Quiz) -> int:
    """How many questions an attempt at the quiz gets: its fixed items or its draws. 1 query."""
    if quiz.mode == Quiz.Mode.FIXED:
        return quiz.items.count()
    return sum(quiz.draw_rules.values_list("count", flat=True))


# --- Authoring and results pages -----------------------------------------------------

AUTHORING_PAGE_SIZE = 50


def _per_quiz(queryset: QuerySet, aggregate=None):
    """A correlated subquery: ``aggregate`` (default: how many) of ``queryset``'s rows
    belonging to the outer quiz, 0 when none."""
    from django.db.models import OuterRef, Subquery
    from django.db.models.functions import Coalesce

    rows = (
        queryset.filter(quiz=OuterRef("pk"))
        .order_by()
        .values("quiz")
        .annotate(n=aggregate or Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows), 0)


def quizzes_for_authoring(*, status: str = "", page_number: int | str = 1) -> Page:
    """Every quiz whatever its status, with its question and attempt counts. 2 queries."""
    from django.db.models import Sum

    from .models import DrawRule, QuizQuestion

    quizzes = (
        Quiz.objects.select_related("course", "competency")
        .annotate(
            item_count=_per_quiz(QuizQuestion.objects.all()),
            rule_count=_per_quiz(DrawRule.objects.all()),
            drawn_count=_per_quiz(DrawRule.objects.all(), Sum("count")),
            attempt_count=_per_quiz(Attempt.objects.filter(status=Attempt.Status.SUBMITTED)),
        )
        .order_by("code")
    )
    if status:
        quizzes = quizzes.filter(status=status)
    return Paginator(quizzes, AUTHORING_PAGE_SIZE).get_page(page_number)


def quiz_items_for_authoring(quiz: Quiz) -> list:
    """The fixed questions of a quiz in order, with bank, competency and section. 1 query."""
    return list(
        quiz.items.select_related(
            "question", "question__bank", "question__competency", "section"
        ).order_by("order", "id")
    )


def quiz_rules_for_authoring(quiz: Quiz) -> list:
    return list(
        quiz.draw_rules.select_related("bank", "competency", "section").order_by("order", "id")
    )


def draw_rule_matches(rules: list) -> dict[int, int]:
    """How many active questions each draw rule could draw from, in one query.

    Same tags as ``services._draw_candidates``: a blank tag matches any question.
    """
    if not rules:
        return {}
    aggregates = {}
    for rule in rules:
        condition = Q()
        if rule.bank_id:
            condition &= Q(bank_id=rule.bank_id)
        if rule.competency_id:
            condition &= Q(competency_id=rule.competency_id)
        if rule.level:
            condition &= Q(level=rule.level)
        if rule.difficulty:
            condition &= Q(difficulty=rule.difficulty)
        aggregates[f"rule_{rule.pk}"] = Count("pk", filter=condition) if condition else Count("pk")
    counts = Question.objects.filter(is_active=True).aggregate(**aggregates)
    return {rule.pk: counts[f"rule_{rule.pk}"] for rule in rules}


def question_search(
    *,
    search: str = "",
    bank_id: int | None = None,
    exclude_quiz: Quiz | None = None,
    page_number: int | str = 1,
) -> Page:
    """Active questions to put in a quiz (authors only), with their options. 3 queries."""
    from .models import QuizQuestion

    questions = (
        Question.objects.filter(is_active=True)
        .select_related("bank", "competency")
        .prefetch_related(Prefetch("options", queryset=Option.objects.order_by("order", "id")))
        .order_by("bank__code", "id")
    )
    if bank_id:
        questions = questions.filter(bank_id=bank_id)
    if search:
        questions = questions.filter(Q(text_zh__icontains=search) | Q(text_en__icontains=search))
    if exclude_quiz is not None:
        questions = questions.exclude(
            pk__in=QuizQuestion.objects.filter(quiz=exclude_quiz).values("question_id")
        )
    return Paginator(questions, AUTHORING_PAGE_SIZE).get_page(page_number)


def quiz_preview(quiz: Quiz, *, language: str) -> list[PaperQuestion]:
    """A sample paper drawn as an attempt would draw it, with the right answers and the
    explanations, for authors. Saves nothing. ValidationError when it cannot be drawn."""
    from .services import quiz_draw_preview

    english = language.startswith("en")
    sections = {section.pk: section for section in quiz.sections.all()}
    paper = []
    for number, entry in enumerate(quiz_draw_preview(quiz=quiz), start=1):
        correct = set(entry["correct"])
        paper.append(
            PaperQuestion(
                number=number,
                id=entry["id"],
                kind=entry["kind"],
                text=_pick(entry, "text", english),
                marks=entry["marks"],
                section=sections.get(entry.get("section_id")),
                options=[
                    PaperOption(
                        id=o["id"], text=_pick(o, "text", english), correct=o["id"] in correct
                    )
                    for o in entry["options"]
                ],
                answered=False,
                explanation=_pick(entry, "explanation", english),
            )
        )
    return paper


def results_quizzes_for(viewer: User) -> QuerySet[Quiz]:
    """Quizzes with results to look at, each with the viewer's visible submitted attempts
    and passes counted. Authors see every quiz; mentors, leads and HR the published and
    archived ones. 1 query."""
    from .permissions import can_author

    submitted = attempts_visible_to(viewer).filter(status=Attempt.Status.SUBMITTED)
    quizzes = Quiz.objects.all()
    if not can_author(viewer):
        quizzes = quizzes.filter(status__in=[Quiz.Status.PUBLISHED, Quiz.Status.ARCHIVED])
    return (
        quizzes.select_related("course")
        .annotate(
            result_count=_per_quiz(submitted),
            pass_count=_per_quiz(submitted.filter(passed=True)),
        )
        .order_by("code")
    )


def results_people_for(viewer: User) -> QuerySet[User]:
    """Whose results the viewer may open: the people they look after (not themselves)."""
    from lms.permissions import people_visible_to

    return (
        people_visible_to(viewer)
        .exclude(pk=viewer.pk)
        .select_related("team")
        .order_by("team__code", "display_name", "username")
    )


# --- API lists -----------------------------------------------------------------------


def attempt_list_for(
    viewer: User, *, quiz_id: int | None = None, agent_id: int | None = None
) -> QuerySet[Attempt]:
    """Attempts the viewer may see, newest first, without paper or key. 1 query a page."""
    attempts = (
        attempts_visible_to(viewer)
        .select_related("quiz", "agent")
        .defer("paper", "key")
        .order_by("-started_at", "-id")
    )
    if quiz_id is not None:
        attempts = attempts.filter(quiz_id=quiz_id)
    if agent_id is not None:
        attempts = attempts.filter(agent_id=agent_id)
    return attempts


def quiz_summary_for(agent: User, quiz: Quiz) -> QuizSummary:
    """One quiz's standing for the agent, as ``quizzes_for_agent`` gives it. 2 queries."""
    attempts = Attempt.objects.filter(agent=agent, quiz=quiz)
    row = attempts.aggregate(
        used=Count("id"), best=Max("percent"), passes=Count("id", filter=Q(passed=True))
    )
    used = row["used"] or 0
    return QuizSummary(
        quiz=quiz,
        attempts_used=used,
        best_percent=row["best"],
        passed=bool(row["passes"]),
        open_attempt=attempts.filter(status=Attempt.Status.IN_PROGRESS)
        .defer("paper", "key")
        .first(),
        attempts_left=None if quiz.attempt_limit is None else max(quiz.attempt_limit - used, 0),
    )
