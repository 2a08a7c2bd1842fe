from django.urls import path

from . import views_reports

urlpatterns = [
    path("reports/impact/", views_reports.impact, name="impact"),
]
