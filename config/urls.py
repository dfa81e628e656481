from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from workflows import views as workflow_views

admin.site.site_header = _("Graduate destination registration: administration")
admin.site.site_title = _("Graduate destination registration")

urlpatterns = [
    path("", workflow_views.home, name="home"),
    path("accounts/", include("roles.urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("workflows.urls")),
    path("", include("verification.urls")),
    path("api/v1/", include("api.urls")),
    path("sync/", include("sync.urls")),
    path("spot-checks/", include("spotchecks.urls")),
    path("", include("reporting.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "api.errors.not_found"
