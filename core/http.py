"""Small request helpers the pages share."""

from django.http import Http404
from django.utils.http import url_has_allowed_host_and_scheme, urlencode


def client_ip(request) -> str | None:
    """The address a request came from, as the access log records it."""
    return request.META.get("REMOTE_ADDR")


def safe_next(request, fallback: str) -> str:
    """Where to go after a form: ``next`` if it stays on this site, else ``fallback``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


def int_or_404(value) -> int:
    """An id from a URL or a form, or 404: an id that is not a number names nothing."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def query_string(**params) -> str:
    """``params`` as a URL query, leaving out those without a value."""
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


def page_query(request) -> str:
    """The page's query without its page number: what the pagination links add theirs to."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
