"""The one "case changed" hook: every write that changes a case runs inside ``case_change``.

The writers are the case services (``cases.services``); the processes, the sync inbound
on the national node, spot-check and late corrections and the roster re-imports all
change cases through them. What must follow every change hangs from this hook, so that
no writer can forget one of them:

- the tallies (``cases.tallies``): the graduates' rows are locked, what they count as is
  read before and after the write, and the difference is added to the count rows;
- the listeners the apps above register at start-up (``on_case_changed``): the sync
  outbox of a provincial node records the case's new state, and the engine refreshes the
  task rows of a case whose college, major or destination category moved.

All of it happens in the write's transaction: a write that rolls back leaves no count,
no outbox event and no task row changed. A write inside another write of the same
graduates (a service calling another) is counted once, by the outer one; its sync event
is still recorded, in the order the writes happen.
"""

from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import wraps

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from .tallies import (
    CATEGORY,
    COLLEGE,
    contributions_of,
    counted_as,
    difference,
    tally_add,
    tally_apply,
)


class Change(models.TextChoices):
    """What a write changed, in the words of the sync event that carries it to the national
    node (``sync.models.EventType`` adds the reconciliation's re-sends)."""

    GRADUATE_UPSERT = "graduate_upsert", _("graduate data")
    REGISTRATION_VERSION = "registration_version", _("registration version")
    CHANGE_APPROVED = "change_approved", _("change approved")
    TRANSFER_UPDATE = "transfer_update", _("archive and hukou details")
    CONFIRMATION_FIELDS = "confirmation_fields", _("confirmation-relevant state")


@dataclass(frozen=True)
class CaseChanged:
    """What a listener is told, inside the write's transaction."""

    graduate_ids: tuple[int, ...]
    # The sync event of the write, or None where nothing a province sends changed.
    change: str | None
    # Graduates whose college, major or destination category moved, with where they are
    # now: (college id, major, category code) by graduate id. Their open tasks' rows copy
    # those columns.
    moved: dict = field(default_factory=dict)
    # New cases (a roster import, a case synced in for the first time).
    created: bool = False
    # The service that wrote, for the record (``cases.services.<name>``, ``...``).
    writer: str = ""


Listener = Callable[[CaseChanged], None]
_listeners: list[Listener] = []

# The graduates whose counts an enclosing write already follows.
_counted: ContextVar[frozenset[int]] = ContextVar("case_change_counted", default=frozenset())


def on_case_changed(listener: Listener) -> Listener:
    """Register a listener (once, from an app's ``ready``); they run in registration order."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def case_listener_remove(listener: Listener) -> None:
    """Stop telling ``listener`` (a test's recorder)."""
    if listener in _listeners:
        _listeners.remove(listener)


def _tell(event: CaseChanged) -> None:
    for listener in _listeners:
        listener(event)


def _ids(graduates: Iterable) -> list[int]:
    return [getattr(g, "pk", g) for g in graduates]


def _copied(row) -> tuple[int, str, str]:
    """What a task row copies of its case: (college id, major, category code)."""
    key, _late, major = row
    return key[COLLEGE], major, key[CATEGORY]


def _moved(before: dict, after: dict) -> dict[int, tuple[int, str, str]]:
    """Graduates whose college, major or destination category differ after the write."""
    return {
        pk: _copied(row)
        for pk, row in after.items()
        if pk in before and _copied(before[pk]) != _copied(row)
    }


@dataclass
class Write:
    """The write under way: what it changed for a provincial node to send (``Change``),
    which the writer may set once it knows."""

    change: str | None = None


@contextmanager
def case_change(graduates: Iterable, *, change: str | None = None, writer: str = ""):
    """Run a write of these graduates (instances or ids) and what must follow it; yields
    the ``Write``. ``change`` names what a provincial node sends of it (``Change``), None
    if nothing; ``writer`` the service writing."""
    ids = _ids(graduates)
    write = Write(change=change)
    fresh = sorted(set(ids) - _counted.get())
    if not fresh:
        yield write
        if write.change:
            _tell(CaseChanged(graduate_ids=tuple(ids), change=write.change, writer=writer))
        return
    with transaction.atomic():
        before = counted_as(fresh, lock=True)
        token = _counted.set(_counted.get() | set(fresh))
        try:
            yield write
        finally:
            _counted.reset(token)
        after = counted_as(fresh)
        _tell(
            CaseChanged(
                graduate_ids=tuple(ids),
                change=write.change,
                moved=_moved(before, after),
                writer=writer,
            )
        )
        tally_apply(difference(contributions_of(before), contributions_of(after)))


def changes_case(graduates_of: Callable[[dict], Iterable], *, change=None):
    """``case_change`` around a service: ``graduates_of`` gets the service's keyword
    arguments and returns the graduates it may change; ``change`` is a ``Change`` or a
    function of the keyword arguments returning one (or None)."""

    def decorator(service):
        writer = f"{service.__module__}.{service.__name__}"

        @wraps(service)
        def wrapper(*args, **kwargs):
            what = change(kwargs) if callable(change) else change
            with case_change(graduates_of(kwargs), change=what, writer=writer):
                return service(*args, **kwargs)

        return wrapper

    return decorator


def cases_created(graduates: list, *, writer: str = "") -> None:
    """New cases, inside the transaction that created them: counted, and told to the
    listeners (a provincial node's outbox sends them)."""
    ids = _ids(graduates)
    if not ids:
        return
    _tell(
        CaseChanged(
            graduate_ids=tuple(ids), change=Change.GRADUATE_UPSERT, created=True, writer=writer
        )
    )
    tally_add(ids)
