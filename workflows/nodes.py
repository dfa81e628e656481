"""What every flow of the processes is built from: the human-task nodes, whose task rows are
written with them, and the mixins of flows about a case or about an organisation.

A process's flow subclasses ``Flow`` with one of the mixins (never another concrete flow)
and makes each human step with ``human_task`` or ``org_task``, naming its ``TaskKind``;
the node's name must be the kind's (the registry checks it at start-up).
"""

from viewflow import this
from viewflow.workflow import lock, nodes

from .models import CaseProcess, OrgProcess, OrgTaskScope, TaskScope
from .registry import TaskKind
from .task_rows import (
    case_row_create,
    graduate_for,
    graduate_owner,
    org_row_create,
    remember_graduate,
    remember_subject,
)


def _node(kind: TaskKind, hook):
    node = nodes.View(None).Annotation(title=kind.label).onCreate(hook)
    node.kind = kind
    return node


def human_task(kind: TaskKind, *, for_graduate: bool = False):
    """A human task about a case; a graduate's is assigned to them at once."""
    node = _node(kind, this.human_task_created)
    return node.Assign(this.graduate_user) if for_graduate else node


def org_task(kind: TaskKind):
    """A human task about an organisation (a filing, a report)."""
    return _node(kind, this.org_task_created)


class CaseFlowMixin:
    """What every flow about one case shares: the lock, the process model, the start, and
    the hook that writes each new human task's row."""

    about = "case"
    process_class = CaseProcess
    task_row_model = TaskScope
    lock_impl = lock.select_for_update_lock
    # A step's graduate, as the step left it, for the next nodes (``Step.hold``).
    hold = staticmethod(remember_graduate)

    def graduate_user(self, activation):
        return graduate_owner(activation)

    def human_task_created(self, activation):
        case_row_create(activation)

    def open_case(self, activation, graduate):
        activation.process.artifact = graduate
        remember_graduate(activation.process, graduate)
        return activation.process

    def uses_college_audit(self, activation):
        return graduate_for(activation.process).university.audit_levels == 2


class OrgFlowMixin:
    """What every flow about an organisation's filing or report shares."""

    about = "organisation"
    process_class = OrgProcess
    task_row_model = OrgTaskScope
    lock_impl = lock.select_for_update_lock
    hold = staticmethod(remember_subject)

    def org_task_created(self, activation):
        org_row_create(activation)

    def open_subject(self, activation, subject):
        activation.process.artifact = subject
        remember_subject(activation.process, subject)
        return activation.process
