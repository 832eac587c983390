from django.urls import path

from qogam.analytics import api

app_name = "analytics_api"
urlpatterns = [
    path("analytics/indicators/", api.Indicators.as_view(), name="indicators"),
    path("analytics/series/", api.Series.as_view(), name="series"),
    path("analytics/panels/<slug:key>/", api.PanelData.as_view(), name="panel"),
    path("analytics/reports/", api.ReportRequest.as_view(), name="report"),
    path("analytics/jobs/<str:pk>/", api.JobDetail.as_view(), name="job"),
]
