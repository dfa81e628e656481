from django.contrib import messages
from django.contrib.auth import authenticate, get_user_model, login
from django.contrib.auth.forms import SetPasswordForm
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .forms import ActivationForm
from .services import activation_complete

SESSION_KEY = "activation_user_id"


@require_http_methods(["GET", "POST"])
def activate(request):
    """Step 1: the graduate proves who they are with ID number + activation code."""
    form = ActivationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request,
            identity=form.cleaned_data["identity"],
            activation_code=form.cleaned_data["activation_code"],
        )
        if getattr(request, "axes_locked_out", False):
            return render(request, "registration/locked_out.html", status=429)
        if user is None:
            form.add_error(
                None,
                _(
                    "The ID number and activation code do not match an account waiting for activation."
                ),
            )
        else:
            request.session[SESSION_KEY] = user.pk
            return redirect("activate_password")
    return render(request, "registration/activate.html", {"form": form})


@require_http_methods(["GET", "POST"])
def activate_password(request):
    """Step 2: they choose a password; only then is the code spent and they are logged in."""
    user_id = request.session.get(SESSION_KEY)
    user = (
        get_user_model().objects.filter(pk=user_id, activation__activated_at__isnull=True).first()
        if user_id
        else None
    )
    if user is None:
        messages.error(request, _("Enter your ID number and activation code first."))
        return redirect("activate")
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        activation_complete(user=user, password=form.cleaned_data["new_password1"])
        del request.session[SESSION_KEY]
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            _("Your account is active. Your user name for future log-ins is %(username)s.")
            % {"username": user.username},
        )
        return redirect("home")
    return render(request, "registration/activate_password.html", {"form": form, "account": user})
