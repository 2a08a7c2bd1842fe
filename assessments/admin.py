"""Read-only admin: banks, quizzes, attempts, rubrics and submissions change through the
app's pages and services (which keep papers, keys, versions and grades consistent)."""

from django.contrib import admin

from .models import (
    Attempt,
    Grade,
    Question,
    QuestionBank,
    Quiz,
    Rubric,
    Scenario,
    Submission,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(QuestionBank)
class QuestionBankAdmin(ReadOnlyAdmin):
    list_display = ["code", "title_zh", "created_at"]
    search_fields = ["code", "title_zh", "title_en"]


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "bank",
        "kind",
        "text_zh",
        "competency",
        "level",
        "difficulty",
        "is_active",
    ]
    list_filter = ["kind", "difficulty", "level", "is_active", "bank"]
    search_fields = ["text_zh", "text_en"]
    list_select_related = ["bank", "competency"]


@admin.register(Quiz)
class QuizAdmin(ReadOnlyAdmin):
    list_display = ["code", "title_zh", "mode", "status", "course", "pass_mark"]
    list_filter = ["mode", "status"]
    search_fields = ["code", "title_zh"]
    list_select_related = ["course"]


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyAdmin):
    list_display = ["quiz", "agent", "number", "status", "percent", "passed", "started_at"]
    list_filter = ["status", "passed", "quiz"]
    search_fields = ["agent__display_name", "agent__employee_no"]
    list_select_related = ["quiz", "agent"]
    exclude = ["paper", "key"]


@admin.register(Rubric)
class RubricAdmin(ReadOnlyAdmin):
    list_display = ["code", "title_zh", "pass_mark", "policy"]
    search_fields = ["code", "title_zh"]


@admin.register(Scenario)
class ScenarioAdmin(ReadOnlyAdmin):
    list_display = ["code", "title_zh", "kind", "channel", "status", "rubric"]
    list_filter = ["kind", "channel", "status"]
    search_fields = ["code", "title_zh"]
    list_select_related = ["rubric"]


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ["scenario", "agent", "status", "score", "passed", "submitted_at"]
    list_filter = ["status", "passed", "scenario"]
    search_fields = ["agent__display_name", "agent__employee_no"]
    list_select_related = ["scenario", "agent"]


@admin.register(Grade)
class GradeAdmin(ReadOnlyAdmin):
    list_display = ["submission", "grader", "role", "status", "score", "finalised_at"]
    list_filter = ["status", "role"]
    list_select_related = ["submission", "grader"]
