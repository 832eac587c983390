from django.urls import path

from qogam.reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.my_reports, name="my_reports"),
    path("open/", views.report_open, name="report_open"),
    path("<int:pk>/", views.report_form, name="report_form"),
    path("<int:pk>/report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("<int:pk>/upload/", views.report_upload, name="report_upload"),
    path("<int:pk>/exemption/", views.exemption, name="exemption"),
    path("<int:pk>/history/", views.history, name="history"),
    path("versions/<int:pk>/", views.version_detail, name="version"),
    path("versions/<int:pk>/receipt/", views.receipt, name="receipt"),
    path("versions/<int:pk>/receipt.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("versions/<int:pk>/review/", views.review_decide, name="review_decide"),
    path("receipts/", views.verify, name="verify"),
    path("review/", views.review_queue, name="review_queue"),
    path("overdue/", views.overdue, name="overdue"),
    path("overdue.csv", views.overdue_csv, name="overdue_csv"),
    path("overdue.xlsx", views.overdue_xlsx, name="overdue_xlsx"),
    path("foreign-funding/", views.foreign_funding, name="foreign_funding"),
    path("foreign-funding.csv", views.foreign_funding_csv, name="foreign_funding_csv"),
]
