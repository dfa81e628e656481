"""The benchmark harness refuses what it cannot measure and takes its medians as its report
says (its figures run in .ci/run)."""

import time

import pytest

from bench import run
from bench.seed import university_sizes


@pytest.mark.parametrize("url", ["", "sqlite:///var/db.sqlite3"])
def test_the_harness_refuses_sqlite_with_a_clear_message(monkeypatch, url):
    monkeypatch.delenv("BENCH_DATABASE_URL", raising=False)
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(SystemExit) as exc:
        run._database_url()
    assert "PostgreSQL" in str(exc.value)


def test_the_harness_uses_a_bench_database_next_to_the_test_one(monkeypatch):
    monkeypatch.delenv("BENCH_DATABASE_URL", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    assert run._database_url() == "postgres://postgres@127.0.0.1:5432/bench"


def test_university_sizes_are_skewed_and_sum_to_the_scale():
    import random

    sizes = university_sizes(1_000_000, 3000, random.Random(1))
    assert sum(sizes) == 1_000_000 and len(sizes) == 3000
    assert max(sizes) >= 20_000 and min(sizes) >= 1
    assert sorted(sizes)[1500] < 1_000_000 / 3000  # the median is below the mean: skewed
    assert sizes == sorted(sizes, reverse=True)  # rounding's remainder went to no one as a lump
    assert university_sizes(5000, 1, random.Random(1)) == [5000]


def test_a_fast_figure_is_a_median_of_many_runs_and_a_slow_one_of_few(monkeypatch):
    from bench import measure

    monkeypatch.setattr(measure, "MIN_TOTAL_MS", 20)
    calls = []
    fast = measure.timed(lambda: calls.append(1), runs=7, warmup=2)
    assert fast["runs"] == measure.MAX_RUNS and len(calls) == measure.MAX_RUNS + 2
    slow = measure.timed(lambda: time.sleep(0.004), runs=3, warmup=0)
    assert 3 <= slow["runs"] <= 5  # at least 3 runs, and no more once 20 ms are spent
    assert slow["min_ms"] >= 4 and slow["min_ms"] <= slow["median_ms"] <= slow["max_ms"]


def test_side_by_side_figures_interleave_their_runs(monkeypatch):
    from bench import measure

    monkeypatch.setattr(measure, "MIN_TOTAL_MS", 10)
    order = []
    times = measure.timed_side_by_side(
        {"a": lambda: order.append("a"), "b": lambda: (order.append("b"), time.sleep(0.002))},
        runs=4,
        warmup=1,
    )
    assert order[:6] == ["a", "b"] * 3
    assert times["a"]["runs"] == times["b"]["runs"] == len(order) // 2 - 1
    # the slower of the two decides when enough time is spent: 10 ms of b's 2 ms (or more)
    # runs, reached by the fifth at the latest, while a alone would have run MAX_RUNS times
    assert 4 <= times["b"]["runs"] <= 5 and times["b"]["median_ms"] >= 2
