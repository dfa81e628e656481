from django.urls import path

from . import views

app_name = "targeted"
urlpatterns = [
    path("province/targeted/", views.targeted_list_page, name="list"),
]
