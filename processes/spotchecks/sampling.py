"""The sample of a campaign: reproducible from its seed and the cases it was drawn from."""

import hashlib
import math
import random


def sample_size(*, mode: str, value: int, population: int) -> int:
    """A count, or a percentage rounded up; never more than there are cases."""
    wanted = value if mode == "count" else math.ceil(population * value / 100)
    return max(0, min(wanted, population))


def population_digest(population: list[tuple[int, bool]]) -> str:
    """A fingerprint of the cases drawn from (id and whether over-sampled), to tell later
    whether a re-draw started from the same ground."""
    text = ",".join(f"{pk}:{int(flexible)}" for pk, flexible in sorted(population))
    return hashlib.sha256(text.encode()).hexdigest()


def draw(population: list[tuple[int, bool]], *, size: int, seed: int, factor: int = 1) -> list[int]:
    """Draw ``size`` case ids without replacement, a flexible case (12/75/76) ``factor`` times
    as likely as another.

    Weighted sampling by Efraimidis and Spirakis: walking the cases in id order, each gets
    the key ``u ** (1 / weight)`` from one random stream seeded with ``seed``, and the
    ``size`` largest keys are drawn. The same seed over the same cases gives the same sample,
    on any machine (Python's Mersenne Twister is specified and stable)."""
    rng = random.Random(seed)
    keyed = []
    for pk, flexible in sorted(population):
        weight = factor if flexible else 1
        keyed.append((rng.random() ** (1.0 / weight), pk))
    keyed.sort(reverse=True)
    return sorted(pk for _key, pk in keyed[:size])
