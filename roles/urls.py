from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("activate/", views.activate, name="activate"),
    path("activate/password/", views.activate_password, name="activate_password"),
    path(
        "password/", auth_views.PasswordChangeView.as_view(success_url="/"), name="password_change"
    ),
]
