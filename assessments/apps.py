from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments")

    def ready(self) -> None:
        from courses.hooks import completion_check_register, course_panel_register

        from .roleplay import required_scenarios_unmet
        from .services import required_quizzes_unmet

        completion_check_register(required_quizzes_unmet)
        completion_check_register(required_scenarios_unmet)
        course_panel_register("assessments:course-quizzes")
