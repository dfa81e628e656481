"""Small request helpers the pages share."""

from django.utils.http import url_has_allowed_host_and_scheme


def client_ip(request) -> str | None:
    """The address a request came from, as the access log records it."""
    return request.META.get("REMOTE_ADDR")


def safe_next(request, fallback: str) -> str:
    """Where to go after a form: ``next`` if it stays on this site, else ``fallback``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback
