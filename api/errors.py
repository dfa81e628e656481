"""Errors as JSON ``{"detail": …}``, also for validation errors raised by the models."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found
from rest_framework.exceptions import ValidationError
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError({"detail": exc.messages})
    return drf_exception_handler(exc, context)


def not_found(request, exception=None):
    """404 for a URL no route matches: JSON under ``/api/``, the page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return page_not_found(request, exception)
