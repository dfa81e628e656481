from django.urls import path

from . import views

app_name = "stats"
urlpatterns = [
    path("statistics/", views.statistics_home, name="statistics"),
    path("statistics/national/", views.national_dashboard, name="national"),
    path("statistics/province/<int:province_id>/", views.province_dashboard, name="province"),
    path(
        "statistics/university/<int:university_id>/",
        views.university_dashboard,
        name="university",
    ),
    path(
        "statistics/province/<int:province_id>/graduates.xlsx",
        views.province_national_file,
        name="province_file",
    ),
    path(
        "statistics/university/<int:university_id>/graduates.xlsx",
        views.university_national_file,
        name="university_file",
    ),
    path("statistics/recompute/", views.recompute_page, name="recompute"),
    path("statistics/jobs/<int:job_id>/", views.job_detail, name="job"),
]
