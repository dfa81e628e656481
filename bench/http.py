"""Verification over HTTP: gunicorn serving the application on loopback, loaded by wrk.

Side by side on the same server, in alternating rounds: the lookup (``POST /verify/``) and
the ceiling, the smallest signed-in page (``bench.urls``), which runs the same middleware,
session and user queries and nothing else: what Django's stack itself costs per request."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.utils.crypto import get_random_string

from verification.models import Confirmation

from .figures import pid_peak_rss_mb, verifier_user

LUA = """
local bodies = {%(bodies)s}
local i = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "sessionid=%(session)s; csrftoken=%(csrf)s"
wrk.headers["X-CSRFToken"] = "%(csrf)s"
request = function()
  i = i + 1
  return wrk.format(nil, "/verify/", nil, bodies[(i %% #bodies) + 1])
end
"""
CEILING_LUA = """
wrk.headers["Cookie"] = "sessionid=%(session)s"
request = function()
  return wrk.format("GET", "/bench/ceiling/")
end
"""
ROUNDS = 3


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _session_for(user) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def _wait(port: int, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def verify_over_http(*, seconds: int = 30, workers: int = 3, connections: int = 16) -> dict:
    if shutil.which("wrk") is None:
        return {
            "skipped": "wrk is not installed (`scripts/bootstrap bench`, run by `make bench`, installs it)"
        }
    user = verifier_user()
    session, csrf = _session_for(user), get_random_string(32)
    pairs = list(
        Confirmation.objects.select_related("graduate")
        .order_by("?")
        .values_list("graduate__name", "transfer_no")[:500]
    )
    bodies = ", ".join(f'"name={quote(name)}&number={number}"' for name, number in pairs)
    port = _free_port()
    database = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "0",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "VERIFY_RATE_USER": "100000000/m",
        "VERIFY_RATE_IP": "100000000/m",
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=settings.BASE_DIR,
        start_new_session=True,
    )
    scripts = {}
    try:
        _wait(port)
        for label, text in (
            ("verify", LUA % {"bodies": bodies, "session": session, "csrf": csrf}),
            ("ceiling", CEILING_LUA % {"session": session}),
        ):
            with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
                script.write(text)
            scripts[label] = script.name
            # A short run first, so every worker has its connections and caches warm.
            _wrk(scripts[label], port, connections=connections, seconds=3)
        runs = {label: [] for label in scripts}
        for _round in range(ROUNDS):
            for label, script in scripts.items():
                runs[label].append(
                    _wrk(script, port, connections=connections, seconds=max(1, seconds // ROUNDS))
                )
        children = [
            int(p)
            for p in Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        ]
        peaks = [pid_peak_rss_mb(pid) for pid in children]
        verify = _median_run(runs["verify"])
        ceiling = _median_run(runs["ceiling"])
        return {
            "requests_per_s": verify["requests_per_s"],
            "seconds": seconds,
            "rounds": ROUNDS,
            "workers": workers,
            "connections": connections,
            "latency": verify["latency"],
            "non_2xx": sum(run["non_2xx"] for run in runs["verify"]),
            "ceiling_requests_per_s": ceiling["requests_per_s"],
            "ceiling_latency": ceiling["latency"],
            "ceiling_non_2xx": sum(run["non_2xx"] for run in runs["ceiling"]),
            "vs_ceiling": round(verify["requests_per_s"] / ceiling["requests_per_s"], 2),
            "worker_peak_rss_mb": max(peaks) if peaks else None,
            "master_peak_rss_mb": pid_peak_rss_mb(server.pid),
        }
    finally:
        for name in scripts.values():
            os.unlink(name)
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def _wrk(script: str, port: int, *, connections: int, seconds: int) -> dict:
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            script,
            f"http://127.0.0.1:{port}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "requests_per_s": round(float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))),
        "latency": dict(re.findall(r"\s+(50|90|99)%\s+([\d.]+\w+)", out)),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
    }


def _median_run(runs: list[dict]) -> dict:
    """The round with the median rate (its latencies with it)."""
    return sorted(runs, key=lambda run: run["requests_per_s"])[len(runs) // 2]
