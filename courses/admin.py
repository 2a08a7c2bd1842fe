from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import services
from .models import (
    Course,
    CourseCompetency,
    CourseLevelPrerequisite,
    CourseSession,
    CourseVersion,
    Enrolment,
    LearningPath,
    Lesson,
    PathAssignment,
    PathCourse,
    SessionRegistration,
)
from .permissions import can_author


class ReadOnlyAdminMixin:
    """Shown, never changed here: saving in the admin would skip the services (versions,
    prerequisite checks, seat counts, notifications). The changelist points to the app's
    authoring pages, where these are edited."""

    change_list_template = "courses/admin/change_list.html"
    authoring_url_name = "courses:manage-courses"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "authoring_url": reverse(self.authoring_url_name),
        }
        return super().changelist_view(request, extra_context=extra_context)


class ReadOnlyInlineMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TargetInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = CourseCompetency
    extra = 0
    autocomplete_fields = ["competency"]


class LevelPrerequisiteInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = CourseLevelPrerequisite
    extra = 0
    autocomplete_fields = ["competency"]


class LessonInline(ReadOnlyInlineMixin, admin.StackedInline):
    model = Lesson
    extra = 0
    fields = [
        ("order", "kind", "required", "estimated_minutes"),
        ("title_zh", "title_en"),
        "body_zh",
        "body_en",
        "video_url",
        "file",
    ]


@admin.register(Course)
class CourseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "title_zh", "tier", "delivery_mode", "status", "version"]
    list_filter = ["tier", "delivery_mode", "status"]
    search_fields = ["code", "title_zh", "title_en"]
    inlines = [TargetInline, LevelPrerequisiteInline, LessonInline]
    actions = ["publish"]

    def has_publish_permission(self, request) -> bool:
        return request.user.is_superuser or can_author(request.user)

    # Through the service, like the authoring pages: a new version, nothing skipped.
    @admin.action(
        description=_("Publish the selected courses as a new version"), permissions=["publish"]
    )
    def publish(self, request, queryset):
        for course in queryset:
            try:
                version = services.course_publish(course=course, published_by=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{course}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                self.message_user(request, _("Published %(version)s.") % {"version": version})


@admin.register(CourseVersion)
class CourseVersionAdmin(admin.ModelAdmin):
    list_display = ["course", "number", "published_at", "published_by"]
    list_select_related = ["course", "published_by"]
    readonly_fields = ["course", "number", "snapshot", "published_at", "published_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PathCourseInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = PathCourse
    extra = 0
    autocomplete_fields = ["course"]


@admin.register(LearningPath)
class LearningPathAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    authoring_url_name = "courses:manage-paths"
    list_display = ["code", "title_zh", "is_published"]
    search_fields = ["code", "title_zh", "title_en"]
    inlines = [PathCourseInline]


@admin.register(PathAssignment)
class PathAssignmentAdmin(admin.ModelAdmin):
    list_display = ["path", "agent", "team", "due_on", "assigned_by", "assigned_at"]
    list_select_related = ["path", "agent", "team", "assigned_by"]
    list_filter = ["path", "team"]
    search_fields = ["agent__display_name", "agent__employee_no"]

    def has_add_permission(self, request):
        return False  # assigned through the app, which enrols in every course

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    """Read-only: enrolments change through the app's services (assign, withdraw, lessons)."""

    list_display = ["agent", "course", "source", "status", "progress", "due_on", "completed_at"]
    list_filter = ["status", "source", "course__tier", "course"]
    search_fields = ["agent__display_name", "agent__employee_no", "course__code"]
    list_select_related = ["agent", "course"]
    date_hierarchy = "enrolled_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RegistrationInline(admin.TabularInline):
    model = SessionRegistration
    extra = 0
    readonly_fields = ["agent", "status", "registered_at", "attendance", "attendance_by"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CourseSession)
class CourseSessionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["course", "starts_at", "ends_at", "location", "capacity", "instructor"]
    list_filter = ["is_cancelled", "course"]
    list_select_related = ["course", "instructor"]
    autocomplete_fields = ["course", "instructor"]
    inlines = [RegistrationInline]
