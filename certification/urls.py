from .certificate_urls import urlpatterns as certificate_urlpatterns
from .manage_urls import urlpatterns as manage_urlpatterns
from .monthly_urls import urlpatterns as monthly_urlpatterns
from .points_urls import urlpatterns as points_urlpatterns

app_name = "certification"

urlpatterns = (
    certificate_urlpatterns + manage_urlpatterns + points_urlpatterns + monthly_urlpatterns
)
