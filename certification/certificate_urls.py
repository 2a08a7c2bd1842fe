from django.urls import path

from . import views_certificates as views

urlpatterns = [
    path("certificates/mine/", views.certificates_mine, name="certificates-mine"),
    path("certificates/<int:pk>/", views.certificate_detail, name="certificate"),
    path("certificates/<int:pk>/pdf/", views.certificate_pdf, name="certificate-pdf"),
    path("manage/certificate-templates/", views.template_list, name="template-list"),
    path("manage/certificate-templates/new/", views.template_create, name="template-create"),
    path(
        "manage/certificate-templates/preview/",
        views.template_preview,
        name="template-preview-new",
    ),
    path("manage/certificate-templates/<int:pk>/", views.template_edit, name="template-edit"),
    path(
        "manage/certificate-templates/<int:pk>/preview/",
        views.template_preview,
        name="template-preview",
    ),
    path(
        "manage/certificate-templates/<int:pk>/default/",
        views.template_default,
        name="template-default",
    ),
]
