"""Supervision pages: the overdue dashboard of a university (its supervisors act on it,
monitors read it), the province's dashboard by university (monitors, read-only) and
the supervisor's actions on tasks (reassign, remind)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.http import page_query
from roles.decorators import role_required
from roles.models import Role
from roles.org_scope import OVERSEERS, scope_for_user

from .. import services
from ..models import TaskScope
from . import selectors as supervision
from .forms import SupervisionFilterForm, TaskActionForm


@role_required(*OVERSEERS)
def supervision_home(request):
    """The supervisor's own university; a monitor's province."""
    scope = scope_for_user(request.user)
    if university_id := scope.first(Role.UNIVERSITY_SUPERVISOR):
        return redirect("workflows:supervision_university", university_id=university_id)
    if scope.has_role(Role.PROVINCIAL_MONITOR):
        return redirect("workflows:supervision_province")
    raise PermissionDenied  # the national view is by province, not built yet


def _cohort(request):
    value = request.GET.get("cohort", "")
    return int(value) if value.isdigit() else None


@role_required(*OVERSEERS)
def supervision_university(request, university_id):
    university, can_act = supervision.university_for_supervision(request.user, university_id)
    dashboard = supervision.university_dashboard(university, cohort=_cohort(request))
    form = SupervisionFilterForm(request.GET or None)
    return render(
        request,
        "workflows/supervision_university.html",
        {
            "d": dashboard,
            "can_act": can_act,
            "form": form,
            "buckets": supervision.AGING_BUCKETS,
            "chart": _aging_chart(dashboard.total.aging),
            "cohort": _cohort(request) or "",
        },
    )


@role_required(Role.PROVINCIAL_MONITOR)
def supervision_province(request):
    province = supervision.province_for_monitor(request.user, request.GET.get("province"))
    dashboard = supervision.province_dashboard(province, cohort=_cohort(request))
    return render(
        request,
        "workflows/supervision_province.html",
        {
            "d": dashboard,
            "form": SupervisionFilterForm(request.GET or None),
            "buckets": supervision.AGING_BUCKETS,
            "chart": _aging_chart(dashboard.total.aging),
            "cohort": _cohort(request) or "",
        },
    )


@role_required(*OVERSEERS)
def supervision_tasks(request, university_id):
    university, can_act = supervision.university_for_supervision(request.user, university_id)
    reviewers = supervision.reviewers_of(university)
    form = SupervisionFilterForm(
        request.GET or None, colleges=university.colleges.all(), reviewers=reviewers
    )
    filters = form.filters() if request.GET else supervision.Filters()
    rows = supervision.supervision_tasks(university, filters)
    page = Paginator(rows, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "workflows/supervision_tasks.html",
        {
            "university": university,
            "can_act": can_act,
            "form": form,
            "page": page,
            "query": page_query(request),
            "reviewers": reviewers,
        },
    )


@require_POST
@role_required(*OVERSEERS)
def supervision_tasks_action(request, university_id):
    """Reassign or remind the selected tasks. Every id must be a task of this university."""
    university, can_act = supervision.university_for_supervision(request.user, university_id)
    if not can_act:
        raise PermissionDenied
    wanted = request.POST.getlist("task")
    if not all(raw.isdigit() for raw in wanted):
        raise Http404
    task_ids = sorted({int(raw) for raw in wanted})
    found = set(
        TaskScope.objects.filter(pk__in=task_ids, university=university).values_list(
            "pk", flat=True
        )
    )
    if found != set(task_ids):
        raise Http404
    reviewers = supervision.reviewers_of(university)
    form = TaskActionForm(request.POST, task_ids=task_ids, reviewers=reviewers)
    back = reverse("workflows:supervision_tasks", args=[university.pk])
    next_url = request.POST.get("next", "")
    if next_url.startswith(back):
        back = next_url
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    if form.cleaned_data["action"] == "remind":
        reminded, left_out = services.tasks_remind(task_ids=task_ids, actor=request.user)
        messages.success(request, _("%(n)d task(s) reminded.") % {"n": reminded})
        if left_out:
            messages.info(
                request,
                _("%(n)d task(s) were already reminded today or are finished; left out.")
                % {"n": left_out},
            )
        return redirect(back)
    to_user = get_user_model().objects.get(pk=form.cleaned_data["reviewer"])
    done, skipped = services.tasks_reassign_bulk(
        task_ids=task_ids, to_user=to_user, actor=request.user
    )
    if done:
        messages.success(
            request,
            _("%(n)d task(s) reassigned to %(name)s.")
            % {"n": done, "name": to_user.first_name or to_user.username},
        )
    for message in skipped:
        messages.warning(request, message)
    return redirect(back)


def _aging_chart(counts: list[int]) -> list[dict]:
    """Bars of a small server-rendered SVG chart of the aging buckets."""
    top = max(counts) or 1
    return [
        {
            "label": label,
            "n": n,
            "y": 10 + i * 34,
            "width": round(300 * n / top),
            "text_x": 130 + round(300 * n / top) + 6,
        }
        for i, ((_key, label, _low, _high), n) in enumerate(
            zip(supervision.AGING_BUCKETS, counts, strict=True)
        )
    ]
