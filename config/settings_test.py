"""Test settings: the real settings, plus what makes a test run fast and deterministic."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-key-not-used-anywhere-else-0123456789")
# Each pytest-xdist worker has its own files (uploads, the demo's accounts); the databases
# are suffixed per worker by pytest-django.
os.environ.setdefault(
    "VAR_DIR",
    os.path.join(
        os.path.dirname(os.path.dirname(__file__)),
        "var",
        "test",
        os.environ.get("PYTEST_XDIST_WORKER", ""),
    ),
)

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ALLOWED_HOSTS = ["*"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tasks run in-process even when CELERY_BROKER_URL names a broker: the real-worker tests
# (tests/test_worker.py) switch this off for their duration and start a worker of their own.
CELERY_TASK_ALWAYS_EAGER = True
