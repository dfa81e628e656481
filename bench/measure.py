"""Timing and query-plan helpers: medians of repeated runs, EXPLAIN (ANALYZE, BUFFERS) summaries."""

import json
import re
import statistics
import time

from django.db import connection

RUNS = 7
# A fast figure runs until its runs add up to this, so that a median of a millisecond is
# a median of a few hundred runs, not of seven (at most ``MAX_RUNS``).
MIN_TOTAL_MS = 300
MAX_RUNS = 501


def timed(fn, *, runs: int = RUNS, warmup: int = 1) -> dict:
    """Run ``fn`` ``warmup`` times, then at least ``runs`` times and until the runs add up
    to ``MIN_TOTAL_MS``; milliseconds: median, min, max, and the number of runs."""
    return timed_side_by_side({"fn": fn}, runs=runs, warmup=warmup)["fn"]


def timed_side_by_side(fns: dict, *, runs: int = RUNS, warmup: int = 1) -> dict:
    """``timed`` for several functions at once, their runs interleaved (a, b, a, b, ...), so
    that each sees the same machine and the same data as it grows; as many runs each."""
    for _ in range(warmup):
        for fn in fns.values():
            fn()
    times = {name: [] for name in fns}

    def enough():
        n = len(next(iter(times.values())))
        slowest = max(sum(t) for t in times.values())
        return n >= runs and (slowest >= MIN_TOTAL_MS or n >= MAX_RUNS)

    while not enough():
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append((time.perf_counter() - start) * 1000)
    return {
        name: {
            "median_ms": round(statistics.median(t), 3),
            "min_ms": round(min(t), 3),
            "max_ms": round(max(t), 3),
            "runs": len(t),
        }
        for name, t in times.items()
    }


def ratio(a: dict, b: dict) -> float:
    return round(a["median_ms"] / b["median_ms"], 2) if b["median_ms"] else float("inf")


def explain(sql: str, params=()) -> dict:
    """The plan's shape: scans with their index or table, rows read, buffers, time."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    root = plan[0]
    scans = []

    def walk(node):
        kind = node.get("Node Type", "")
        if "Scan" in kind:
            scans.append(
                {
                    "scan": kind,
                    "relation": node.get("Relation Name"),
                    "index": node.get("Index Name"),
                    "rows": node.get("Actual Rows", 0) * node.get("Actual Loops", 1),
                    "rows_removed": node.get("Rows Removed by Filter", 0)
                    + node.get("Rows Removed by Index Recheck", 0),
                }
            )
        for child in node.get("Plans", []):
            walk(child)

    walk(root["Plan"])
    return {
        "execution_ms": round(root.get("Execution Time", 0), 3),
        "shared_hit": root["Plan"].get("Shared Hit Blocks", 0),
        "shared_read": root["Plan"].get("Shared Read Blocks", 0),
        "scans": scans,
        "seq_scans": [s["relation"] for s in scans if s["scan"] == "Seq Scan"],
    }


def explain_queryset(qs) -> dict:
    sql, params = qs.query.sql_with_params()
    return explain(sql, params)


def explain_executed(fn) -> dict:
    """The plan of the last statement ``fn`` runs, as Django sent it (a ``count()``, say,
    whose SQL the queryset does not show)."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()
    return explain(captured.captured_queries[-1]["sql"])


def plan_line(summary: dict) -> str:
    parts = []
    for scan in summary["scans"]:
        where = scan["index"] or scan["relation"]
        parts.append(f"{scan['scan']} {where} ({scan['rows']} rows)")
    return "; ".join(parts) + f"; {summary['shared_hit'] + summary['shared_read']} buffers"


def compact_sql(sql: str) -> str:
    return re.sub(r"\s+", " ", sql).strip()
