from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("cases/", views.case_list, name="list"),
    path("evidence/<int:evidence_id>/", views.evidence_file, name="evidence"),
]
