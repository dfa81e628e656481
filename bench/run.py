"""``make bench``: seed a nation into a fresh PostgreSQL database and print the figures.

BENCH_SCALE (default 100000) graduates; the database is BENCH_DATABASE_URL, or the
server of DATABASE_URL with a database named ``bench`` (dropped and created again).
BENCH_FIGURES (comma-separated names) runs only some figures. BENCH_REUSE=1 keeps the
database as an earlier run left it (seeded at that scale, and changed by that run's figures)
instead of seeding it again: for the read figures while working on them.
Results are printed as a table and saved as JSON under bench-results/.
"""

import datetime
import json
import os
import platform
import resource
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def _database_url() -> str:
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "The benchmarks run on PostgreSQL only (SQLite answers none of the questions they ask).\n"
            "Set DATABASE_URL=postgres://postgres@127.0.0.1:5432/test (a database named 'bench' is created "
            "next to it) or BENCH_DATABASE_URL, and run `make bench` again."
        )
    if os.environ.get("BENCH_DATABASE_URL"):
        return url
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/bench"))


def _recreate(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    scale = int(os.environ.get("BENCH_SCALE", "100000"))
    url = _database_url()
    reuse = os.environ.get("BENCH_REUSE") == "1"
    if not reuse:
        _recreate(url)
    os.environ.update(
        {
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "0",
            "SECRET_KEY": os.environ.get(
                "SECRET_KEY", "bench-only-secret-key-never-used-elsewhere-0123456789"
            ),
            "ALLOWED_HOSTS": "127.0.0.1,testserver",
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "LOG_LEVEL": "WARNING",
            "SECURE_COOKIES": "0",
        }
    )
    os.environ.pop("CELERY_BROKER_URL", None)  # tasks run in-process: the figures are the web's
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from . import figures, http
    from .seed import Nation

    call_command("migrate", verbosity=0)
    results = {
        "scale": scale,
        "started": datetime.datetime.now().isoformat(timespec="seconds"),
        "machine": _machine(connection),
    }
    if reuse:
        results["seed"] = {"reused": True, "graduates": _graduates_held(scale)}
    else:
        print(f"Seeding {scale:,} graduates …", flush=True)
        seed = Nation(scale=scale).seed(progress=sys.stderr.isatty() or True)
        results["seed"] = {
            "seconds": round(seed["seconds"], 1),
            "graduates_per_s": round(scale / seed["seconds"]),
            "rows": seed["rows"],
            "largest_university": max(seed["sizes"]),
            "smallest_university": min(seed["sizes"]),
            "universities": len(seed["sizes"]),
            "peak_rss_mb": figures.self_peak_rss_mb(),
        }
    _show("seed", results["seed"])
    small = scale < 50000
    steps = [
        ("reviewer_queue", figures.reviewer_queue),
        ("graduate_my_tasks", figures.graduate_my_tasks),
        ("dashboard_reads", figures.dashboard_reads),
        ("statistics_recomputation", lambda: figures.statistics_recomputation(runs=5)),
        ("verification_lookup", figures.verification_lookup),
        ("national_file", figures.national_file_export),
        ("verification_http", lambda: http.verify_over_http(seconds=5 if small else 30)),
        ("task_completions", lambda: figures.task_completions(per_client=10 if small else 200)),
        (
            "cohort_opening",
            lambda: figures.cohort_opening(
                roster_rows=1000 if small else 20000, stock_rows=100 if small else 1000
            ),
        ),
    ]
    wanted = [name for name in os.environ.get("BENCH_FIGURES", "").split(",") if name]
    for name, step in steps:
        if wanted and name not in wanted:
            continue
        started = time.perf_counter()
        print(f"\n== {name}", flush=True)
        results[name] = step()
        results[name + "_seconds"] = round(time.perf_counter() - started, 1)
        _show(name, results[name])
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    path = out / f"{datetime.datetime.now():%Y%m%d-%H%M%S}-{scale}.json"
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str))
    (out / "latest.json").write_text(path.read_text())
    print(f"\nSaved {path.relative_to(ROOT)}")


def _graduates_held(scale: int) -> int:
    """With BENCH_REUSE: the graduates the database holds, if an earlier run seeded it at
    this scale (its figures may have added some)."""
    from cases.models import Graduate

    held = Graduate.objects.count()
    if held < scale or held > scale * 1.2:
        sys.exit(
            f"BENCH_REUSE=1, but the database holds {held:,} graduates, not a seed of "
            f"{scale:,}: run once without BENCH_REUSE to seed it."
        )
    return held


def _machine(connection) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        buffers = cursor.fetchone()[0]
        cursor.execute("SHOW synchronous_commit")
        sync = cursor.fetchone()[0]
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "postgresql": version,
        "shared_buffers": buffers,
        "synchronous_commit": sync,
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "python_loop_ms": _python_loop_ms(),
    }


def _python_loop_ms() -> float:
    """A fixed pure-Python loop (a million additions), median of five: the speed of this
    machine's core on the day, so that runs on shared machines of one kind can be compared."""
    times = []
    for _ in range(5):
        started = time.perf_counter()
        total = 0
        for i in range(1_000_000):
            total += i
        times.append(time.perf_counter() - started)
    return round(sorted(times)[2] * 1000, 1)


def _show(name, value, indent="  ") -> None:
    if isinstance(value, list):
        for item in value:
            _show(name, item, indent)
            print()
        return
    for key, item in value.items():
        if isinstance(item, dict) and "median_ms" in item:
            print(
                f"{indent}{key:<28} median {item['median_ms']:>10.3f} ms  (min {item['min_ms']:.3f}, max {item['max_ms']:.3f}, n={item['runs']})"
            )
        elif isinstance(item, dict):
            print(f"{indent}{key}:")
            _show(key, item, indent + "  ")
        else:
            print(f"{indent}{key:<28} {item}")


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_NOFILE, (4096, 4096))
    main()
