from django.urls import path

from . import views

app_name = "sync"
urlpatterns = [
    path("", views.status_page, name="status"),
    path("retry/", views.retry_page, name="retry"),
    path("reconcile/", views.reconcile_page, name="reconcile"),
]
