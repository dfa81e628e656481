from django.urls import path

from . import views

app_name = "sync"
urlpatterns = [
    path("", views.status, name="status"),
    path("retry/", views.retry, name="retry"),
    path("reconcile/", views.reconcile, name="reconcile"),
]
