from django.urls import path

from . import views_reports

app_name = "lms_reports"

urlpatterns = [
    path("reports/competencies/", views_reports.competency_report, name="competencies"),
    path("people/<int:pk>/radar/", views_reports.person_radar, name="person-radar"),
]
