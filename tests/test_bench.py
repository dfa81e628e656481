"""The benchmark harness refuses what it cannot measure (its figures run in .ci/run)."""

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
