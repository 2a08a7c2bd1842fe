from django.urls import path

from . import views_kpi

app_name = "kpis"

urlpatterns = [
    path("kpis/import/", views_kpi.import_page, name="import"),
    path("kpis/imports/<int:pk>/", views_kpi.import_job, name="import-job"),
    path(
        "kpis/import/template.<str:fmt>",
        views_kpi.import_template,
        name="import-template",
    ),
]
