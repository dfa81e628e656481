"""The application's URLs plus the smallest signed-in page: the ceiling the HTTP figure of
the lookup is compared with (the same server, middleware, session and user, no work)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import include, path


@login_required
def ceiling(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/ceiling/", ceiling), path("", include("config.urls"))]
