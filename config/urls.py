from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from portal import views as portal_views

admin.site.site_header = _("Graduate destination registration: administration")
admin.site.site_title = _("Graduate destination registration")

urlpatterns = [
    path("", portal_views.home, name="home"),
    path("accounts/", include("roles.urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("workflows.urls")),
    path("", include("cases.urls")),
    path("", include("portal.urls")),
    path("", include("processes.registration.urls")),
    path("", include("processes.leave.urls")),
    path("", include("processes.targeted.urls")),
    path("", include("processes.changes.urls")),
    path("spot-checks/", include("processes.spotchecks.urls")),
    path("", include("processes.filings.urls")),
    path("", include("stats.urls")),
    path("", include("verification.urls")),
    path("api/v1/", include("api.urls")),
    path("sync/", include("sync.urls")),
    # The statistics jobs' admin pages were the reporting app's before statistics had its own.
    re_path(
        r"^admin/reporting/statisticsjob/(?P<rest>.*)$",
        RedirectView.as_view(url="/admin/stats/statisticsjob/%(rest)s", permanent=True),
    ),
    path("admin/", admin.site.urls),
]

handler404 = "api.errors.not_found"
