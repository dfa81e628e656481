"""Celery tasks of the statistics (defined beside the service that queues them)."""

from .services import recompute_statistics

__all__ = ["recompute_statistics"]
