import os

from django.core.asgi import get_asgi_application

# A web server is production unless told otherwise.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.production")
application = get_asgi_application()
