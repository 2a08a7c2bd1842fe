from django.urls import path

from . import views_checklist, views_manage

urlpatterns = [
    # HR: programs and their requirements.
    path("manage/programs/", views_manage.program_list, name="program-list"),
    path("manage/programs/new/", views_manage.program_create, name="program-create"),
    path("manage/programs/<int:pk>/", views_manage.program_detail, name="program-detail"),
    path("manage/programs/<int:pk>/edit/", views_manage.program_edit, name="program-edit"),
    path("manage/programs/<int:pk>/archive/", views_manage.program_archive, name="program-archive"),
    path(
        "manage/programs/<int:pk>/requirements/",
        views_manage.requirement_add,
        name="program-requirement-add",
    ),
    path(
        "manage/programs/<int:pk>/requirements/<int:requirement_id>/delete/",
        views_manage.requirement_delete,
        name="program-requirement-delete",
    ),
    # HR and team leads: who is eligible; HR issues.
    path(
        "manage/programs/<int:pk>/eligibility/",
        views_manage.program_eligibility,
        name="program-eligibility",
    ),
    path("manage/programs/<int:pk>/issue/", views_manage.program_issue, name="program-issue"),
    path(
        "manage/programs/<int:pk>/issue-all/",
        views_manage.program_issue_all,
        name="program-issue-all",
    ),
    # HR and team leads: the certificates register; HR revokes.
    path("manage/certificates/", views_manage.register, name="register"),
    path("manage/certificates/export.csv", views_manage.register_export, name="register-export"),
    path(
        "manage/certificates/download/",
        views_manage.register_download,
        name="register-download",
    ),
    path(
        "manage/certificates/<int:pk>/revoke/",
        views_manage.certificate_revoke_view,
        name="register-revoke",
    ),
    # Everyone: their own checklist.
    path("certificates/programs/", views_checklist.checklist, name="checklist"),
    path(
        "certificates/programs/<int:pk>/",
        views_checklist.checklist_program,
        name="checklist-program",
    ),
]
