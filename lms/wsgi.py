import os

from django.core.wsgi import get_wsgi_application

# A web server is production unless told otherwise.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.production")
application = get_wsgi_application()
