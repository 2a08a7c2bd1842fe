from django.urls import path

from . import views_monthly

urlpatterns = [
    path("reports/monthly/", views_monthly.report_list, name="monthly-reports"),
    path("reports/monthly/generate/", views_monthly.report_generate, name="monthly-generate"),
    path("reports/monthly/<int:pk>/pdf/", views_monthly.report_pdf, name="monthly-pdf"),
]
