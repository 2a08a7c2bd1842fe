from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from courses.models import BilingualTitle, Course
from lms.models import Competency, Level
from lms.models.bilingual import pick_language


class Difficulty(models.IntegerChoices):
    EASY = 1, _("Easy")
    MEDIUM = 2, _("Medium")
    HARD = 3, _("Hard")


class QuestionBank(BilingualTitle):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("question bank")
        verbose_name_plural = _("question banks")


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        TRUE_FALSE = "true_false", _("True / false")

    bank = models.ForeignKey(
        QuestionBank,
        verbose_name=_("question bank"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    text_zh = models.TextField(_("question (Chinese)"))
    text_en = models.TextField(_("question (English)"), blank=True)
    explanation_zh = models.TextField(_("explanation (Chinese)"), blank=True)
    explanation_en = models.TextField(_("explanation (English)"), blank=True)
    competency = models.ForeignKey(
        Competency,
        verbose_name=_("competency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    level = models.PositiveSmallIntegerField(
        _("level"), choices=Level.choices, null=True, blank=True
    )
    difficulty = models.PositiveSmallIntegerField(
        _("difficulty"), choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["bank", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [
            models.Index(
                fields=["bank", "competency", "level", "difficulty"], name="question_draw_idx"
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def text(self) -> str:
        return pick_language(self.text_zh, self.text_en)

    @property
    def explanation(self) -> str:
        return pick_language(self.explanation_zh, self.explanation_en)


class Option(models.Model):
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="options"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text_zh = models.CharField(_("option (Chinese)"), max_length=500)
    text_en = models.CharField(_("option (English)"), max_length=500, blank=True)
    is_correct = models.BooleanField(_("correct"), default=False)

    class Meta:
        ordering = ["question", "order", "id"]
        verbose_name = _("option")
        verbose_name_plural = _("options")

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return pick_language(self.text_zh, self.text_en)


class Quiz(BilingualTitle):
    class Mode(models.TextChoices):
        FIXED = "fixed", _("Fixed questions")
        RANDOM = "random", _("Random draw")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    code = models.SlugField(_("code"), max_length=50, unique=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.FIXED)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    time_limit_minutes = models.PositiveIntegerField(
        _("time limit (minutes)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    attempt_limit = models.PositiveIntegerField(
        _("attempt limit"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=80, validators=[MaxValueValidator(100)]
    )
    competency = models.ForeignKey(
        Competency,
        verbose_name=_("competency evidenced"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    level = models.PositiveSmallIntegerField(
        _("level evidenced"), choices=Level.choices, null=True, blank=True
    )
    course = models.ForeignKey(
        Course,
        verbose_name=_("course"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quizzes",
    )
    required_for_course = models.BooleanField(_("required to complete the course"), default=False)
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=True)
    shuffle_options = models.BooleanField(_("shuffle options"), default=True)
    one_per_page = models.BooleanField(_("one question per page"), default=False)
    allow_review = models.BooleanField(_("learners may review their graded attempt"), default=True)
    partial_credit = models.BooleanField(_("partial credit for multiple choice"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        constraints = [
            models.CheckConstraint(condition=Q(pass_mark__lte=100), name="quiz_pass_mark_percent"),
            models.CheckConstraint(
                condition=Q(competency__isnull=True, level__isnull=True)
                | Q(competency__isnull=False, level__isnull=False),
                name="quiz_competency_with_level",
                violation_error_message=_("Give both the competency and the level, or neither."),
            ),
            models.CheckConstraint(
                condition=Q(required_for_course=False) | Q(course__isnull=False),
                name="quiz_required_needs_course",
                violation_error_message=_("Choose the course the quiz is required for."),
            ),
        ]

    @property
    def description(self) -> str:
        return pick_language(self.description_zh, self.description_en)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class QuizSection(BilingualTitle):
    quiz = models.ForeignKey(
        Quiz, verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="sections"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    intro_zh = models.TextField(_("introduction (Chinese)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)

    class Meta:
        ordering = ["quiz", "order", "id"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    @property
    def intro(self) -> str:
        return pick_language(self.intro_zh, self.intro_en)


class QuizQuestion(models.Model):
    """A fixed question of a quiz, with its marks."""

    quiz = models.ForeignKey(
        Quiz, verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="items"
    )
    section = models.ForeignKey(
        QuizSection,
        verbose_name=_("section"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="items",
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="+"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    marks = models.PositiveSmallIntegerField(
        _("marks"), default=1, validators=[MinValueValidator(1)]
    )

    class Meta:
        ordering = ["quiz", "order", "id"]
        verbose_name = _("quiz question")
        verbose_name_plural = _("quiz questions")
        constraints = [
            models.UniqueConstraint(fields=["quiz", "question"], name="quiz_question_once"),
            models.CheckConstraint(condition=Q(marks__gte=1), name="quiz_question_marks_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quiz} · {self.question}"


class DrawRule(models.Model):
    """Draw ``count`` random questions matching the tags (blank tag = any)."""

    quiz = models.ForeignKey(
        Quiz, verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="draw_rules"
    )
    section = models.ForeignKey(
        QuizSection,
        verbose_name=_("section"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="draw_rules",
    )
    bank = models.ForeignKey(
        QuestionBank,
        verbose_name=_("question bank"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    competency = models.ForeignKey(
        Competency,
        verbose_name=_("competency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    level = models.PositiveSmallIntegerField(
        _("level"), choices=Level.choices, null=True, blank=True
    )
    difficulty = models.PositiveSmallIntegerField(
        _("difficulty"), choices=Difficulty.choices, null=True, blank=True
    )
    count = models.PositiveSmallIntegerField(
        _("questions to draw"), validators=[MinValueValidator(1)]
    )
    marks_each = models.PositiveSmallIntegerField(
        _("marks each"), default=1, validators=[MinValueValidator(1)]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["quiz", "order", "id"]
        verbose_name = _("draw rule")
        verbose_name_plural = _("draw rules")
        constraints = [
            models.CheckConstraint(condition=Q(count__gte=1), name="draw_rule_count_positive"),
            models.CheckConstraint(condition=Q(marks_each__gte=1), name="draw_rule_marks_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quiz} · {self.count}"


class Attempt(models.Model):
    """One sitting of a quiz. ``paper`` is what the agent sees; ``key`` never leaves the
    server before submission (it is excluded from every serializer and template)."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")

    quiz = models.ForeignKey(
        Quiz, verbose_name=_("quiz"), on_delete=models.PROTECT, related_name="attempts"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="quiz_attempts",
    )
    number = models.PositiveSmallIntegerField(_("attempt number"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.IN_PROGRESS
    )
    started_at = models.DateTimeField(_("started at"))
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    paper = models.JSONField(_("questions as drawn"))
    key = models.JSONField(_("answer key"))
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2, null=True, blank=True)
    max_score = models.PositiveIntegerField(_("maximum score"))
    percent = models.DecimalField(
        _("percent"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    passed = models.BooleanField(_("passed"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "agent", "number"], name="attempt_number_unique"
            ),
            models.UniqueConstraint(
                fields=["quiz", "agent"],
                condition=Q(status="in_progress"),
                name="attempt_one_open_per_quiz",
            ),
            models.CheckConstraint(
                condition=Q(deadline__isnull=True) | Q(deadline__gt=F("started_at")),
                name="attempt_deadline_after_start",
            ),
            models.CheckConstraint(
                condition=Q(status="in_progress") | Q(submitted_at__isnull=False),
                name="attempt_submitted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent} · {self.quiz} #{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.IN_PROGRESS


class Answer(models.Model):
    attempt = models.ForeignKey(
        Attempt, verbose_name=_("attempt"), on_delete=models.CASCADE, related_name="answers"
    )
    question_id = models.PositiveBigIntegerField(_("question"))
    selected = models.JSONField(_("selected options"), default=list)
    saved_at = models.DateTimeField(_("saved at"))
    marks_awarded = models.DecimalField(
        _("marks awarded"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    is_correct = models.BooleanField(_("correct"), null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question_id"], name="answer_once"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt} · {self.question_id}"
