from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    name = "certification"
    verbose_name = _("Certification")

    def ready(self) -> None:
        from assessments.signals import assessment_passed
        from courses.signals import course_completed
        from lms.hooks import person_panel_register

        from . import checks  # noqa: F401  (registers the system check)
        from .receivers import on_assessment_passed, on_course_completed

        course_completed.connect(on_course_completed, dispatch_uid="certification.course")
        assessment_passed.connect(on_assessment_passed, dispatch_uid="certification.assessment")
        person_panel_register("certification:person-panel")
