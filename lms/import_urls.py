from django.urls import path

from . import views_import

app_name = "people_import"

urlpatterns = [
    path("people/import/", views_import.import_page, name="page"),
    path("people/import/template.<str:fmt>", views_import.import_template, name="template"),
    path("people/imports/<int:pk>/", views_import.import_job, name="job"),
    path("people/imports/<int:pk>/file/", views_import.import_job_file, name="job-file"),
]
