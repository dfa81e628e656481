"""Settings of the Celery worker that tests/test_worker.py starts as a subprocess.

The test settings, plus: tasks really go through the broker; the worker's e-mail goes to
files and its SMS through the recording file transport, both in folders the test reads;
a private queue, so that nothing else on the broker meets these messages; and, for Redis,
a visibility timeout of seconds instead of an hour, so that the message of a killed worker
comes back while the test waits. That last one belongs in tests only: a visibility
timeout shorter than a task's run time has the task run twice.
"""

import os

from config.settings_test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_DEFAULT_QUEUE = os.environ["TEST_CELERY_QUEUE"]
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 5,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["TEST_MAIL_DIR"]
SMS_TRANSPORT = "tests.sms.FileSmsTransport"
NOTIFICATION_RETRY_BACKOFF = 1
