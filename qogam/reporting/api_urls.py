from django.urls import path

from qogam.reporting import api

app_name = "reporting_api"
urlpatterns = [
    path("", api.ReportListOpen.as_view(), name="report-list"),
    path("<int:pk>/", api.ReportDetail.as_view(), name="report-detail"),
    path("<int:pk>/submit/", api.ReportSubmit.as_view(), name="report-submit"),
    path("<int:pk>/exemption/", api.ReportExemption.as_view(), name="report-exemption"),
    path("<int:pk>/versions/", api.ReportVersions.as_view(), name="report-versions"),
    path("versions/<int:pk>/review/", api.VersionReview.as_view(), name="version-review"),
    path("foreign-funding/", api.ForeignFundingList.as_view(), name="foreign-funding"),
    path("receipts/<str:number>/", api.ReceiptDetail.as_view(), name="receipt-detail"),
]
