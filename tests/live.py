"""What the live-process tests share: waiting for a condition, a Celery worker's command line
and database URLs pointing at another database."""

import sys
import time
from urllib.parse import urlsplit, urlunsplit


def wait_for(what, condition, timeout=60.0, every=0.2):
    """Poll ``condition`` until it returns something true, and return that; fail after
    ``timeout`` seconds, naming ``what`` was awaited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")


def celery_worker_command(*pool, name: str) -> list[str]:
    """The command line of a Celery worker of this project, with its pool options and name."""
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        *pool,
        "--without-gossip",
        "--without-mingle",
        "-n",
        name,
        "-l",
        "info",
    ]


def database_url_named(url: str, name: str) -> str:
    """``url`` with the database it names replaced by ``name``."""
    return urlunsplit(urlsplit(url)._replace(path="/" + name))
