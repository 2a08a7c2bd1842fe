"""Test settings: only what makes tests faster or isolated."""

import os
import tempfile

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# A worker started by the tests is given the suite's folder, so that the tests can read
# the files it writes.
MEDIA_ROOT = os.environ.get("DJANGO_TEST_MEDIA_ROOT") or tempfile.mkdtemp(prefix="academy-media-")
# An existing folder, so that WhiteNoise does not warn on every test request.
STATIC_ROOT = tempfile.mkdtemp(prefix="academy-static-")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LANGUAGE_CODE = "zh-hans"
