from django.urls import path

from . import views

app_name = "spotchecks"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_create_page, name="create"),
    path("<int:campaign_id>/", views.campaign_detail, name="detail"),
    path("<int:campaign_id>/close/", views.campaign_close_page, name="close"),
    path("<int:campaign_id>/report/", views.campaign_report, name="report"),
]
