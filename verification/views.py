"""Verification pages: the verifier's lookup, the QR page, the form, and the graduate's consent."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from cases import selectors as case_selectors
from cases.display import VERIFIER_DESTINATION_FIELDS, versions_compare
from cases.models import TransferDetails
from cases.pages import own_case, reads_record
from core.http import client_ip
from core.masking import mask_id_number
from roles.decorators import role_required
from roles.models import Role
from roles.org_scope import scope_for_user

from . import documents, selectors, services
from .forms import LookupForm
from .models import LookupChannel, LookupResult


def _rate_limited(request) -> bool:
    """Per-account and per-address limits on lookups (django-ratelimit, shared cache)."""
    by_user = is_ratelimited(
        request, group="verify-user", key="user", rate=settings.VERIFY_RATE_USER, increment=True
    )
    by_ip = is_ratelimited(
        request, group="verify-ip", key="ip", rate=settings.VERIFY_RATE_IP, increment=True
    )
    return by_user or by_ip


# What a verifier is told of a lookup that shows no record: a heading and a sentence.
NO_RECORD = {
    LookupResult.SUPERSEDED: (
        gettext_lazy("Superseded"),
        gettext_lazy(
            "This number belonged to a confirmation that a later change replaced. It is no "
            "longer valid; ask the graduate for their current registration form."
        ),
    ),
    LookupResult.NOT_AUTHORISED: (
        gettext_lazy("Not authorised"),
        gettext_lazy("The graduate has not authorised verification of this registration."),
    ),
    LookupResult.NO_MATCH: (
        gettext_lazy("No matching registration"),
        gettext_lazy("No registration matches this name and number. Check both and try again."),
    ),
    LookupResult.LOCKED: (
        gettext_lazy("Account locked"),
        gettext_lazy(
            "Too many lookups failed. This account is locked for a while; the lock has been logged."
        ),
    ),
    LookupResult.RATE_LIMITED: (
        gettext_lazy("Too many lookups"),
        gettext_lazy("Too many lookups in a short time. Please wait a minute and try again."),
    ),
}


def _answer_context(answer) -> dict:
    confirmation = answer.confirmation if answer.shows_record else None
    context = {"answer": answer, "result": answer.result, "told": NO_RECORD.get(answer.result)}
    if confirmation is not None:
        context.update(
            confirmation=confirmation,
            graduate=confirmation.graduate,
            masked_id=mask_id_number(confirmation.graduate.id_number),
            destination=versions_compare(
                confirmation.registration, None, fields=VERIFIER_DESTINATION_FIELDS
            ),
            transfer=versions_compare(confirmation.transfer, None, model=TransferDetails),
        )
    elif answer.result == LookupResult.SUPERSEDED:
        context["superseded_at"] = answer.confirmation.superseded_at
    return context


@require_http_methods(["GET", "POST"])
@role_required(Role.VERIFIER)
def verify(request):
    """Name + 转递编号 or name + 核验编号. A wrong name and a wrong number read the same."""
    form = LookupForm(request.POST or None)
    context = {"form": form}
    if request.method == "POST":
        limited = _rate_limited(request)  # every attempt counts, well-formed or not
        if not form.is_valid():
            asked = {
                "user": request.user,
                "name": request.POST.get("name", ""),
                "number": request.POST.get("number", "").strip(),
                "ip": client_ip(request),
            }
            if asked["number"] and "number" in form.errors:  # an attempt all the same
                if limited:
                    services.lookup_refused(channel=LookupChannel.VERIFICATION_NO, **asked)
                else:
                    services.lookup_malformed(**asked)
            return render(request, "verification/verify.html", context)
        name, number = form.cleaned_data["name"], form.cleaned_data["number"]
        if limited:
            answer = services.lookup_refused(
                user=request.user,
                channel=LookupChannel.VERIFICATION_NO,
                name=name,
                number=number,
                ip=client_ip(request),
            )
        else:
            answer = services.lookup(
                user=request.user, name=name, number=number, ip=client_ip(request)
            )
        context.update(_answer_context(answer))
        status = 429 if answer.result in (LookupResult.RATE_LIMITED, LookupResult.LOCKED) else 200
        return render(request, "verification/verify.html", context, status=status)
    return render(request, "verification/verify.html", context)


def qr(request, signed):
    """The URL inside the QR code. A verifier gets the lookup answer; anyone else sees
    only whether the form is valid, its university and year."""
    user = request.user
    if user.is_authenticated and scope_for_user(user).has_role(Role.VERIFIER):
        if _rate_limited(request):
            answer = services.lookup_refused(
                user=user,
                channel=LookupChannel.QR,
                name="",
                number=signed[:40],
                ip=client_ip(request),
            )
        else:
            answer = services.lookup_qr(user=user, signed=signed, ip=client_ip(request))
        status = 429 if answer.result in (LookupResult.RATE_LIMITED, LookupResult.LOCKED) else 200
        return render(
            request,
            "verification/verify.html",
            {**_answer_context(answer), "from_qr": True},
            status=status,
        )
    if is_ratelimited(
        request, group="qr-public", key="ip", rate=settings.VERIFY_RATE_IP, increment=True
    ):
        return render(request, "verification/qr_public.html", {"limited": True}, status=429)
    confirmation = services.confirmation_for_qr(signed)
    return render(request, "verification/qr_public.html", {"confirmation": confirmation})


def _own_or_scoped_confirmation(request, graduate_id):
    graduate = case_selectors.case_for_user(request.user, graduate_id)
    confirmation = selectors.current_confirmation(graduate)
    if confirmation is None:
        raise Http404
    if graduate.user_id != request.user.pk:
        reads_record(request, [graduate.pk], "form_view")
    return confirmation


@login_required
def form_html(request, graduate_id):
    confirmation = _own_or_scoped_confirmation(request, graduate_id)
    return render(request, "verification/form.html", documents.form_context(confirmation))


@login_required
def form_pdf(request, graduate_id):
    confirmation = _own_or_scoped_confirmation(request, graduate_id)
    response = HttpResponse(documents.form_pdf(confirmation), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="form-{confirmation.transfer_no}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def consent(request, graduate_id):
    """The graduate grants or revokes the verification authorisation."""
    graduate = own_case(request, graduate_id)
    granted = request.POST.get("granted") == "1"
    services.consent_set(graduate=graduate, granted=granted, actor=request.user)
    messages.success(
        request,
        _("Verification is now authorised.")
        if granted
        else _("Verification authorisation revoked."),
    )
    return redirect("portal:case", graduate_id=graduate.pk)
