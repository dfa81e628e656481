from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("statistics/", views.statistics_home, name="statistics"),
    path("statistics/national/", views.national_dashboard, name="national"),
    path("statistics/province/<int:province_id>/", views.province_dashboard, name="province"),
    path(
        "statistics/university/<int:university_id>/",
        views.university_dashboard,
        name="university",
    ),
    path("statistics/recompute/", views.recompute, name="recompute"),
    path("statistics/jobs/<int:job_id>/", views.job_detail, name="job"),
    path("filings/", views.filings_home, name="filings"),
    path("filings/submit/", views.filing_submit, name="filing_submit"),
    path("filings/period/", views.filing_period, name="filing_period"),
    path(
        "filings/university/<int:university_id>/",
        views.university_filings,
        name="university_filings",
    ),
    path("filings/province/<int:province_id>/", views.province_filings, name="province_filings"),
    path("filings/<int:filing_id>/", views.filing_detail, name="filing"),
    path("filings/<int:filing_id>/compare/", views.filing_compare, name="filing_compare"),
    path("reports/", views.reports_home, name="reports"),
    path("reports/submit/", views.report_submit, name="report_submit"),
    path("reports/province/<int:province_id>/", views.province_reports, name="province_reports"),
    path("reports/<int:report_id>/", views.report_detail, name="report"),
    path("reporting/tasks/<int:task_id>/", views.org_task, name="task"),
]
