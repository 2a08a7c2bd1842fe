from django.urls import path, re_path

from . import views_dashboards

# The section keys are spelt out so that ``reports/monthly/`` and other report pages
# never fall into the section view, whatever the order the url lists are joined in.
_SECTIONS = "|".join(views_dashboards.SECTIONS)

urlpatterns = [
    path("reports/", views_dashboards.dashboard, name="dashboards"),
    re_path(
        rf"^reports/(?P<section>{_SECTIONS})/$",
        views_dashboards.dashboard_section,
        name="dashboard-section",
    ),
]
