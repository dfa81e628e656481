"""Print a benchmark result (JSON) as the Markdown table of docs/benchmarks.md.

.venv/bin/python -m bench.report bench-results/latest.json
"""

import json
import sys
from pathlib import Path


def ms(figure) -> str:
    return (
        f"{figure['median_ms']:.2f} ms"
        if isinstance(figure, dict) and "median_ms" in figure
        else "—"
    )


def rows(result: dict):
    seed = result["seed"]
    if seed.get("reused"):
        yield ("Seeding", "an earlier run's seed, reused", f"{seed['graduates']:,} graduates held")
    else:
        yield (
            "Seeding",
            f"{result['scale']:,} graduates in {seed['seconds']} s ({seed['graduates_per_s']:,}/s), "
            f"peak RSS {seed['peak_rss_mb']} MB",
            f"{seed['universities']} universities, largest {seed['largest_university']:,}",
        )
    for q in result.get("reviewer_queue", []):
        label = f"Reviewer queue, university {q['university']} ({q['open_tasks']:,} open)"
        yield (
            label + ": first page of 50",
            ms(q["ours_page"]),
            f"stock {ms(q['stock_page'])} ({q['speedup_page_vs_stock']}× faster); SQL {ms(q['sql_page'])} ({q['page_vs_sql']}× SQL)",
        )
        yield (
            label + ": count",
            ms(q["ours_count"]),
            f"stock {ms(q['stock_count'])} ({q['speedup_count_vs_stock']}× faster); SQL {ms(q['sql_count'])} ({q['count_vs_sql']}× SQL)",
        )
    if "graduate_my_tasks" in result:
        g = result["graduate_my_tasks"]
        yield (
            'Graduate "my tasks" page (whole request)',
            ms(g["page"]),
            f"its query {ms(g['query'])}; SQL {ms(g['sql'])}",
        )
    if "cohort_opening" in result:
        c = result["cohort_opening"]
        yield (
            f"Cohort opening, roster of {c['roster_rows']:,} rows",
            f"{c['ours_per_s']:,} graduates/s",
            f"stock Flow.start.run loop {c['stock_start_run_per_s']:,}/s ({c['speedup']}×)",
        )
    if "task_completions" in result:
        t = result["task_completions"]
        yield (
            "Task completions (claim + approve), 1 client",
            f"{t['ours_1_client_per_s']}/s",
            f"stock path {t['stock_1_client_per_s']}/s",
        )
        yield (
            "Task completions (claim + approve), 2 clients",
            f"{t['ours_2_client_per_s']}/s",
            f"stock path {t['stock_2_client_per_s']}/s ({t['ours_vs_stock_2_clients']}×)",
        )
        if "statements_per_completion" in t:
            n = t["statements_per_completion"]
            yield (
                "Statements per completion (claim + approve, savepoints included)",
                f"{n['ours']}",
                f"stock path {n['stock']}",
            )
    if "verification_lookup" in result:
        v = result["verification_lookup"]
        yield (
            "Verification lookup through the service",
            ms(v["service"]),
            f"bare SQL {ms(v['sql'])} ({v['service_vs_sql']}× SQL)",
        )
    if "verification_http" in result and "requests_per_s" in result["verification_http"]:
        h = result["verification_http"]
        yield (
            f"Verification over HTTP (gunicorn, {h['workers']} workers, wrk {h['connections']} connections, {h['seconds']} s)",
            f"{h['requests_per_s']:,} requests/s",
            f"p50 {h['latency'].get('50')}, p99 {h['latency'].get('99')}; "
            f"worker peak RSS {h['worker_peak_rss_mb']} MB",
        )
        if "ceiling_requests_per_s" in h:
            yield (
                "The same server's smallest signed-in page (the ceiling), side by side",
                f"{h['ceiling_requests_per_s']:,} requests/s",
                f"p50 {h['ceiling_latency'].get('50')}; the lookup is {h['vs_ceiling']}× "
                "the ceiling's rate",
            )
    for d in result.get("dashboard_reads", []):
        yield (
            f"Dashboard read, {d['level']} ({d['subject']}, {d['graduates']:,} graduates): selector",
            ms(d["selector"]),
            f"whole page {ms(d['page'])}; its count queries {ms(d['count_query'])}, "
            f"{d['tally_rows_read']:,} tally rows read ({d['plan']})",
        )
    if "statistics_recomputation" in result:
        r = result["statistics_recomputation"]
        yield (
            "Full statistics recomputation",
            f"{r['recompute_s']} s",
            f"{r['universities']:,} universities; keys corrected per run {r['keys_corrected']}",
        )


def plans(result: dict):
    """The EXPLAIN (ANALYZE, BUFFERS) summary of every query figure: scans, indexes, rows."""
    for q in result.get("reviewer_queue", []):
        for name, line in q["plans"].items():
            yield (f"queue {q['university']}: {name}", line)
    if "graduate_my_tasks" in result:
        yield ("graduate my tasks", result["graduate_my_tasks"]["plan"])
    for d in result.get("dashboard_reads", []):
        yield (f"dashboard {d['level']}: count queries", d["plan"])
    if "verification_lookup" in result:
        yield ("verification lookup", result["verification_lookup"]["plan"])


def main(path: str) -> None:
    result = json.loads(Path(path).read_text())
    print(
        f"Scale {result['scale']:,} graduates, {result['started']}, {result['machine']['cpus']} CPUs, "
        f"PostgreSQL {result['machine']['postgresql']}, synchronous_commit={result['machine']['synchronous_commit']}, "
        f"Python loop reference {result['machine'].get('python_loop_ms', '?')} ms\n"
    )
    print("| figure | ours | compared against |")
    print("| --- | --- | --- |")
    for name, ours, other in rows(result):
        print(f"| {name} | {ours} | {other} |")
    print("\n| query | plan (EXPLAIN ANALYZE, BUFFERS) |")
    print("| --- | --- |")
    for name, line in plans(result):
        print(f"| {name} | {line} |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "bench-results/latest.json")
