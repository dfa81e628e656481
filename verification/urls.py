from django.urls import path

from . import views

app_name = "verification"
urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("v/<str:signed>/", views.qr, name="qr"),
    path("cases/<int:graduate_id>/form/", views.form_html, name="form"),
    path("cases/<int:graduate_id>/form.pdf", views.form_pdf, name="form_pdf"),
    path("cases/<int:graduate_id>/consent/", views.consent, name="consent"),
]
