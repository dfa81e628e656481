"""The process registry: what each process declares, collected at start-up.

Every process package (``processes/<name>/``) has a ``process.py`` whose ``PROCESS`` is a
``ProcessEntry``: its flows, its task kinds with the page of each, its notification kinds,
the queues it claims from by something other than an organisation, and its sweeps. A task
kind (``TaskKind``) is defined beside the flow nodes that create it, in the flow module,
with its label, candidate role and default SLA. ``WorkflowsConfig.ready`` loads every
installed app's ``process`` module, in ``INSTALLED_APPS`` order, which is the order kinds
are listed in (filters, the API schema), and checks that every human node of every flow
creates a kind some process declares.

Nothing here knows a process by name: the inboxes, the task pages, the SLAs, the sweeps
and the notification centre all ask the registry.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured


class TaskKind(str):
    """A kind of human task: the name of the flow node that creates it (as stored on every
    task row), with its label, its candidate role and its default SLA in hours (editable
    per installation in the admin, ``TaskSLA``)."""

    label: str
    role: str
    sla_hours: int

    def __new__(cls, name: str, label, *, role: str, sla_hours: int):
        kind = super().__new__(cls, name)
        kind.label, kind.role, kind.sla_hours = label, role, sla_hours
        return kind

    def __reduce__(self):  # pickled (a Celery argument, a cache) as the plain name
        return (str, (str(self),))


@dataclass(frozen=True)
class ClaimRule:
    """A queue claimed by something other than an organisation, for one candidate role: a
    spot-check campaign's inspectors. The task rows carry its ``column``; ``claimable``
    gives the ids of that column a user's scope may claim (cached with the scope), and
    ``members`` the user ids behind each id (the people told about the queue). Such tasks
    are read by their claimers, their province's monitors and the nation only."""

    role: str
    column: str
    claimable: Callable
    members: Callable


@dataclass(frozen=True)
class ProcessEntry:
    """What one process declares (``processes/<name>/process.py``)."""

    name: str
    flows: tuple = ()
    # Its task kinds, in the order they are listed, each with its page: a view taking
    # (request, task row). A kind is declared by one process (the targeted-enrolment
    # check's, for one, appears in three flows).
    pages: dict = field(default_factory=dict)
    # the notification kinds its steps send (``notifications.kinds.NotificationKind``,
    # declared in its ``notifications`` module, which registers them)
    notifications: tuple = ()
    claim_rules: tuple = ()
    # name -> callable returning a line of text: run by ``manage.py run_sweeps``; Celery
    # beat runs each through a task named in ``CELERY_BEAT_SCHEDULE``
    sweeps: dict = field(default_factory=dict)


class Registry:
    def __init__(self):
        self.processes: dict[str, ProcessEntry] = {}
        self.kinds: dict[str, TaskKind] = {}
        # kind -> what its tasks are about: "case" or "organisation" (the flow's ``about``)
        self.about: dict[str, str] = {}
        self._pages: dict[str, Callable] = {}
        self.claim_rules: dict[str, ClaimRule] = {}
        self.loaded = False

    def register(self, entry: ProcessEntry) -> None:
        if entry.name in self.processes:
            raise ImproperlyConfigured(f"process {entry.name!r} registered twice")
        self.processes[entry.name] = entry
        for kind, page in entry.pages.items():
            if not isinstance(kind, TaskKind) or kind in self.kinds:
                raise ImproperlyConfigured(f"task kind {kind!r} declared twice, or not a TaskKind")
            self.kinds[kind] = kind
            self._pages[kind] = page
        for rule in entry.claim_rules:
            self.claim_rules[rule.role] = rule

    def _check_flows(self) -> None:
        """Every human node of every flow creates a declared kind, named as the node."""
        for entry in self.processes.values():
            for flow in entry.flows:
                for node in flow.instance.nodes():
                    kind = getattr(node, "kind", None)
                    if kind is None:
                        continue
                    if node.name != kind or kind not in self.kinds:
                        raise ImproperlyConfigured(
                            f"{flow.__name__}.{node.name} creates {kind!r}, which no process "
                            "declares under that name"
                        )
                    if self.about.setdefault(kind, flow.about) != flow.about:
                        raise ImproperlyConfigured(f"{kind!r} is about a case and not")

    def load(self) -> None:
        """Collect the ``PROCESS`` of every installed app that has a ``process`` module."""
        if self.loaded:
            return
        self.loaded = True
        for config in apps.get_app_configs():
            name = f"{config.name}.process"
            if find_spec(name) is not None:
                self.register(import_module(name).PROCESS)
        self._check_flows()

    # --- What the engine asks -------------------------------------------------------------

    def kind(self, name: str) -> TaskKind:
        self.load()
        return self.kinds[name]

    def label(self, name: str) -> str:
        kind = self.kinds.get(name) if self.loaded else None
        return str(kind.label) if kind is not None else name

    def page(self, name: str) -> Callable:
        self.load()
        return self._pages[name]

    def kind_choices(self, *, about: str | None = None, roles=None) -> list[tuple[str, str]]:
        """(name, label) of every kind, in registration order; only those about ``about``
        ("case" or "organisation") and of ``roles``, where given."""
        self.load()
        return [
            (str(kind), kind.label)
            for kind in self.kinds.values()
            if (about is None or self.about[kind] == about)
            and (roles is None or kind.role in roles)
        ]

    def kinds_of(self, *roles: str) -> tuple[TaskKind, ...]:
        self.load()
        return tuple(kind for kind in self.kinds.values() if kind.role in roles)

    def sweeps(self) -> dict[str, Callable]:
        self.load()
        return {
            name: sweep for entry in self.processes.values() for name, sweep in entry.sweeps.items()
        }


registry = Registry()
