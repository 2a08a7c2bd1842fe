from .certificate_urls import urlpatterns as certificate_urlpatterns
from .dashboard_urls import urlpatterns as dashboard_urlpatterns
from .manage_urls import urlpatterns as manage_urlpatterns
from .monthly_urls import urlpatterns as monthly_urlpatterns
from .points_urls import urlpatterns as points_urlpatterns
from .reports_urls import urlpatterns as reports_urlpatterns

app_name = "certification"

urlpatterns = (
    certificate_urlpatterns
    + manage_urlpatterns
    + points_urlpatterns
    + monthly_urlpatterns
    + reports_urlpatterns
    + dashboard_urlpatterns
)
