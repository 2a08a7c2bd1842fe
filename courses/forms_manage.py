"""Forms of the manage pages: they validate input; services do the writing."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.models import Competency, Level, Role, Team, User

from .models import Course, CourseSession, Enrolment, LearningPath, Lesson
from .permissions import assignable_people_for
from .services import COURSE_FIELDS, LESSON_FIELDS

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
NO_LEVEL = ""


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its fields when the form has them,
    otherwise at the top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        form.add_error(None, exc)


class DateInput(forms.DateInput):
    input_type = "date"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=DATETIME_LOCAL)


def _https_urls(field, **kwargs):
    """Model form fields, with links typed without a scheme read as https."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj} · {obj.team}" if obj.team_id else str(obj)


# --- Progress table -----------------------------------------------------------------


class ProgressFilterForm(forms.Form):
    team = forms.ChoiceField(label=_("Team"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    course = forms.ModelChoiceField(
        label=_("Course"),
        queryset=Course.objects.none(),
        required=False,
        empty_label=_("All courses"),
    )

    def __init__(self, *args, teams: QuerySet, courses: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", _("All teams")), *((t.code, t.name) for t in teams)]
        self.fields["status"].choices = [
            ("", _("Any status")),
            *(
                (value, label)
                for value, label in Enrolment.Status.choices
                if value != Enrolment.Status.WITHDRAWN
            ),
        ]
        self.fields["course"].queryset = courses

    def filters(self) -> dict:
        """The valid filters; an invalid one is ignored rather than failing the page."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        course = data.get("course")
        return {
            "team_code": data.get("team") or "",
            "status": data.get("status") or "",
            "course_id": course.pk if course else None,
        }


# --- Assigning courses and paths ----------------------------------------------------


class AssignForm(forms.Form):
    course = forms.ModelChoiceField(
        label=_("Course"),
        queryset=Course.objects.none(),
        required=False,
        empty_label=_("— choose a course —"),
    )
    path = forms.ModelChoiceField(
        label=_("or a learning path"),
        queryset=LearningPath.objects.none(),
        required=False,
        empty_label=_("— choose a learning path —"),
    )
    people = PersonChoiceField(
        label=_("People"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    team = forms.ModelChoiceField(
        label=_("and/or a whole team"),
        queryset=Team.objects.none(),
        required=False,
        empty_label=_("— no team —"),
    )
    due_on = forms.DateField(label=_("Due date"), required=False, widget=DateInput)

    def __init__(self, *args, user: User, teams: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["course"].queryset = Course.objects.filter(
            status=Course.Status.PUBLISHED
        ).order_by("code")
        self.fields["path"].queryset = LearningPath.objects.filter(is_published=True).order_by(
            "code"
        )
        self.fields["people"].queryset = (
            assignable_people_for(user)
            .select_related("team")
            .order_by("team__code", "display_name", "username")
        )
        if teams.exists():
            self.fields["team"].queryset = teams
        else:
            # Mentors assign to their mentees one by one: no team option at all.
            del self.fields["team"]

    def clean_due_on(self):
        due_on = self.cleaned_data.get("due_on")
        if due_on is not None and due_on < timezone.localdate():
            raise ValidationError(_("The due date cannot be in the past."), code="due_past")
        return due_on

    def clean(self):
        cleaned = super().clean()
        course, path = cleaned.get("course"), cleaned.get("path")
        if not self.has_error("course") and not self.has_error("path"):
            if course and path:
                raise ValidationError(
                    _("Choose a course or a learning path, not both."), code="both"
                )
            if not course and not path:
                raise ValidationError(_("Choose a course or a learning path."), code="none")
        team = cleaned.get("team")
        members: list[User] = []
        if team is not None:
            members = list(
                assignable_people_for(self.user)
                .filter(team=team)
                .select_related("team")
                .order_by("display_name", "username")
            )
            if not members:
                self.add_error("team", _("Nobody in this team can be assigned work by you."))
        cleaned["team_members"] = members
        nobody = not cleaned.get("people") and team is None
        if nobody and not self.has_error("people") and not self.has_error("team"):
            raise ValidationError(_("Choose at least one person or a team."), code="nobody")
        return cleaned


# --- Authoring: courses -------------------------------------------------------------


def _level_choices(empty_label: str) -> list[tuple[str, str]]:
    return [(NO_LEVEL, empty_label), *((str(value), label) for value, label in Level.choices)]


class CourseForm(forms.ModelForm):
    """The course's own fields, its prerequisite courses, and per competency the level it
    builds and the minimum level it needs. Saved by ``services.course_author_save``."""

    class Meta:
        model = Course
        fields = [
            "code",
            "title_zh",
            "title_en",
            "description_zh",
            "description_en",
            "tier",
            "delivery_mode",
            "estimated_minutes",
            "completes_on_attendance",
            "prerequisites",
        ]
        widgets = {
            "prerequisites": forms.CheckboxSelectMultiple,
            "description_zh": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, competencies: list[Competency], **kwargs):
        super().__init__(*args, **kwargs)
        self.competencies = competencies
        other_courses = Course.objects.order_by("code")
        if self.instance.pk:
            other_courses = other_courses.exclude(pk=self.instance.pk)
            # The code names the course in links and imports: fixed once created.
            self.fields["code"].disabled = True
        self.fields["prerequisites"].queryset = other_courses
        self.fields["prerequisites"].required = False
        targets, minimums = {}, {}
        if self.instance.pk:
            targets = {t.competency_id: t.level for t in self.instance.targets.all()}
            minimums = {r.competency_id: r.level for r in self.instance.level_prerequisites.all()}
        for competency in competencies:
            self.fields[f"target_{competency.pk}"] = forms.TypedChoiceField(
                label=_("%(competency)s: level built") % {"competency": competency},
                choices=_level_choices(_("—")),
                coerce=int,
                empty_value=None,
                required=False,
                initial=str(targets.get(competency.pk, "")),
            )
            self.fields[f"minimum_{competency.pk}"] = forms.TypedChoiceField(
                label=_("%(competency)s: minimum level needed") % {"competency": competency},
                choices=_level_choices(_("—")),
                coerce=int,
                empty_value=None,
                required=False,
                initial=str(minimums.get(competency.pk, "")),
            )

    def competency_rows(self):
        """(competency, target field, minimum field) for the template's table."""
        return [(c, self[f"target_{c.pk}"], self[f"minimum_{c.pk}"]) for c in self.competencies]

    def course_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in COURSE_FIELDS}

    def targets(self) -> list[tuple[Competency, int]]:
        return [
            (c, self.cleaned_data[f"target_{c.pk}"])
            for c in self.competencies
            if self.cleaned_data.get(f"target_{c.pk}")
        ]

    def level_rules(self) -> list[tuple[Competency, int]]:
        return [
            (c, self.cleaned_data[f"minimum_{c.pk}"])
            for c in self.competencies
            if self.cleaned_data.get(f"minimum_{c.pk}")
        ]


class LessonForm(forms.ModelForm):
    """A lesson of the working copy. The model's validators check the file's type and
    size during validation, so a bad upload is refused before anything is written."""

    class Meta:
        model = Lesson
        formfield_callback = _https_urls
        fields = [
            "title_zh",
            "title_en",
            "kind",
            "body_zh",
            "body_en",
            "video_url",
            "file",
            "estimated_minutes",
            "required",
        ]
        widgets = {
            "body_zh": forms.Textarea(attrs={"rows": 12}),
            "body_en": forms.Textarea(attrs={"rows": 8}),
        }

    def lesson_fields(self) -> dict:
        fields = {
            name: self.cleaned_data[name]
            for name in self.Meta.fields
            if name in LESSON_FIELDS and name != "file"
        }
        upload = self.cleaned_data.get("file")
        if upload is False:  # "clear" ticked
            fields["file"] = ""
        elif isinstance(upload, UploadedFile):
            fields["file"] = upload
        return fields


# --- Authoring: learning paths ------------------------------------------------------


class LearningPathForm(forms.ModelForm):
    """A path and its courses: each course gets a position number, blank = not in it."""

    class Meta:
        model = LearningPath
        fields = ["code", "title_zh", "title_en", "description_zh", "description_en"]
        widgets = {
            "description_zh": forms.Textarea(attrs={"rows": 3}),
            "description_en": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, courses: list[Course], **kwargs):
        super().__init__(*args, **kwargs)
        self.courses = courses
        positions = {}
        if self.instance.pk:
            self.fields["code"].disabled = True
            positions = {step.course_id: step.order for step in self.instance.steps.all()}
        for course in courses:
            self.fields[f"step_{course.pk}"] = forms.IntegerField(
                label=_("Position of %(course)s") % {"course": course},
                min_value=1,
                required=False,
                initial=positions.get(course.pk),
                widget=forms.NumberInput(attrs={"class": "position", "min": 1}),
            )

    def course_rows(self):
        return [(course, self[f"step_{course.pk}"]) for course in self.courses]

    def clean(self):
        cleaned = super().clean()
        chosen = [
            (cleaned[f"step_{c.pk}"], c.code, c)
            for c in self.courses
            if cleaned.get(f"step_{c.pk}") is not None
        ]
        positions = [position for position, _code, _course in chosen]
        if len(set(positions)) != len(positions):
            raise ValidationError(
                _("Two courses have the same position: give each course its own number."),
                code="duplicate_position",
            )
        cleaned["ordered_courses"] = [course for _p, _c, course in sorted(chosen)]
        return cleaned

    def path_fields(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in ("title_en", "description_zh", "description_en")
        }


# --- Authoring: sessions ------------------------------------------------------------


def instructors_for(user: User) -> QuerySet[User]:
    """Who can teach a session: trainers and mentors, and the author themselves."""
    return (
        User.objects.filter(is_active=True)
        .filter(Q(groups__name__in=[Role.TRAINER, Role.MENTOR]) | Q(pk=user.pk))
        .distinct()
        .order_by("display_name", "username")
    )


class SessionForm(forms.ModelForm):
    """Times are typed in the user's own time zone (the one the middleware activates)."""

    class Meta:
        model = CourseSession
        formfield_callback = _https_urls
        fields = ["starts_at", "ends_at", "location", "online_url", "capacity", "instructor"]
        widgets = {"starts_at": DateTimeLocalInput, "ends_at": DateTimeLocalInput}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instructor"].queryset = instructors_for(user)
        if not self.instance.pk:
            self.fields["instructor"].initial = user.pk
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = [DATETIME_LOCAL, "%Y-%m-%d %H:%M"]

    def session_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
