from .authoring_urls import urlpatterns as authoring_urlpatterns
from .dispute_urls import urlpatterns as dispute_urlpatterns
from .live_urls import urlpatterns as live_urlpatterns
from .manage_urls import urlpatterns as manage_urlpatterns
from .plan_urls import urlpatterns as plan_urlpatterns
from .roleplay_urls import urlpatterns as roleplay_urlpatterns
from .take_urls import urlpatterns as take_urlpatterns

app_name = "assessments"

urlpatterns = (
    take_urlpatterns
    + manage_urlpatterns
    + roleplay_urlpatterns
    + live_urlpatterns
    + dispute_urlpatterns
    + authoring_urlpatterns
    + plan_urlpatterns
)
