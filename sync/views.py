"""The sync status page for operators (staff accounts) of a provincial node."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services


def _operator(view):
    @login_required
    def wrapper(request, *args, **kwargs):
        if not request.user.is_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@_operator
def status_page(request):
    """Lag, the oldest undelivered event, failures with their reasons, reconciliation runs."""
    return render(
        request,
        "sync/status.html",
        {
            "node_role": settings.NODE_ROLE,
            "node_province": settings.NODE_PROVINCE,
            "national_url": settings.NATIONAL_URL,
            "status": selectors.sync_status(),
            "failures": selectors.failures(),
            "runs": selectors.reconciliation_runs(),
        },
    )


@require_POST
@_operator
def retry_page(request):
    """Send again the events the national node refused (all, or the one named), now."""
    ids = [int(v) for v in request.POST.getlist("event") if v.isdigit()] or None
    count = services.outbox_retry(event_ids=ids)
    messages.success(
        request, _("%(n)d event(s) will be sent again; the relay has been started.") % {"n": count}
    )
    return redirect("sync:status")


@require_POST
@_operator
def reconcile_page(request):
    run = services.reconcile()
    messages.info(
        request,
        _("Reconciliation: %(outcome)s; %(n)d case(s) re-sent.")
        % {"outcome": run.get_outcome_display(), "n": run.resent},
    )
    return redirect("sync:status")
