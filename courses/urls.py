from .learner_urls import urlpatterns as learner_urlpatterns
from .manage_urls import urlpatterns as manage_urlpatterns

app_name = "courses"

urlpatterns = learner_urlpatterns + manage_urlpatterns
