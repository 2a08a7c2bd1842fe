from .manage_urls import urlpatterns as manage_urlpatterns
from .roleplay_urls import urlpatterns as roleplay_urlpatterns
from .take_urls import urlpatterns as take_urlpatterns

app_name = "assessments"

urlpatterns = take_urlpatterns + manage_urlpatterns + roleplay_urlpatterns
