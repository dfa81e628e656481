"""Two real nodes: a national and a provincial node, each a gunicorn server on 127.0.0.1
with its own PostgreSQL database, and a Celery worker relaying the provincial outbox on
the broker CELERY_BROKER_URL names.

Database names come from NODES_DB_PREFIX (else TEST_DATABASE_NAME, else ``test``), with
``_national`` and ``_provincial`` appended, so that parallel runs do not collide; ports
come from NODES_PORTS (``8071,8072``), else free ones are picked. The nodes are started
once per session; each test works on a cohort of its own.
"""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
import requests
from django.conf import settings

from sync import signing

from ..live import celery_worker_command, database_url_named, wait_for

ROOT = Path(settings.BASE_DIR)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Process:
    """A process group with its output in a file."""

    def __init__(self, args, env, log: Path):
        self.args, self.env, self.log = args, env, log
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(
            self.args,
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        if not self.running():
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)


class Node:
    def __init__(self, name, env, port, tmp: Path):
        self.name, self.env, self.port, self.tmp = name, env, port, tmp
        self.url = f"http://127.0.0.1:{port}"
        self.server = Process(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "-b",
                f"127.0.0.1:{port}",
                "-w",
                "2",
                "--timeout",
                "60",
            ],
            env,
            tmp / f"{name}-server.log",
        )

    def act(self, *steps):
        """Run steps of tests/nodes/act.py inside this node; returns their results."""
        done = subprocess.run(
            [sys.executable, "-m", "tests.nodes.act", json.dumps(list(steps))],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode != 0:
            raise AssertionError(f"{self.name}: {steps} failed:\n{done.stderr[-4000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def start(self):
        self.server.start()

        def answering():
            if not self.server.running():
                raise AssertionError(f"{self.name} exited:\n{self.server.log.read_text()[-3000:]}")
            return self.up()

        wait_for(f"the {self.name} node to answer", answering, timeout=60)

    def stop(self):
        self.server.stop()
        assert not self.up()

    def up(self) -> bool:
        try:
            return requests.get(self.url + "/api/v1/node/", timeout=2).status_code == 200
        except requests.RequestException:
            return False


@pytest.fixture(scope="session")
def nodes(tmp_path_factory, django_db_blocker):
    """The national and the provincial node, with the provincial relay's worker."""
    database_url = os.environ["DATABASE_URL"]
    prefix = os.environ.get("NODES_DB_PREFIX") or os.environ.get("TEST_DATABASE_NAME") or "test"
    # Each pytest-xdist worker runs its own pair.
    prefix += f"_{os.environ['PYTEST_XDIST_WORKER']}" if "PYTEST_XDIST_WORKER" in os.environ else ""
    names = {role: f"{prefix}_{role}" for role in ("national", "provincial")}
    ports = [int(p) for p in os.environ.get("NODES_PORTS", "").split(",") if p.strip()] or [
        _free_port(),
        _free_port(),
    ]
    tmp = tmp_path_factory.mktemp("nodes")
    with psycopg.connect(database_url_named(database_url, "postgres"), autocommit=True) as conn:
        for name in names.values():
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    base = {
        key: value
        for key, value in os.environ.items()
        if key not in ("TEST_DATABASE_NAME", "DJANGO_SETTINGS_MODULE", "CELERY_BROKER_URL")
    }
    base.update(
        DJANGO_SETTINGS_MODULE="tests.node_settings",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DEBUG="",
        SECURE_COOKIES="0",
        LOG_LEVEL="WARNING",
    )
    queue = f"nodes-{uuid.uuid4().hex}"
    national = Node(
        "national",
        {
            **base,
            "NODE_ROLE": "national",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "DATABASE_URL": database_url_named(database_url, names["national"]),
            "VAR_DIR": str(tmp / "national"),
        },
        ports[0],
        tmp,
    )
    provincial_env = {
        **base,
        "NODE_ROLE": "provincial",
        "NODE_PROVINCE": "110000",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "DATABASE_URL": database_url_named(database_url, names["provincial"]),
        "VAR_DIR": str(tmp / "provincial"),
        "CELERY_BROKER_URL": os.environ["CELERY_BROKER_URL"],
        "TEST_CELERY_QUEUE": queue,
        "NATIONAL_URL": national.url,
        "SYNC_RETRY_BACKOFF": "1",
        "SYNC_TIMEOUT": "5",
        "SYNC_BATCH_SIZE": "25",
    }
    migrations = [
        Process(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            env,
            tmp / f"{role}-migrate.log",
        ).start()
        for role, env in (("national", national.env), ("provincial", provincial_env))
    ]
    for migration in migrations:
        assert migration.proc.wait(300) == 0, migration.log.read_text()[-3000:]
    national.act(["setup"])
    (key,) = national.act(["api_client", {"province": "110000"}])
    provincial_env.update(NATIONAL_API_KEY_ID=key["key_id"], NATIONAL_API_KEY=key["key"])
    provincial = Node("provincial", provincial_env, ports[1], tmp)
    provincial.act(["setup"])
    provincial.key = key
    worker = Process(
        celery_worker_command("-P", "solo", name=f"nodes-{uuid.uuid4().hex[:8]}@%h"),
        provincial_env,
        tmp / "provincial-worker.log",
    )

    class Nodes:
        pass

    both = Nodes()
    both.national, both.provincial, both.worker, both.key = national, provincial, worker, key
    try:
        national.start()
        provincial.start()
        worker.start()
        wait_for("the worker", lambda: " ready." in worker.log.read_text(), timeout=60)
        yield both
    finally:
        worker.stop()
        provincial.server.stop()
        national.server.stop()
        _drop_queue(os.environ["CELERY_BROKER_URL"], queue)
        with psycopg.connect(database_url_named(database_url, "postgres"), autocommit=True) as conn:
            for name in names.values():
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _drop_queue(broker_url: str, queue: str) -> None:
    from kombu import Connection, Exchange, Queue

    with Connection(broker_url) as conn:
        bound = Queue(queue, Exchange(queue, type="direct"), routing_key=queue)(
            conn.default_channel
        )
        bound.declare()
        bound.delete()
        bound.exchange.delete()


def signed_post(node, key, path, payload):
    body = json.dumps(payload, ensure_ascii=False).encode()
    headers = {
        "Authorization": signing.authorization(
            key_id=key["key_id"], key=key["key"], method="POST", path=path, body=body
        ),
        "Content-Type": "application/json",
    }
    return requests.post(node.url + path, data=body, headers=headers, timeout=30)


def signed_get(node, key, path):
    headers = {
        "Authorization": signing.authorization(
            key_id=key["key_id"], key=key["key"], method="GET", path=path, body=b""
        )
    }
    return requests.get(node.url + path, headers=headers, timeout=30)
