"""The notification centre: the list, marking read, and each user's own settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.http import safe_next

from .forms import NotificationSettingsForm
from .kinds import EXTERNAL_CHANNELS, Channel
from .selectors import (
    notification_for_user,
    notifications_for_user,
    roster_mobile,
    settings_for_user,
)
from .services import notification_settings_update, notifications_mark_read


@login_required
def notification_list(request):
    unread_only = request.GET.get("show") == "unread"
    rows = notifications_for_user(request.user, unread_only=unread_only)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {
            "page": page,
            "unread_only": unread_only,
            "query": "show=unread" if unread_only else "",
        },
    )


@login_required
def notification_open(request, pk):
    """Follow a notification's link; opening it marks it read."""
    notification = notification_for_user(request.user, pk)
    if notification is None:
        raise Http404
    if notification.read_at is None:
        notifications_mark_read(user=request.user, ids=[notification.pk])
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read(request):
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()] or None
    notifications_mark_read(user=request.user, ids=ids)
    return redirect(safe_next(request, reverse("notifications:list")))


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    row = settings_for_user(request.user)
    form = NotificationSettingsForm(
        request.POST or None, settings_row=row, roster_mobile=roster_mobile(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            notification_settings_update(
                user=request.user,
                email=form.cleaned_data["email"],
                mobile=form.cleaned_data["mobile"],
                choices=form.choices(),
            )
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notifications:settings")
    return render(
        request,
        "notifications/settings.html",
        {
            "form": form,
            "channels": [Channel(c).label for c in EXTERNAL_CHANNELS],
        },
    )
