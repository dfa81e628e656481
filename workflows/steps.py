"""The one way a human task moves: ``task_step`` for a step's decision, and the claim,
release, reassignment and cancellation the engine does to tasks.

Each locks the task's process (``select_for_update`` on its row, the flow's lock), reads the
task afresh under the lock, checks it is still in the state the action needs, and on its
way out copies the task's new status and assignee to its row (``task_rows.row_sync``), in
the same transaction. A task already taken or finished by someone else, or a process busy
beyond the lock's patience, raises ``TaskNotAvailable`` with a message for the user, never
a server error.
"""

from contextlib import contextmanager
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from .task_rows import graduate_for, row_sync, subject_of


class TaskNotAvailable(Exception):
    """The task cannot take this action any more (taken, finished, or busy)."""


class StepRefused(Exception):
    """A rule of the process refuses this action by this user (the message says which); the
    task stays as it was and the page keeps what the user typed."""


@contextmanager
def _locked_activation(task_id: int):
    """The task's activation, read afresh under its process lock (what ``Task.activation``
    does, in three queries instead of four: the process comes with the task). A lock held
    too long becomes ``TaskNotAvailable``."""
    try:
        process_id, flow_task = Task.objects.values_list("process_id", "flow_task").get(pk=task_id)
        with flow_task.flow_class.lock(process_id):
            task = Task.objects.select_related("process").get(pk=task_id)
            yield task.flow_task.activation_class(task)
    except FlowLockFailed:
        raise TaskNotAvailable(
            _("Someone else is working on this case right now. Please try again.")
        ) from None


def _start(activation, user, kinds, *, claim: bool) -> None:
    """Start the user's task of one of ``kinds``, claiming it first if it is unclaimed and
    ``claim``; ``TaskNotAvailable`` if it is not theirs to do."""
    task = activation.task
    if task.flow_task.name not in kinds:
        raise TaskNotAvailable(_("This task is not of that kind."))
    if claim and task.status == STATUS.NEW:
        activation.assign(user)
    if task.status != STATUS.ASSIGNED:
        raise TaskNotAvailable(_("This task has already been finished by someone else."))
    if task.owner_id != user.pk:
        raise TaskNotAvailable(_("This task is assigned to someone else."))
    activation.start(None)


@dataclass
class Step:
    """A human step under way: its activation, and what the process is about."""

    activation: object
    _after: list = field(default_factory=list)

    @property
    def process(self):
        return self.activation.process

    @property
    def task(self):
        return self.activation.task

    @property
    def kind(self) -> str:
        return self.activation.task.flow_task.name

    @property
    def case(self):
        """The graduate of a process about a case, with its university and category."""
        return graduate_for(self.process)

    @property
    def subject(self):
        """The filing or report of a process about an organisation."""
        return subject_of(self.process)

    def hold(self, obj) -> None:
        """The case or subject as the step left it: the next nodes read it, not a copy from
        before the step."""
        self.process.flow_class.hold(self.process, obj)

    def then(self, action, *args, **kwargs) -> None:
        """Run ``action`` once the task is done and the process has moved on, still under
        the lock and in the step's transaction (what follows from the decision)."""
        self._after.append((action, args, kwargs))


@contextmanager
def task_step(task_id: int, *, user, kinds, claim: bool = False):
    """The one way a human step runs: lock the process, check that the task is open, of one
    of ``kinds`` and the user's (claiming it in the same transaction if ``claim`` and it is
    unclaimed in their queue), yield the ``Step``; then, unless the body raised, execute the
    task (the flow moves on and the next tasks' rows are written), copy its status to its
    row, and run what the body asked to run after (``Step.then``)."""
    with _locked_activation(task_id) as activation:
        _start(activation, user, kinds, claim=claim)
        step = Step(activation)
        yield step
        activation.execute()
        row_sync(activation.task)
        for action, args, kwargs in step._after:
            action(*args, **kwargs)


# --- What the engine does to tasks: claim, release, reassign, cancel -------------------------


@contextmanager
def task_handled(task_id: int):
    """Lock a task's process for an action on the task itself (an assignment), yield its
    activation, and copy the task's new state to its row on the way out."""
    with _locked_activation(task_id) as activation:
        yield activation
        row_sync(activation.task)


def process_cancel(process) -> None:
    """Cancel a process and its open tasks (a campaign closed, a registration no longer
    needed), with their rows; the caller holds the transaction."""
    flow_class = process.flow_class
    flow_class.instance.cancel(process)
    for task in Task.objects.filter(process_id=process.pk):
        row_sync(task)
