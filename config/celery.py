"""The Celery application.

With no ``CELERY_BROKER_URL`` the tasks run eagerly in-process (the embedded
default); with one, a worker and one beat process run them.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("biye")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
