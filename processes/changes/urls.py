from django.urls import path

from . import views

app_name = "changes"
urlpatterns = [
    path("cases/<int:graduate_id>/change/", views.change_request_page, name="request"),
    path(
        "cases/<int:graduate_id>/late-correction/",
        views.late_correction_page,
        name="late_correction",
    ),
]
