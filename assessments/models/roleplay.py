"""Scenario role-play and real-case review, graded by mentors with versioned rubrics."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from courses.models import BilingualTitle, Course
from lms.models import Competency, Level
from lms.models.bilingual import pick_language

from ..media_checks import validate_audio, validate_recording


def _random_name(folder: str, filename: str) -> str:
    """An unguessable stored name: the file is served only after a permission check, and
    its original name tells nothing to someone guessing paths."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"{folder}/{secrets.token_hex(16)}.{extension}"


def turn_audio_path(instance, filename: str) -> str:
    return _random_name("roleplay/audio", filename)


def recording_path(instance, filename: str) -> str:
    return _random_name("roleplay/recordings", filename)


class Channel(models.TextChoices):
    IM = "im", _("Instant messaging")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    VIDEO = "video", _("Video")


class Rubric(BilingualTitle):
    """A reusable marking scheme. Its criteria live in versions: a version that has been
    used to grade is never edited, so grades keep meaning what they meant."""

    class Policy(models.TextChoices):
        MEAN = "mean", _("Mean of the two graders")
        SENIOR = "senior", _("The senior grader decides")

    code = models.SlugField(_("code"), max_length=50, unique=True)
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=70, validators=[MaxValueValidator(100)]
    )
    policy = models.CharField(
        _("when graded twice"), max_length=10, choices=Policy.choices, default=Policy.MEAN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")
        constraints = [
            models.CheckConstraint(condition=Q(pass_mark__lte=100), name="rubric_pass_mark_percent")
        ]


class RubricVersion(models.Model):
    rubric = models.ForeignKey(
        Rubric, verbose_name=_("rubric"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["rubric", "-number"]
        verbose_name = _("rubric version")
        verbose_name_plural = _("rubric versions")
        constraints = [
            models.UniqueConstraint(fields=["rubric", "number"], name="rubric_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.rubric} v{self.number}"


class Criterion(BilingualTitle):
    version = models.ForeignKey(
        RubricVersion,
        verbose_name=_("rubric version"),
        on_delete=models.CASCADE,
        related_name="criteria",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    competency = models.ForeignKey(
        Competency, verbose_name=_("competency"), on_delete=models.PROTECT, related_name="+"
    )
    weight = models.PositiveSmallIntegerField(
        _("weight (%)"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    critical = models.BooleanField(
        _("critical"), default=False, help_text=_("Failing it fails the whole review.")
    )
    allow_not_applicable = models.BooleanField(_("may be not applicable"), default=False)

    class Meta:
        ordering = ["version", "order", "id"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=100), name="criterion_weight_percent"
            ),
        ]


class CriterionLevel(models.Model):
    """One performance level of a criterion: its points, what it looks like, and the
    competency level it demonstrates (none for a level below basic)."""

    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.CASCADE, related_name="levels"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    points = models.PositiveSmallIntegerField(_("points"))
    descriptor_zh = models.TextField(_("descriptor (Chinese)"))
    descriptor_en = models.TextField(_("descriptor (English)"), blank=True)
    demonstrates = models.PositiveSmallIntegerField(
        _("competency level shown"), choices=Level.choices, null=True, blank=True
    )
    fails = models.BooleanField(_("counts as failing the criterion"), default=False)

    class Meta:
        ordering = ["criterion", "order", "id"]
        verbose_name = _("performance level")
        verbose_name_plural = _("performance levels")
        constraints = [
            models.UniqueConstraint(
                fields=["criterion", "points"], name="criterion_level_points_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.points} · {self.descriptor}"

    @property
    def descriptor(self) -> str:
        return pick_language(self.descriptor_zh, self.descriptor_en)


class Scenario(BilingualTitle):
    class Kind(models.TextChoices):
        ROLEPLAY = "roleplay", _("Role-play")
        CASE_REVIEW = "case_review", _("Real-case review")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    code = models.SlugField(_("code"), max_length=50, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.ROLEPLAY)
    channel = models.CharField(
        _("channel"), max_length=8, choices=Channel.choices, default=Channel.IM
    )
    brief_zh = models.TextField(_("situation (Chinese)"))
    brief_en = models.TextField(_("situation (English)"), blank=True)
    persona_zh = models.TextField(_("customer persona (Chinese)"), blank=True)
    persona_en = models.TextField(_("customer persona (English)"), blank=True)
    emotion = models.PositiveSmallIntegerField(
        _("starting emotion (1 calm – 5 furious)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    rubric = models.ForeignKey(
        Rubric, verbose_name=_("rubric"), on_delete=models.PROTECT, related_name="scenarios"
    )
    level = models.PositiveSmallIntegerField(
        _("level assessed"), choices=Level.choices, default=Level.BASIC
    )
    # Quality-check rules: lists of phrases, merged with the shared defaults
    # (assessments.quality.DEFAULT_RULES); keys: greetings, closings, required, forbidden,
    # vague, empathy.
    quality_rules = models.JSONField(_("quality-check rules"), default=dict, blank=True)
    course = models.ForeignKey(
        Course,
        verbose_name=_("course"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="scenarios",
    )
    required_for_course = models.BooleanField(_("required to complete the course"), default=False)
    grading_hours = models.PositiveSmallIntegerField(
        _("grade within (hours)"), default=48, validators=[MinValueValidator(1)]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")
        constraints = [
            models.CheckConstraint(
                condition=Q(emotion__gte=1, emotion__lte=5), name="scenario_emotion_range"
            ),
            models.CheckConstraint(
                condition=Q(required_for_course=False) | Q(course__isnull=False),
                name="scenario_required_needs_course",
                violation_error_message=_("Choose the course the scenario is required for."),
            ),
        ]

    @property
    def brief(self) -> str:
        return pick_language(self.brief_zh, self.brief_en)

    @property
    def persona(self) -> str:
        return pick_language(self.persona_zh, self.persona_en)


class ScenarioTurn(models.Model):
    """A scripted customer message. ``branches``: [{"contains": ["退款", "refund"],
    "goto": 4}] — the first rule whose words appear in the agent's previous reply picks
    the next turn; otherwise the next in order."""

    scenario = models.ForeignKey(
        Scenario, verbose_name=_("scenario"), on_delete=models.CASCADE, related_name="turns"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    text_zh = models.TextField(_("customer says (Chinese)"))
    text_en = models.TextField(_("customer says (English)"), blank=True)
    reply_target_seconds = models.PositiveIntegerField(_("reply within (seconds)"), default=60)
    branches = models.JSONField(_("branches"), default=list, blank=True)
    ends = models.BooleanField(_("the conversation ends after the reply"), default=False)

    class Meta:
        ordering = ["scenario", "order"]
        verbose_name = _("customer turn")
        verbose_name_plural = _("customer turns")
        constraints = [
            models.UniqueConstraint(
                fields=["scenario", "order"], name="scenario_turn_order_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scenario} · {self.order}"

    @property
    def text(self) -> str:
        return pick_language(self.text_zh, self.text_en)


class Submission(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        IN_REVIEW = "in_review", _("In review")
        GRADED = "graded", _("Graded")
        RETURNED = "returned", _("Returned for a redo")

    scenario = models.ForeignKey(
        Scenario, verbose_name=_("scenario"), on_delete=models.PROTECT, related_name="submissions"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="submissions",
    )
    rubric_version = models.ForeignKey(
        RubricVersion, verbose_name=_("rubric version"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.IN_PROGRESS
    )
    # A real-case review: the agent's analysis, or a conversation a mentor pasted in.
    case_text = models.TextField(_("case"), blank=True)
    started_at = models.DateTimeField(_("started at"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    grading_due_at = models.DateTimeField(_("grade by"), null=True, blank=True)
    quality = models.JSONField(_("quality check"), null=True, blank=True)
    score = models.DecimalField(
        _("score (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    graded_at = models.DateTimeField(_("graded at"), null=True, blank=True)
    return_comment = models.TextField(_("why it was returned"), blank=True)
    # A live role-play: the mentor played the customer outside the app, then graded.
    live = models.BooleanField(_("live role-play"), default=False)
    recording = models.FileField(
        _("recording"),
        upload_to=recording_path,
        blank=True,
        validators=[validate_recording],
    )
    respond_by = models.DateTimeField(_("acknowledge or dispute by"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        indexes = [models.Index(fields=["status", "submitted_at"], name="submission_queue_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["scenario", "agent"],
                condition=Q(status="in_progress"),
                name="submission_one_open_per_scenario",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent} · {self.scenario}"


class SubmissionTurn(models.Model):
    """One exchange as it happened: the customer's message (copied from the script) and
    the agent's reply, with the latency measured on the server."""

    submission = models.ForeignKey(
        Submission, verbose_name=_("submission"), on_delete=models.CASCADE, related_name="turns"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    script_turn = models.PositiveSmallIntegerField(_("script turn"))
    customer_text = models.TextField(_("customer says"))
    reply_target_seconds = models.PositiveIntegerField(_("reply within (seconds)"))
    shown_at = models.DateTimeField(_("shown at"))
    reply = models.TextField(_("reply"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    latency_seconds = models.PositiveIntegerField(_("reply time (seconds)"), null=True, blank=True)
    audio = models.FileField(
        _("spoken reply"), upload_to=turn_audio_path, blank=True, validators=[validate_audio]
    )

    class Meta:
        ordering = ["submission", "order"]
        verbose_name = _("exchange")
        verbose_name_plural = _("exchanges")
        constraints = [
            models.UniqueConstraint(fields=["submission", "order"], name="submission_turn_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.submission} · {self.order}"


class Grade(models.Model):
    class Role(models.TextChoices):
        PRIMARY = "primary", _("Grader")
        SECOND = "second", _("Second grader")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FINAL = "final", _("Final")

    submission = models.ForeignKey(
        Submission, verbose_name=_("submission"), on_delete=models.CASCADE, related_name="grades"
    )
    grader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("grader"),
        on_delete=models.PROTECT,
        related_name="grades_given",
    )
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.PRIMARY)
    status = models.CharField(
        _("status"), max_length=6, choices=Status.choices, default=Status.DRAFT
    )
    feedback = models.TextField(_("overall feedback"), blank=True)
    score = models.DecimalField(
        _("score (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    critical_failed = models.BooleanField(_("a critical criterion failed"), default=False)
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["submission", "role"]
        verbose_name = _("grade")
        verbose_name_plural = _("grades")
        constraints = [
            # One grade per role: two mentors cannot both be the grader of a submission.
            models.UniqueConstraint(fields=["submission", "role"], name="grade_one_per_role"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(finalised_at__isnull=False),
                name="grade_final_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission} · {self.grader}"


class CriterionScore(models.Model):
    grade = models.ForeignKey(
        Grade, verbose_name=_("grade"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+"
    )
    # None means "not applicable" (only where the criterion allows it).
    level = models.ForeignKey(
        CriterionLevel,
        verbose_name=_("level"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("criterion score")
        verbose_name_plural = _("criterion scores")
        constraints = [
            models.UniqueConstraint(fields=["grade", "criterion"], name="criterion_score_once"),
        ]

    def __str__(self) -> str:
        return f"{self.grade} · {self.criterion}"


class Dispute(models.Model):
    """An agent contests the level given on one criterion; another mentor or a trainer
    decides. The grade itself is never edited: an upheld dispute carries the new level,
    and the submission's score is worked out again with it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for a decision")
        UPHELD = "upheld", _("Upheld")
        REJECTED = "rejected", _("Rejected")

    submission = models.ForeignKey(
        Submission, verbose_name=_("submission"), on_delete=models.CASCADE, related_name="disputes"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+"
    )
    original_level = models.ForeignKey(
        CriterionLevel,
        verbose_name=_("level given"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("reason"))
    raised_at = models.DateTimeField(_("raised at"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    arbiter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("arbiter"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disputes_decided",
    )
    decision = models.TextField(_("decision"), blank=True)
    new_level = models.ForeignKey(
        CriterionLevel,
        verbose_name=_("level decided"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["raised_at", "id"]
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "criterion"], name="dispute_once_per_criterion"
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(arbiter__isnull=False, decided_at__isnull=False),
                name="dispute_decided_has_arbiter",
            ),
            models.CheckConstraint(
                condition=~Q(status="upheld") | Q(new_level__isnull=False),
                name="dispute_upheld_has_level",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission} · {self.criterion}"
