"""Where a user starts, and where a case's whole story is told.

The home page shows each role its work (tasks, queues, the filings and reports waiting, the
cases in scope). The case page brings together what every layer holds of one case: its
registrations and history (``cases``), its tasks (``workflows``), its confirmation, consent
and lookups (``verification``), and the change and correction it allows now (the
processes). It lives here, above them all, because it reads all of them.
"""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render

from cases import selectors as case_selectors
from cases import services as case_services
from cases.models import CaseStatus, Graduate
from cases.pages import case_read
from processes.registration.flow import GRADUATE_KINDS
from roles.models import Role
from roles.org_scope import OVERSEERS, scope_for_user
from verification import selectors as verification_selectors
from workflows import selectors as inbox
from workflows.pages import case_context
from workflows.views import QUEUE_ROLES


@login_required
def home(request):
    scope = scope_for_user(request.user)
    context = {"role": scope.primary_role}
    if scope.has_role(Role.GRADUATE):
        graduate = (
            Graduate.objects.filter(user=request.user)
            .select_related("university", "current_registration__category")
            .first()
        )
        context["graduate"] = graduate
        context["tasks"] = inbox.my_tasks(request.user, inbox.InboxFilters())
    elif scope.has_role(*QUEUE_ROLES):
        context["queue_count"] = inbox.queue_for_user(request.user, inbox.InboxFilters()).count()
        context["mine_count"] = inbox.my_tasks(request.user, inbox.InboxFilters()).count()
    if scope.has_role(*OVERSEERS):
        context["org_tasks"] = list(inbox.org_tasks_for_user(request.user)[:10])
    if scope.is_staff_reader:
        counts = dict(
            case_selectors.cases_for_user(request.user)
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        context["status_counts"] = [
            (label, counts.get(value, 0)) for value, label in CaseStatus.choices
        ]
        context["case_total"] = sum(counts.values())
    return render(request, "portal/home.html", context)


@login_required
def case_page(request, graduate_id):
    graduate, own = case_read(request, graduate_id, "case_view")
    context = case_context(graduate)
    context["own"] = own
    context["confirmation"] = verification_selectors.current_confirmation(graduate)
    context["changes"] = graduate.change_requests.select_related(
        "proposed", "decided_by"
    ).prefetch_related("evidence")
    context["changes_open"] = case_services.changes_open(graduate)
    context["change_deadline"] = case_services.change_deadline(graduate)
    context["may_correct_late"] = not context["changes_open"] and scope_for_user(
        request.user
    ).supervises(graduate.university_id)
    if own:
        context["consent"] = verification_selectors.consent_of(graduate)
        context["lookups"] = verification_selectors.lookups_of(graduate)[:50]
        context["masked_id"] = graduate.id_number
        context["masked_mobile"] = graduate.mobile
        context["open_task"] = inbox.active_task_of_case(graduate.pk, kinds=GRADUATE_KINDS)
    return render(request, "portal/case_detail.html", context)
