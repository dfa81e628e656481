from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

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
    path("admin/", admin.site.urls),
]

handler404 = "api.errors.not_found"
