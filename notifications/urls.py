from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read/", views.notification_read, name="read"),
    path("settings/", views.notification_settings, name="settings"),
    path("<int:pk>/", views.notification_open, name="open"),
]
