"""A real Celery worker, on a real broker, against the test database.

Each test starts ``celery worker`` as a subprocess (prefork, one child) on the broker
CELERY_BROKER_URL names, with a private queue, and commits its data so that the worker
sees it. The worker sends e-mail to files and SMS through the recording file transport
(tests/worker_settings.py). Skipped, with the reason shown, without a broker or without
PostgreSQL (the worker cannot share pytest's in-memory SQLite database).
"""

import email
import json
import os
import re
import signal
import subprocess
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from kombu import Exchange, Queue

from config.celery import app as celery_app
from notifications import services
from notifications.models import DeliveryAttempt, Notification

from .factories import login
from .live import celery_worker_command, database_url_named, wait_for
from .workflows.helpers import decide, submit

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]

REASON = "请补充签约日期"


def received(worker) -> list[str]:
    """The ids of the tasks a worker's log says it received."""
    return re.findall(r"deliver_notification\[([0-9a-f-]+)\] received", worker.log.read_text())


class Worker:
    """One ``celery worker`` process group, its log in a file."""

    def __init__(self, env: dict, log: Path):
        self.log = log
        self.proc = subprocess.Popen(
            celery_worker_command(
                "-P", "prefork", "-c", "1", name=f"test-{uuid.uuid4().hex[:8]}@%h"
            ),
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(f"the worker to start (log: {log})", self.ready, timeout=60)

    def ready(self) -> bool:
        if self.proc.poll() is not None:
            raise AssertionError(f"the worker exited:\n{self.log.read_text()}")
        return " ready." in self.log.read_text()

    def kill(self) -> None:
        """SIGKILL the whole worker, main process and pool child, as a lost machine would."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.kill()


@pytest.fixture
def workers(transactional_db, tmp_path):
    """Starts workers on demand; sends this process's tasks to their broker and queue."""
    queue = f"test-{uuid.uuid4().hex}"
    folders = {name: tmp_path / name for name in ("mail", "sms")}
    for folder in folders.values():
        folder.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
        "DATABASE_URL": database_url_named(
            os.environ["DATABASE_URL"], connection.settings_dict["NAME"]
        ),
        "TEST_CELERY_QUEUE": queue,
        "TEST_MAIL_DIR": str(folders["mail"]),
        "TEST_SMS_DIR": str(folders["sms"]),
    }
    env.pop("TEST_DATABASE_NAME", None)
    saved = {key: celery_app.conf[key] for key in ("task_always_eager", "task_default_queue")}
    celery_app.conf.update(task_always_eager=False, task_default_queue=queue)
    started: list[Worker] = []

    class Workers:
        mail = folders["mail"]
        sms = folders["sms"]

        def start(self) -> Worker:
            worker = Worker(env, tmp_path / f"worker-{len(started) + 1}.log")
            started.append(worker)
            return worker

    yield Workers()
    for worker in started:
        worker.stop()
    celery_app.conf.update(**saved)
    with celery_app.connection_for_write() as conn:
        # Bound to this channel first, so that deleting also drops the broker's bindings.
        bound = Queue(queue, Exchange(queue, type="direct"), routing_key=queue)(
            conn.default_channel
        )
        bound.declare()
        bound.delete()
        bound.exchange.delete()


def mails(folder: Path) -> list[email.message.Message]:
    return [email.message_from_bytes(p.read_bytes()) for p in sorted(folder.iterdir())]


def texts(folder: Path) -> list[str]:
    return [json.loads(p.read_text())["text"] for p in sorted(folder.glob("*.json"))]


def body(message) -> str:
    return message.get_payload(decode=True).decode("utf-8")


def returned(cohort, reviewer):
    """Returns the first graduate's registration; the reviewer's transaction commits."""
    graduate = cohort.first()
    services.notification_settings_update(
        user=graduate.user, email="graduate@example.edu.cn", mobile="", choices={}
    )
    submit(graduate)
    decide(graduate, reviewer, approve=False, reason=REASON)
    return Notification.objects.get(user=graduate.user, kind="registration_returned")


