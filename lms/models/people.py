import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .bilingual import BilingualName


class Role(models.TextChoices):
    """Roles are auth groups of these names; a person may hold several."""

    AGENT = "agent", _("Agent")
    MENTOR = "mentor", _("Mentor")
    TRAINER = "trainer", _("Trainer")
    TEAM_LEAD = "team_lead", _("Team lead")
    HR = "hr", _("HR")
    ADMIN = "admin", _("Administrator")


def default_language() -> str:
    return settings.LANGUAGE_CODE


def default_time_zone() -> str:
    return settings.TIME_ZONE


def validate_time_zone(value: str) -> None:
    # Not field choices: the zone list depends on the machine's tzdata, and choices
    # would make migrations differ from one machine to the next.
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone: %(zone)s"), params={"zone": value})


class Team(BilingualName):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("team lead"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_teams",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    english_name = models.CharField(_("English name"), max_length=100, blank=True)
    employee_no = models.CharField(_("employee number"), max_length=32, blank=True)
    hire_date = models.DateField(_("hire date"), null=True, blank=True)
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    position = models.ForeignKey(
        "lms.PositionProfile",
        verbose_name=_("position"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="holders",
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=default_language,
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default=default_time_zone, validators=[validate_time_zone]
    )
    mentor_capacity = models.PositiveSmallIntegerField(
        _("mentor capacity"),
        default=5,
        help_text=_("How many mentees this person may coach at the same time."),
    )

    class Meta:
        ordering = ["username"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(
                fields=["employee_no"],
                condition=~Q(employee_no=""),
                name="user_employee_no_unique",
                violation_error_message=_("This employee number is already in use."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @cached_property
    def role_names(self) -> frozenset[str]:
        """Names of the roles held; a superuser holds the administrator role at least."""
        # Through groups.all() so that lists can prefetch "groups" and avoid a query per row.
        names = {group.name for group in self.groups.all()}
        if self.is_superuser:
            names.add(Role.ADMIN)
        return frozenset(names)

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_names.intersection(roles))

    @property
    def is_hr(self) -> bool:
        return self.has_role(Role.HR, Role.ADMIN)


class Mentorship(models.Model):
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mentor"),
        on_delete=models.PROTECT,
        related_name="mentorships_as_mentor",
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mentee"),
        on_delete=models.PROTECT,
        related_name="mentorships_as_mentee",
    )
    started_on = models.DateField(_("start"))
    ended_on = models.DateField(_("end"), null=True, blank=True)
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
        ordering = ["-started_on", "-id"]
        verbose_name = _("mentorship")
        verbose_name_plural = _("mentorships")
        constraints = [
            models.CheckConstraint(
                condition=~Q(mentor=F("mentee")),
                name="mentorship_not_self",
                violation_error_message=_("Nobody can mentor themselves."),
            ),
            models.UniqueConstraint(
                fields=["mentee"],
                condition=Q(ended_on__isnull=True),
                name="mentorship_one_active_per_mentee",
                violation_error_message=_("This person already has an active mentor."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="mentorship_ends_after_start",
                violation_error_message=_("A mentorship cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} → {self.mentee}"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None
