from django.urls import path

from . import views

app_name = "leave"
urlpatterns = [
    path(
        "cases/<int:graduate_id>/transfer-change/",
        views.transfer_change_page,
        name="transfer_change",
    ),
    path("leave/", views.leave_window_page, name="window"),
    path("leave/transfers/", views.transfer_list_page, name="transfers"),
]
