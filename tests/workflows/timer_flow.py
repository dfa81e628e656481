"""A flow with a database timer, for the test of the timer sweep only."""

import datetime

from viewflow import this
from viewflow.workflow import lock, nodes
from viewflow.workflow.base import Flow


class WaitFlow(Flow):
    """Waits an hour on a database timer, then ends."""

    lock_impl = lock.select_for_update_lock

    start = nodes.StartHandle().Next(this.wait)
    wait = nodes.Timer(datetime.timedelta(hours=1)).Next(this.done)
    done = nodes.End()
