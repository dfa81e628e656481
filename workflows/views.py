"""The inboxes and the task pages' one URL: "my tasks", the queues to claim from, claiming and
releasing, and ``/tasks/<id>/`` (``/reporting/tasks/<id>/`` for a task about an organisation),
which shows the page its kind's process registered (``workflows.registry``)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.http import page_query, safe_next
from roles.decorators import role_required
from roles.models import Role
from roles.org_scope import OVERSEERS, scope_for_user
from roles.selectors import colleges_in_scope

from . import selectors, services
from .forms import InboxFilterForm
from .registry import registry
from .steps import TaskNotAvailable

REVIEWER_ROLES = (Role.COLLEGE_REVIEWER, Role.UNIVERSITY_REVIEWER, Role.TARGETED_REVIEWER)
# Roles with a queue of tasks to claim: the reviewers, and inspectors (their campaigns' checks).
QUEUE_ROLES = (*REVIEWER_ROLES, Role.INSPECTOR)
# Roles whose filing and report tasks are listed with their other tasks.


class InboxPaginator(Paginator):
    """Counts the bare task rows (one index scan); lists a page with its display columns,
    as ``InboxRow``s."""

    def __init__(self, rows, per_page, **columns):
        super().__init__(selectors.inbox_rows(rows, **columns), per_page)
        self.rows = rows

    @cached_property
    def count(self) -> int:
        return self.rows.count()

    def _get_page(self, object_list, number, paginator):
        return Page([selectors.InboxRow(**row) for row in object_list], number, paginator)


def _inbox(request, *, queue: bool):
    scope = scope_for_user(request.user)
    form = InboxFilterForm(request.GET or None, colleges=colleges_in_scope(scope) if queue else ())
    filters = form.filters() if request.GET else selectors.InboxFilters()
    rows = (
        selectors.queue_for_user(request.user, filters)
        if queue
        else selectors.my_tasks(request.user, filters)
    )
    page = InboxPaginator(
        rows, settings.PAGE_SIZE, **selectors.inbox_columns(scope, filters, queue=queue)
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "workflows/inbox.html",
        {
            "page": page,
            "form": form,
            "queue": queue,
            "query": page_query(request),
            "filters": filters,
            # Filing and report tasks (about organisations) have their own table and list.
            "org_tasks": list(selectors.org_tasks_for_user(request.user)[: settings.PAGE_SIZE])
            if not queue and scope.has_role(*OVERSEERS)
            else None,
        },
    )


@login_required
def my_tasks_page(request):
    return _inbox(request, queue=False)


@role_required(*QUEUE_ROLES)
def queue_page(request):
    return _inbox(request, queue=True)


@require_POST
@login_required
def tasks_claim_page(request):
    """Claim one task or several ("assign to me"); each id passes the scope gate."""
    scope = scope_for_user(request.user)
    wanted = [request.POST["one"]] if "one" in request.POST else request.POST.getlist("task")
    rows = [selectors.task_for_user(request.user, raw) for raw in wanted]
    if not all(selectors.may_claim(scope, row) for row in rows):
        raise PermissionDenied
    ids = [row.pk for row in rows]
    if not wanted:
        messages.warning(request, _("Select at least one task."))
    claimed, skipped = services.tasks_claim_bulk(task_ids=ids, user=request.user)
    if claimed:
        messages.success(
            request, _("%(n)d task(s) claimed; they are now in “My tasks”.") % {"n": claimed}
        )
    for message in skipped:
        messages.warning(request, message)
    return redirect(safe_next(request, reverse("workflows:queue")))


@require_POST
@login_required
def task_unclaim_page(request, task_id):
    row = selectors.task_for_user(request.user, task_id)
    try:
        services.task_unclaim(task_id=row.pk, user=request.user)
    except TaskNotAvailable as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The task is back in the queue."))
    return redirect(safe_next(request, reverse("workflows:mine")))


# --- Task pages -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def task_detail(request, task_id):
    """One URL for every task about a case; the page is its kind's. A graduate's own task is
    shown to them only: anyone else who may see it is taken to the case."""
    row = selectors.task_for_user(request.user, task_id)
    if registry.kind(row.kind).role == Role.GRADUATE and row.assignee_id != request.user.pk:
        return redirect("portal:case", graduate_id=row.graduate_id)
    return registry.page(row.kind)(request, row)


@require_http_methods(["GET", "POST"])
@login_required
def org_task_detail(request, task_id):
    """One URL for every filing and report task; the page is its kind's."""
    row = selectors.org_task_for_user(request.user, task_id)
    return registry.page(row.kind)(request, row)
