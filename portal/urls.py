from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("cases/<int:graduate_id>/", views.case_page, name="case"),
]