def attempt_log(notification, field):
    """The notification's delivery attempts in the order they started: channel, result, ``field``."""
    return list(
        DeliveryAttempt.objects.filter(notification=notification)
        .order_by("started_at", "id")
        .values_list("channel", "result", field)
    )


def settled(notification):
    def check():
        notification.refresh_from_db()
        return notification.settled_at is not None

    return check


def test_a_notification_queued_on_commit_is_sent_by_the_worker(workers, cohort, reviewer):
    workers.start()
    notification = returned(cohort, reviewer)
    assert notification.channels == ["email", "sms"]
    wait_for("the worker to send the notification", settled(notification), timeout=30)

    (message,) = mails(workers.mail)
    assert message["To"] == "graduate@example.edu.cn"
    assert message["Message-ID"] == f"<notification-{notification.pk}-email@127.0.0.1>"
    assert REASON in body(message)
    (sms,) = texts(workers.sms)
    assert REASON in sms
    attempts = DeliveryAttempt.objects.filter(notification=notification)
    assert sorted(attempts.values_list("channel", "result")) == [("email", "sent"), ("sms", "sent")]
    assert all(a.worker.startswith("test-") for a in attempts)


def test_a_worker_killed_in_the_middle_of_a_send_leaves_it_to_another_sending_nothing_twice(
    workers, cohort, reviewer
):
    first = workers.start()
    (workers.sms / "hang").touch()  # the first SMS send stops half-way, for good
    notification = returned(cohort, reviewer)
    wait_for("the worker to be inside the SMS send", (workers.sms / "hanging").exists, 30)
    # By now the e-mail has gone and its attempt is committed; the SMS attempt has started.
    assert len(mails(workers.mail)) == 1
    first.kill()

    second = workers.start()
    wait_for("the redelivered task to finish", settled(notification), timeout=90)

    assert len(mails(workers.mail)) == 1, "the e-mail was sent twice"
    assert len(texts(workers.sms)) == 1
    assert Notification.objects.filter(kind="registration_returned").count() == 1
    log = attempt_log(notification, "worker")
    assert [(channel, result) for channel, result, _w in log] == [
        ("email", "sent"),
        ("sms", "interrupted"),
        ("email", "duplicate"),
        ("sms", "sent"),
    ]
    assert log[0][2] != log[3][2]  # the SMS went out from the second worker
    # ... which ran the very message the first one had taken: it was redelivered.
    assert received(first) and received(first) == received(second)


def test_a_failed_send_is_retried_by_the_worker_after_a_backoff(workers, cohort, reviewer):
    workers.start()
    (workers.sms / "fail-once").touch()
    notification = returned(cohort, reviewer)
    wait_for("the retry to send the SMS", settled(notification), timeout=60)
    log = attempt_log(notification, "started_at")
    assert [(c, r) for c, r, _at in log] == [
        ("email", "sent"),
        ("sms", "failed"),
        ("email", "duplicate"),
        ("sms", "sent"),
    ]
    assert (log[2][2] - log[1][2]).total_seconds() >= 1  # NOTIFICATION_RETRY_BACKOFF
    assert len(mails(workers.mail)) == 1 and len(texts(workers.sms)) == 1


def test_the_statistics_recomputation_runs_on_the_worker_and_its_page_follows_it(
    workers, cohort, reviewer, national
):
    from cases.tallies import tallies_current
    from stats.models import StatisticsJob

    submit(cohort[0])
    decide(cohort[0], reviewer)
    incremental = tallies_current()
    client = login(national)
    response = client.post("/statistics/recompute/")
    job = StatisticsJob.objects.get()
    assert response["Location"] == f"/statistics/jobs/{job.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' in page  # queued: nothing has run in this process
    workers.start()

    def finished():
        job.refresh_from_db()
        return job.finished

    wait_for("the worker to finish the job", finished, timeout=60)
    assert job.status == "done" and job.done == job.total and job.corrected == 0
    page = client.get(response["Location"]).content.decode()
    assert 'value="100"' in page and 'http-equiv="refresh"' not in page
    assert tallies_current() == incremental
