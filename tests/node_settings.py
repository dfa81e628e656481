"""Settings of the national and provincial nodes that tests/nodes starts as live servers.

The real settings, read from the environment each node is given (NODE_ROLE, DATABASE_URL,
NATIONAL_URL…), plus: a private Celery queue, so that nothing else on the broker meets
these messages; fast hashing and a quick first retry, so the tests do not wait long.
"""

import os

from config.settings import *  # noqa: F403

CELERY_TASK_DEFAULT_QUEUE = os.environ.get("TEST_CELERY_QUEUE", "celery")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
