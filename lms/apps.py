from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = _("People and competencies")

    def ready(self) -> None:
        from .roles import roles_sync

        post_migrate.connect(roles_sync, dispatch_uid="lms.roles_sync")
