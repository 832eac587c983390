from django.urls import path

from qogam.opendata import views

app_name = "opendata"

urlpatterns = [
    path("", views.index, name="index"),
    path("360giving.json", views.giving_json, name="360giving_json"),
    path("360giving.csv", views.giving_csv, name="360giving_csv"),
    path("ocds.json", views.ocds_json, name="ocds_json"),
    path("grants/annual-report/", views.annual_report, name="annual_report"),
    path("grants/annual-report.csv", views.annual_report_csv, name="annual_report_csv"),
    path("grants/annual-report.xlsx", views.annual_report_xlsx, name="annual_report_xlsx"),
]
