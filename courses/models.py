from django.conf import settings
from django.core.validators import FileExtensionValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from lms.models import Competency, Level
from lms.models.bilingual import pick_language

from .validators import validate_lesson_file_size


class Tier(models.TextChoices):
    ENTRY = "entry", _("Entry")
    ADVANCED = "advanced", _("Advanced")
    EXPERT = "expert", _("Expert")


TIER_ORDER = {Tier.ENTRY: 1, Tier.ADVANCED: 2, Tier.EXPERT: 3}


class DeliveryMode(models.TextChoices):
    ONLINE = "online", _("Online, self-paced")
    LIVE = "live", _("Live online")
    RECORDED = "recorded", _("Recorded")
    WORKSHOP = "workshop", _("Offline workshop")
    MENTORSHIP = "mentorship", _("Mentorship")


# Delivery modes that meet in sessions, where attendance can complete the course.
SESSION_MODES = {DeliveryMode.LIVE, DeliveryMode.WORKSHOP}


class BilingualTitle(models.Model):
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return pick_language(self.title_zh, self.title_en)


class Course(BilingualTitle):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    code = models.SlugField(_("code"), max_length=50, unique=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices, default=Tier.ENTRY)
    delivery_mode = models.CharField(
        _("delivery mode"), max_length=12, choices=DeliveryMode.choices, default=DeliveryMode.ONLINE
    )
    estimated_minutes = models.PositiveIntegerField(_("estimated minutes"), default=30)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # The number of the last published version; 0 means never published.
    version = models.PositiveIntegerField(_("version"), default=0)
    prerequisites = models.ManyToManyField(
        "self",
        verbose_name=_("prerequisite courses"),
        symmetrical=False,
        blank=True,
        related_name="unlocks",
    )
    completes_on_attendance = models.BooleanField(
        _("attendance completes the course"),
        default=False,
        help_text=_("For live and workshop courses: being marked present completes the course."),
    )
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
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    @property
    def description(self) -> str:
        return pick_language(self.description_zh, self.description_en)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class CourseCompetency(models.Model):
    """A competency the course builds, and the level it builds it to."""

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="targets"
    )
    competency = models.ForeignKey(
        Competency, verbose_name=_("competency"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.PositiveSmallIntegerField(_("level built"), choices=Level.choices)

    class Meta:
        verbose_name = _("targeted competency")
        verbose_name_plural = _("targeted competencies")
        constraints = [
            models.UniqueConstraint(fields=["course", "competency"], name="course_target_unique"),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=3), name="course_target_level_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.competency} · {self.get_level_display()}"


class CourseLevelPrerequisite(models.Model):
    """A minimum competency level the learner must already have."""

    course = models.ForeignKey(
        Course,
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="level_prerequisites",
    )
    competency = models.ForeignKey(
        Competency, verbose_name=_("competency"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.PositiveSmallIntegerField(_("minimum level"), choices=Level.choices)

    class Meta:
        verbose_name = _("level prerequisite")
        verbose_name_plural = _("level prerequisites")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "competency"], name="course_level_prerequisite_unique"
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=3), name="course_level_prerequisite_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.competency} ≥ {self.get_level_display()}"


LESSON_FILE_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "png", "jpg", "jpeg", "txt", "csv"]


class Lesson(BilingualTitle):
    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        VIDEO = "video", _("Video link")
        CASE = "case", _("Case study")
        FILE = "file", _("File download")

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="lessons"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    body_zh = models.TextField(_("body (Chinese, Markdown)"), blank=True)
    body_en = models.TextField(_("body (English, Markdown)"), blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    file = models.FileField(
        _("file"),
        upload_to="lessons/%Y/%m/",
        blank=True,
        validators=[
            FileExtensionValidator(LESSON_FILE_EXTENSIONS),
            validate_lesson_file_size,
        ],
    )
    estimated_minutes = models.PositiveIntegerField(_("estimated minutes"), default=10)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        ordering = ["course", "order", "id"]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    @property
    def body(self) -> str:
        return pick_language(self.body_zh, self.body_en)


class CourseVersion(models.Model):
    """What learners saw: the course and its lessons as published, frozen."""

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("content"))
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["course", "-number"]
        verbose_name = _("course version")
        verbose_name_plural = _("course versions")
        constraints = [
            models.UniqueConstraint(fields=["course", "number"], name="course_version_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="course_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.course} v{self.number}"


class LearningPath(BilingualTitle):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    is_published = models.BooleanField(_("published"), default=False)
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
        verbose_name = _("learning path")
        verbose_name_plural = _("learning paths")

    @property
    def description(self) -> str:
        return pick_language(self.description_zh, self.description_en)


class PathCourse(models.Model):
    path = models.ForeignKey(
        LearningPath,
        verbose_name=_("learning path"),
        on_delete=models.CASCADE,
        related_name="steps",
    )
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="path_steps"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["path", "order", "id"]
        verbose_name = _("path step")
        verbose_name_plural = _("path steps")
        constraints = [
            models.UniqueConstraint(fields=["path", "course"], name="path_course_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.path} · {self.order}. {self.course}"


class PathAssignment(models.Model):
    """Someone assigned a path to a person (or to a whole team, one row per member)."""

    path = models.ForeignKey(
        LearningPath,
        verbose_name=_("learning path"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="path_assignments",
    )
    team = models.ForeignKey(
        "lms.Team",
        verbose_name=_("assigned with team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    due_on = models.DateField(_("due date"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    class Meta:
        ordering = ["-assigned_at", "-id"]
        verbose_name = _("path assignment")
        verbose_name_plural = _("path assignments")

    def __str__(self) -> str:
        return f"{self.path} → {self.agent}"


class Enrolment(models.Model):
    class Source(models.TextChoices):
        SELF = "self", _("Self-enrolled")
        HR = "hr", _("Assigned by HR")
        MENTOR = "mentor", _("Assigned by mentor")
        TEAM_LEAD = "team_lead", _("Assigned by team lead")
        PATH = "path", _("Learning path")
        RECERTIFICATION = "recertification", _("Recertification")

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        OVERDUE = "overdue", _("Overdue")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    ACTIVE_STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.OVERDUE)

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="enrolments",
    )
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="enrolments"
    )
    # The published version this learner follows; kept after completion, so later edits
    # to the course do not rewrite what they saw.
    version = models.ForeignKey(
        CourseVersion, verbose_name=_("version"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    path_assignment = models.ForeignKey(
        PathAssignment,
        verbose_name=_("path assignment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enrolments",
    )
    path_order = models.PositiveSmallIntegerField(_("order in path"), null=True, blank=True)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    enrolled_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "enrolled_at", "id"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        indexes = [models.Index(fields=["status", "due_on"], name="enrolment_status_due_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["agent", "course"],
                condition=Q(status__in=["not_started", "in_progress", "overdue"]),
                name="enrolment_one_active_per_agent_course",
                violation_error_message=_("This person is already enrolled in this course."),
            ),
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100), name="enrolment_progress_percent"
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_at__isnull=False),
                name="enrolment_completed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent} · {self.course}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES


class LessonProgress(models.Model):
    enrolment = models.ForeignKey(
        Enrolment,
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        related_name="lessons_done",
    )
    # The lesson's id in the enrolment's version snapshot: not a foreign key, so that
    # deleting or reworking a lesson later does not touch what a learner has done.
    lesson_id = models.PositiveBigIntegerField(_("lesson"))
    completed_at = models.DateTimeField(_("completed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("lesson done")
        verbose_name_plural = _("lessons done")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "lesson_id"], name="lesson_done_once"),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment} · {self.lesson_id}"


class CourseSession(models.Model):
    """A dated meeting of a live or workshop course."""

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="sessions"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    location = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), validators=[MinValueValidator(1)])
    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("instructor"),
        on_delete=models.PROTECT,
        related_name="sessions_taught",
    )
    is_cancelled = models.BooleanField(_("cancelled"), default=False)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="session_ends_after_start",
                violation_error_message=_("A session must end after it starts."),
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="session_capacity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.course} · {self.starts_at:%Y-%m-%d %H:%M}"


class SessionRegistration(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    class Attendance(models.TextChoices):
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")
        EXCUSED = "excused", _("Excused")

    session = models.ForeignKey(
        CourseSession,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="session_registrations",
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    attendance = models.CharField(
        _("attendance"), max_length=10, choices=Attendance.choices, blank=True
    )
    attendance_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("attendance taken by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    attendance_at = models.DateTimeField(_("attendance taken at"), null=True, blank=True)

    class Meta:
        ordering = ["session", "registered_at", "id"]
        verbose_name = _("session registration")
        verbose_name_plural = _("session registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "agent"],
                condition=~Q(status="cancelled"),
                name="session_registration_once",
                violation_error_message=_("Already registered for this session."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent} · {self.session}"
