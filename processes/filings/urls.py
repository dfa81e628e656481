from django.urls import path

from . import report_views, views

app_name = "filings"
urlpatterns = [
    path("filings/", views.filings_home, name="filings"),
    path("filings/submit/", views.filing_submit_page, name="filing_submit"),
    path("filings/period/", views.filing_period_page, name="filing_period"),
    path(
        "filings/university/<int:university_id>/",
        views.university_filings,
        name="university_filings",
    ),
    path("filings/province/<int:province_id>/", views.province_filings, name="province_filings"),
    path("filings/<int:filing_id>/", views.filing_detail, name="filing"),
    path("filings/<int:filing_id>/compare/", views.filing_compare, name="filing_compare"),
    path("reports/", report_views.reports_home, name="reports"),
    path("reports/submit/", report_views.report_submit_page, name="report_submit"),
    path(
        "reports/province/<int:province_id>/",
        report_views.province_reports,
        name="province_reports",
    ),
    path("reports/<int:report_id>/", report_views.report_detail, name="report"),
]
