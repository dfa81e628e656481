"""Every call to ``/api/`` is logged (``ApiCall``): caller, path, answer and duration."""

import logging
import time

from .models import ApiCall

logger = logging.getLogger(__name__)


class ApiCallLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        started = time.monotonic()
        response = self.get_response(request)
        client = getattr(request, "api_client", None)
        user = getattr(request, "user", None)
        try:
            ApiCall.objects.create(
                client=client,
                user=user if user is not None and user.is_authenticated else None,
                method=request.method[:8],
                path=request.get_full_path()[:300],
                status=response.status_code,
                duration_ms=int((time.monotonic() - started) * 1000),
                ip=request.META.get("REMOTE_ADDR") or None,
                summary=getattr(request, "api_summary", "")[:300],
            )
        except Exception:  # the answer must not be lost because the log could not be written
            logger.exception("API call not logged: %s %s", request.method, request.path)
        return response
