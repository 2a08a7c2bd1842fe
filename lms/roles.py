"""Role groups and the model permissions each holds in the Django admin.

Run after every migrate (post_migrate), so new models' permissions reach the roles
without a data migration per app. Patterns are "app_label.codename", where the codename
may be ``*`` (all of an app) or start with ``view_`` / ``add_`` ... followed by ``*``.
"""

from fnmatch import fnmatch

from django.contrib.auth.models import Group, Permission

from .models import Role

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.AGENT: [],
    Role.MENTOR: [],
    Role.TRAINER: [
        "lms.view_*",
        "lms.*_competency",
        "lms.*_behaviouralindicator",
        "lms.*_area",
        "lms.*_dimension",
        "courses.*",
        "assessments.*",
    ],
    Role.TEAM_LEAD: [],
    Role.HR: [
        "lms.*",
        "courses.*",
        "assessments.view_*",
        "certification.*",
        "auth.view_group",
    ],
    Role.ADMIN: ["*.*"],
}


def roles_sync(**_kwargs) -> None:
    """Create the role groups and give each exactly its permissions; idempotent."""
    permissions = list(Permission.objects.select_related("content_type"))
    for role, patterns in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        wanted = [
            p
            for p in permissions
            if any(fnmatch(f"{p.content_type.app_label}.{p.codename}", pat) for pat in patterns)
        ]
        group.permissions.set(wanted)
