from django.urls import path, re_path

from . import views

app_name = "registration"
urlpatterns = [
    path("roster/", views.roster_import_page, name="roster"),
    re_path(
        r"^roster/template\.(?P<fmt>xlsx|csv)$", views.roster_template_page, name="roster_template"
    ),
    path("roster/activation-codes/", views.activation_codes_page, name="activation_codes"),
]
