"""How long a failed Celery task waits before its next try."""

import random

# A task retried later waits, unacknowledged, in a worker until its time, and Redis hands an
# unacknowledged task out again after its visibility timeout (an hour by default): a delay
# that reached it would run the task twice. 45 minutes plus at most a quarter stays below.
MAX_RETRY_DELAY = 45 * 60


def backoff_countdown(base: int, retries: int) -> int:
    """Exponential backoff with jitter: base, 2×base, 4×base… capped at 45 minutes."""
    delay = min(base * 2**retries, MAX_RETRY_DELAY)
    return delay + random.randint(0, max(1, delay // 4))
